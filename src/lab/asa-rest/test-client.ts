// Test-only helper: a real HTTPS client (undici) for the REST emulator, trusting its certificate as the CA.

import { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import type { RunningAsaRestEmulator } from './types.js';

export interface TestReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

export interface CallOptions {
  body?: unknown;
  /** Raw body text instead of JSON. */
  raw?: string;
  /** Send the body in chunks without a Content-Length (chunked transfer encoding). */
  chunked?: boolean;
  token?: string;
  /** Basic credentials; default the emulator's; false: none. */
  basic?: { username: string; password: string } | false;
  userAgent?: string | false;
}

export type Caller = (method: string, path: string, o?: CallOptions) => Promise<TestReply>;

export function restCaller(
  emu: RunningAsaRestEmulator,
  creds: { username: string; password: string },
): Caller & { close(): Promise<void> } {
  const agent = new Agent({ connect: { ca: emu.certificate.cert }, keepAliveTimeout: 10 });
  const origin = emu.url.slice(0, -'/api'.length);
  const call = async (method: string, path: string, o: CallOptions = {}): Promise<TestReply> => {
    const headers: Record<string, string> = {};
    if (o.userAgent !== false) headers['user-agent'] = o.userAgent ?? 'REST API Agent';
    const basic = o.basic === undefined ? creds : o.basic;
    if (o.token) headers['x-auth-token'] = o.token;
    else if (basic)
      headers['authorization'] = `Basic ${Buffer.from(`${basic.username}:${basic.password}`).toString('base64')}`;
    let body: string | undefined;
    if (o.raw !== undefined) body = o.raw;
    else if (o.body !== undefined) body = JSON.stringify(o.body);
    if (body !== undefined) headers['content-type'] = 'application/json';
    const text0 = body;
    const payload =
      o.chunked && text0 !== undefined
        ? Readable.from(
            Array.from({ length: Math.ceil(text0.length / 1000) }, (_, i) =>
              Buffer.from(text0.slice(i * 1000, i * 1000 + 1000)),
            ),
          )
        : body;
    const res = await request(`${origin}${path}`, {
      method: method as 'GET',
      headers,
      body: payload,
      dispatcher: agent,
    });
    const text = await res.body.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.statusCode, headers: res.headers, text, json };
  };
  return Object.assign(call, { close: () => agent.close() });
}

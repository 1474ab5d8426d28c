// Test-only helper: a real HTTPS client (undici) for the REST emulator, trusting its certificate as the CA.

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
    const res = await request(`${origin}${path}`, { method: method as 'GET', headers, body, dispatcher: agent });
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

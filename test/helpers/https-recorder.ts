// A recording HTTPS relay for REST tests: it serves the device's own certificate (so a pinned fingerprint still
// matches), forwards each request to the device unchanged and keeps what went by: method, path, request body,
// status and the reply's auth token. Tests read what the driver really sent (which members a PATCH named) and
// which tokens it was given, without trusting the driver's own account. A refused or dropped upstream connection
// drops the client's connection too, as the device would.

import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LabCertificate } from '../../src/lab/tls-cert.js';

export interface Exchange {
  readonly method: string;
  readonly path: string;
  readonly body: string;
  /** undefined: the device did not answer (refused, reset). */
  readonly status: number | undefined;
  /** The `X-Auth-Token` a tokenservices reply handed out. */
  readonly token?: string;
}

export interface RecordingRelay {
  readonly host: string;
  readonly port: number;
  exchanges(): readonly Exchange[];
  /** Every token the device handed out through the relay. */
  tokens(): string[];
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function startRecordingRelay(
  target: { readonly host: string; readonly port: number; readonly certificate: LabCertificate },
  listenHost: string,
): Promise<RecordingRelay> {
  const log: Exchange[] = [];
  const agent = new https.Agent({ keepAlive: true, ca: target.certificate.cert, checkServerIdentity: () => undefined });
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const base = { method: req.method ?? 'GET', path: req.url ?? '/', body: body.toString('utf8') };
    const upstream = https.request(
      { host: target.host, port: target.port, method: req.method, path: req.url, headers: req.headers, agent },
      (reply) => {
        const token = reply.headers['x-auth-token'];
        log.push({ ...base, status: reply.statusCode, ...(typeof token === 'string' ? { token } : {}) });
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      },
    );
    upstream.on('error', () => {
      log.push({ ...base, status: undefined });
      req.socket.destroy();
    });
    upstream.end(body);
  };
  const server = https.createServer({ cert: target.certificate.cert, key: target.certificate.key }, (req, res) => {
    handle(req, res).catch(() => req.socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, listenHost, resolve));
  return {
    host: listenHost,
    port: (server.address() as AddressInfo).port,
    exchanges: () => log,
    tokens: () => log.flatMap((e) => (e.token ? [e.token] : [])),
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

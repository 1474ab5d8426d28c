// Test-only: a tiny HTTPS server playing an ASA's REST agent, one handler per test, every request recorded
// (method, path, headers, body, arrival and finish times). Loopback 127.0.92.0/24 belongs to these tests.

import { createServer } from 'node:https';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../driver.js';
import { RestClient } from '../client.js';
import type { RestClientInternals, RestClientOptions } from '../client.js';
import { RestError } from '../rest-error.js';

export interface Seen {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  readonly at: number;
  done?: number;
}

export interface Answer {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  /** An object is sent as JSON; a string as is. */
  readonly body?: unknown;
  readonly delayMs?: number;
  /** Drop the connection without an answer. */
  readonly reset?: boolean;
}

export type Handler = (req: Seen, index: number) => Answer | Promise<Answer>;

export interface FakeAsa {
  readonly host: string;
  readonly port: number;
  readonly url: string;
  readonly seen: Seen[];
  handle: Handler;
  /** Stop accepting connections (connection refused), keeping the port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export const loopback = (): string => `127.0.92.${2 + Math.floor(Math.random() * 250)}`;

export async function startFakeAsa(
  tls: { cert: string; key: string },
  handle: Handler,
  host = loopback(),
): Promise<FakeAsa> {
  const seen: Seen[] = [];
  let server: Server | undefined;
  let port = 0;
  const fake: FakeAsa = {
    host,
    get port() {
      return port;
    },
    get url() {
      return `https://${host}:${port}/api`;
    },
    seen,
    handle,
    async start() {
      server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => void serve(fake, req, res));
      const s = server;
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(port, host, () => resolve());
      });
      port = (s.address() as AddressInfo).port;
    },
    async stop() {
      const s = server;
      server = undefined;
      if (!s) return;
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    },
    close() {
      return fake.stop();
    },
  };
  await fake.start();
  return fake;
}

async function serve(fake: FakeAsa, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const rec: Seen = {
    method: req.method ?? '',
    path: req.url ?? '',
    headers: req.headers,
    body: Buffer.concat(chunks).toString('utf8'),
    at: Date.now(),
  };
  fake.seen.push(rec);
  const a = await fake.handle(rec, fake.seen.length - 1);
  if (a.delayMs) await new Promise((r) => setTimeout(r, a.delayMs));
  rec.done = Date.now();
  if (a.reset) {
    req.socket.destroy();
    return;
  }
  const isText = typeof a.body === 'string';
  const text = a.body === undefined ? '' : isText ? (a.body as string) : JSON.stringify(a.body);
  res.writeHead(a.status ?? 200, {
    ...(a.body !== undefined ? { 'Content-Type': isText ? 'text/html' : 'application/json' } : {}),
    ...a.headers,
  });
  res.end(text);
}

/** A logger that keeps every line (to assert that secrets never reach it) and can react to one. */
export function recordingLogger(on?: (msg: string, fields?: Record<string, unknown>) => void): Logger & {
  lines: string[];
} {
  const lines: string[] = [];
  const rec = (level: string) => (msg: string, fields?: Record<string, unknown>) => {
    lines.push(`${level} ${msg} ${JSON.stringify(fields ?? {})}`);
    on?.(msg, fields);
  };
  return { lines, debug: rec('debug'), info: rec('info'), warn: rec('warn'), error: rec('error') };
}

export const USER = 'restadmin';
export const PASSWORD = 'Pa55-w0rd-s3cret';
export const TOKEN = 'tok-ABCDEF0123456789';

export function options(fake: FakeAsa, over: Partial<RestClientOptions> = {}): RestClientOptions {
  return {
    baseUrl: fake.url,
    label: 'fw1',
    username: USER,
    password: PASSWORD,
    tokenAuth: true,
    tls: { mode: 'self-signed' },
    requestTimeoutMs: 2000,
    concurrency: 1,
    retry: { attempts: 4, baseDelayMs: 2, maxDelayMs: 5, budgetMs: 5000 },
    log: recordingLogger(),
    ...over,
  };
}

/** The ASA's happy path: a token from /tokenservices, 204 on its DELETE, `ok` for the rest. */
export const asa =
  (ok: Handler = () => ({ status: 200, body: { ok: true } })): Handler =>
  (req, i) => {
    if (req.method === 'POST' && req.path === '/api/tokenservices') {
      return { status: 204, headers: { 'X-Auth-Token': TOKEN } };
    }
    if (req.method === 'DELETE' && req.path.startsWith('/api/tokenservices/')) return { status: 204 };
    return ok(req, i);
  };

/**
 * Fakes and clients of one test file, closed after each test; every error message and log line kept so that the
 * file can assert at the end that no password, token or Basic credentials reached any of them.
 */
export class Session {
  readonly fakes: FakeAsa[] = [];
  readonly clients: RestClient[] = [];
  readonly texts: string[] = [];
  readonly #logs: string[][] = [];

  constructor(private readonly cert: { cert: string; key: string } | (() => { cert: string; key: string })) {}

  async fake(handler: Handler = asa(), cert?: { cert: string; key: string }, host?: string): Promise<FakeAsa> {
    const c = cert ?? (typeof this.cert === 'function' ? this.cert() : this.cert);
    const f = await startFakeAsa(c, handler, host);
    this.fakes.push(f);
    return f;
  }

  async open(
    f: FakeAsa,
    over: Partial<RestClientOptions> = {},
    internal: RestClientInternals = {},
  ): Promise<RestClient> {
    const log = over.log ?? recordingLogger();
    if ('lines' in log) this.#logs.push((log as { lines: string[] }).lines);
    const c = await RestClient.open(options(f, { ...over, log }), internal);
    this.clients.push(c);
    return c;
  }

  async failure(p: Promise<unknown>): Promise<RestError> {
    const e = await p.then(
      () => undefined,
      (err: unknown) => err,
    );
    if (!(e instanceof RestError)) throw new Error(`expected a RestError, got ${String(e)}`);
    this.texts.push(e.message);
    return e;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((c) => c.close()));
    await Promise.all(this.fakes.splice(0).map((f) => f.close()));
  }

  /** Every error message and log line seen so far. */
  allTexts(): string[] {
    return [...this.texts, ...this.#logs.flat()];
  }
}

export const SECRET_STRINGS = [PASSWORD, TOKEN, Buffer.from(`${USER}:${PASSWORD}`).toString('base64')];

// The loop's HTTP face (node:http): /healthz (the process answers), /readyz (a pass has finished), /status (JSON:
// the devices' statuses and the loop's own record) and /metrics (Prometheus text). GET and HEAD only, no request
// body is read, small header and time limits, a bounded number of connections: a scraper or a probe, nothing else.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '../errors.js';
import type { Registry } from 'prom-client';

/** What /readyz and /status serve (the loop's LoopStatus, or `tscm syslog`'s log service). */
export interface StatusSource {
  readonly ready: boolean;
  document(): unknown;
}

export const DEFAULT_LISTEN = '127.0.0.1:9469';

export interface StatusServer {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/** "ADDR:PORT", "[v6]:PORT" or ":PORT" (all of IPv4 and IPv6: 0.0.0.0 would leave v6 out) -> host and port. */
export function parseListen(text: string, what = '--listen'): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]*)):(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) {
    throw new ConfigError(`${what} takes ADDRESS:PORT, not "${text.slice(0, 60)}"`, `e.g. ${what} ${DEFAULT_LISTEN}`);
  }
  return { host: m[1] ?? (m[2] || '::'), port };
}

export async function startStatusServer(opts: {
  host: string;
  port: number;
  status: StatusSource;
  metrics: { readonly registry: Registry };
}): Promise<StatusServer> {
  const server = http.createServer(
    { maxHeaderSize: 8192, requestTimeout: 10_000, headersTimeout: 5_000, keepAliveTimeout: 5_000 },
    (req, res) => {
      void respond(req, res, opts).catch(() => {
        if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
        else res.destroy();
      });
    },
  );
  server.maxConnections = 64;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new ConfigError(
          `cannot listen on ${opts.host}:${opts.port} for status and metrics: ${err.code ?? err.message}`,
          'pick another --listen ADDRESS:PORT (port 0 picks a free one)',
        ),
      ),
    );
    server.listen(opts.port, opts.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    host: address.address,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function respond(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  opts: { status: StatusSource; metrics: { readonly registry: Registry } },
): Promise<void> {
  const pathname = (req.url ?? '/').split('?')[0];
  const route = ROUTES[pathname as keyof typeof ROUTES];
  if (route === undefined) return send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
  }
  switch (route) {
    case 'healthz':
      return send(res, 200, 'text/plain; charset=utf-8', 'ok\n');
    case 'readyz':
      return opts.status.ready
        ? send(res, 200, 'text/plain; charset=utf-8', 'ready\n')
        : send(res, 503, 'text/plain; charset=utf-8', 'no pass has finished yet\n');
    case 'status':
      return send(res, 200, 'application/json; charset=utf-8', JSON.stringify(opts.status.document(), null, 2) + '\n');
    case 'metrics':
      return send(res, 200, opts.metrics.registry.contentType, await opts.metrics.registry.metrics());
  }
}

const ROUTES = { '/healthz': 'healthz', '/readyz': 'readyz', '/status': 'status', '/metrics': 'metrics' } as const;

function send(res: http.ServerResponse, code: number, type: string, body: string): void {
  res.writeHead(code, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(body);
}

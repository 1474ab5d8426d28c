// The emulated ASA REST agent over node:https on the same AsaDevice as the SSH front end (../asa): authentication,
// body limits, faults, request counts, then the route (routes.ts). Every body from a client is untrusted: it is
// capped before it is read, parsed inside a guard, and any failure answers an error instead of ending the process.

import { createServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { AsaDevice, AsaUnit } from '../asa/device.js';
import { serveUnit } from '../asa/server.js';
import type { RunningAsaEmulator } from '../asa/index.js';
import { generateLabCertificate } from '../tls-cert.js';
import { FaultState } from './faults.js';
import { errorReply, HTML_404, HTML_500 } from './reply.js';
import type { Reply } from './reply.js';
import { resolveRoute } from './routes.js';
import type { Route } from './routes.js';
import { TokenTable } from './tokens.js';
import type { AsaRestEmulatorOptions, AsaRestFaults, RequestCounts, RunningAsaRestEmulator } from './types.js';

const USER_AGENT = 'REST API Agent';

/**
 * Reads a body of at most `max` bytes (Content-Length checked first, then the bytes as they come); undefined when
 * it is larger. The rest of a larger body is read and dropped, so that the 413 still reaches the client.
 */
function readBody(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? 0) > max) {
      req.resume();
      resolve(undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size <= max) {
        chunks.push(chunk);
        return;
      }
      settled = true;
      chunks.length = 0;
      resolve(undefined);
    });
    req.once('end', () => {
      if (!settled) resolve(Buffer.concat(chunks));
      settled = true;
    });
    req.once('error', (err) => {
      if (!settled) reject(err);
      settled = true;
    });
  });
}

function basicUser(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic ([A-Za-z0-9+/=]{1,1024})$/.exec(header ?? '');
  if (!match) return undefined;
  const text = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon < 0 ? undefined : { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

export async function startAsaRestEmulator(opts: AsaRestEmulatorOptions): Promise<RunningAsaRestEmulator> {
  const host = opts.host ?? '127.0.0.1';
  const certificate = opts.certificate ?? (await generateLabCertificate({ hosts: [host] }));
  const device = new AsaDevice(opts.config, opts.hostname);
  const unit = new AsaUnit(device, undefined, opts.enablePassword, undefined);
  const tokens = new TokenTable();
  let faults = new FaultState({ ...opts.faults });
  let counts: RequestCounts = { total: 0, byRoute: {} };
  let base = '';

  const authorised = (req: IncomingMessage, route: Route): boolean => {
    const token = req.headers['x-auth-token'];
    if (typeof token === 'string' && !route.basicOnly) {
      return tokens.use(token, faults.faults.tokenExpiresAfterRequests);
    }
    const basic = basicUser(req.headers['authorization']);
    return basic !== undefined && basic.user === opts.username && basic.password === opts.password;
  };

  /** What the agent answers, and whether the agent restarts after it. */
  const answer = async (req: IncomingMessage, url: URL): Promise<{ reply: Reply; restart: boolean }> => {
    const route = resolveRoute(req.method ?? 'GET', url.pathname);
    counts.total++;
    counts.byRoute[route.template] = (counts.byRoute[route.template] ?? 0) + 1;
    const state = faults;
    const n = state.count();
    const restart = state.restartDue(n);
    const done = (reply: Reply): { reply: Reply; restart: boolean } => ({ reply, restart });
    if (state.faults.absent) return done({ status: 404, html: HTML_404 });
    const raw = await readBody(req, state.maxBodyBytes);
    if (raw === undefined) {
      return done(errorReply(413, `the request body is larger than ${state.maxBodyBytes} bytes`, 'TOO-LARGE'));
    }
    if (req.headers['user-agent'] !== USER_AGENT) {
      return done(errorReply(400, `every call needs the header "User-Agent: ${USER_AGENT}"`, 'INVALID-HEADER'));
    }
    if (!authorised(req, route)) return done(errorReply(401, 'Authentication failed', 'AUTHENTICATION-FAILED'));
    let body: unknown;
    if (route.json && raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return done(errorReply(400, 'the request body is not valid JSON', 'INVALID-JSON'));
      }
    }
    const ctx = { unit, faults: state, tokens, base, username: opts.username, query: url.searchParams, body };
    if (state.serverError(n)) {
      if (route.write && state.faults.serverErrors?.applyWrites) route.run(ctx);
      if (state.faults.serverErrors?.body === 'html') return done({ status: 500, html: HTML_500 });
      return done(errorReply(500, 'Internal Server Error', 'INTERNAL-ERROR'));
    }
    const limit = state.faults.oomAboveConfigBytes;
    if (route.write && limit !== undefined && device.config.byteSize() > limit) {
      return done(errorReply(500, 'REST API Agent failed, reason: out of memory', 'INTERNAL-ERROR'));
    }
    return done(route.run(ctx));
  };

  const send = (res: ServerResponse, reply: Reply): void => {
    const headers: Record<string, string> = { Server: 'CiscoASARestApiServer', ...reply.headers };
    let payload = '';
    if (reply.json !== undefined) {
      payload = JSON.stringify(reply.json);
      headers['Content-type'] = 'application/json';
    } else if (reply.html !== undefined) {
      payload = reply.html;
      headers['Content-type'] = 'text/html';
    }
    headers['Content-Length'] = String(Buffer.byteLength(payload));
    res.writeHead(reply.status, headers);
    res.end(payload);
  };

  const sockets = new Set<Socket>();
  let closing = false;
  let restartTimer: NodeJS.Timeout | undefined;
  const server = createServer({ cert: certificate.cert, key: certificate.key }, (req, res) => {
    req.on('error', () => {});
    res.on('error', () => {});
    void (async () => {
      let url: URL;
      try {
        url = new URL(req.url ?? '/', 'https://lab');
      } catch {
        send(res, errorReply(400, 'bad request target', 'INVALID-INPUT'));
        return;
      }
      if (url.pathname === '/lab/requests' && req.method === 'GET') {
        send(res, { status: 200, json: counts });
        return;
      }
      if (url.pathname !== '/api' && !url.pathname.startsWith('/api/')) {
        send(res, { status: 404, html: HTML_404 });
        return;
      }
      let result: { reply: Reply; restart: boolean };
      try {
        result = await answer(req, url);
      } catch {
        result = { reply: errorReply(500, 'Internal Server Error', 'INTERNAL-ERROR'), restart: false };
      }
      const delay = faults.faults.replyDelayMs ?? 0;
      if (delay > 0) await sleep(delay);
      if (result.reply.status === 413) res.setHeader('Connection', 'close');
      if (result.restart) res.once('finish', () => restartAgent());
      send(res, result.reply);
    })();
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  server.on('tlsClientError', () => {});

  const listen = (port: number): Promise<void> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });

  /** The agent restarts (spec §6 row 22): the port refuses connections for downMs, then the same port serves. */
  function restartAgent(): void {
    const down = faults.faults.agentRestart?.downMs ?? 0;
    server.close();
    for (const socket of sockets) socket.destroy();
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      if (!closing) listen(port).catch(() => {});
    }, down);
  }

  await listen(opts.port ?? 0);
  const port = (server.address() as { port: number }).port;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  base = `https://${hostPart}:${port}/api`;

  let ssh: RunningAsaEmulator | undefined;
  if (opts.ssh) {
    try {
      ssh = await serveUnit(unit, {
        host: opts.ssh.host ?? host,
        port: opts.ssh.port ?? 0,
        username: opts.username,
        password: opts.password,
        ...(opts.enablePassword !== undefined ? { enablePassword: opts.enablePassword } : {}),
        ...(opts.ssh.hostKey ? { hostKey: opts.ssh.hostKey } : {}),
        ...(opts.ssh.algorithms ? { algorithms: opts.ssh.algorithms } : {}),
      });
    } catch (err) {
      server.close();
      throw err;
    }
  }

  return {
    host,
    port,
    url: base,
    fingerprint256: certificate.fingerprint256,
    certificate,
    ssh,
    runningConfig: () => device.runningConfigText(),
    startupConfig: () => device.startupConfigText(),
    objectGroups: () => new Map([...device.config.groups.values()].map((g) => [g.name, g.memberLines()])),
    requests: () => ({ total: counts.total, byRoute: { ...counts.byRoute } }),
    resetRequests: () => {
      counts = { total: 0, byRoute: {} };
    },
    activeTokens: () => tokens.size,
    setFaults: (f: AsaRestFaults) => {
      faults = new FaultState({ ...f });
    },
    close: async () => {
      closing = true;
      if (restartTimer) clearTimeout(restartTimer);
      for (const socket of sockets) socket.destroy();
      await Promise.all([
        new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve())),
        ssh?.close(),
      ]);
    },
  };
}

// Real git servers on loopback for the remote-source tests: `git daemon` (git://) and `git http-backend` behind a
// small HTTP server that demands a token by Basic auth (as a forge does), so the token's path from tscm's
// environment to git is exercised for real. Both serve the bare repositories under `base`.

import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { freePort } from './prometheus.js';

export interface GitServer {
  readonly url: (repo: string) => string;
  /** Authorization headers the HTTP server received (to check what the client sent). */
  readonly authorizations: string[];
  close(): Promise<void>;
}

/** `git daemon` cannot report a port it picked: take a free one, retry if another process took it meanwhile. */
export async function startGitDaemon(base: string, host: string): Promise<GitServer> {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort(host);
    const child = spawn(
      'git',
      ['daemon', '--export-all', `--base-path=${base}`, `--listen=${host}`, `--port=${port}`, '--reuseaddr', base],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    if (await accepts(host, port, child)) {
      process.once('exit', () => child.kill('SIGKILL')); // not left behind by a test that timed out
      return {
        url: (repo) => `git://${host}:${port}/${repo}`,
        authorizations: [],
        close: () => stop(child),
      };
    }
    await stop(child);
    if (attempt >= 4) throw new Error(`git daemon did not start on ${host}`);
  }
}

async function accepts(host: string, port: number, child: ChildProcess): Promise<boolean> {
  const end = Date.now() + 10_000;
  while (Date.now() < end && child.exitCode === null) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, host, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Smart HTTP (git http-backend as CGI) requiring `Basic base64(user:token)` for any user name. */
export async function startGitHttp(base: string, host: string, token: string): Promise<GitServer> {
  const backend = path.join(execFileSync('git', ['--exec-path']).toString().trim(), 'git-http-backend');
  const authorizations: string[] = [];
  const server = http.createServer((req, res) => {
    const auth = req.headers.authorization;
    if (auth) authorizations.push(auth);
    const password = auth?.startsWith('Basic ')
      ? Buffer.from(auth.slice(6), 'base64').toString().split(':').slice(1).join(':')
      : undefined;
    if (password !== token) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' }).end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://x');
    const cgi = spawn(backend, [], {
      env: {
        PATH: process.env.PATH ?? '',
        GIT_PROJECT_ROOT: base,
        GIT_HTTP_EXPORT_ALL: '1',
        REQUEST_METHOD: req.method ?? 'GET',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: req.headers['content-encoding'] } : {}),
        REMOTE_USER: 'tscm',
        REMOTE_ADDR: req.socket.remoteAddress ?? '',
      },
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    req.pipe(cgi.stdin!);
    let head = Buffer.alloc(0);
    let headerDone = false;
    cgi.stdout!.on('data', (chunk: Buffer) => {
      if (headerDone) return void res.write(chunk);
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      headerDone = true;
      let status = 200;
      for (const line of head.subarray(0, end).toString().split('\r\n')) {
        const [name, ...rest] = line.split(':');
        const value = rest.join(':').trim();
        if (name!.toLowerCase() === 'status') status = Number(value.split(' ')[0]);
        else res.setHeader(name!, value);
      }
      res.writeHead(status);
      res.write(head.subarray(end + 4));
    });
    cgi.on('close', () => res.end());
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: (repo) => `http://${host}:${port}/${repo}`,
    authorizations,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

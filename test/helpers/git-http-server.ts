// A real smart-HTTP git server for tests: git's own `git http-backend` (CGI) behind a loopback HTTP server that
// demands Basic authentication with one token (any username), as GitHub or GitLab do for a token; with
// anonymousRead, only pushes need it (a public repository).

import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GitHttpServer {
  /** `http://HOST:PORT/` + a repository path under the project root. */
  readonly url: string;
  /** Requests answered 401 so far (a wrong or missing token). */
  readonly refused: () => number;
  close(): Promise<void>;
}

export async function startGitHttpServer(opts: {
  readonly projectRoot: string;
  readonly token: string;
  readonly host: string;
  readonly anonymousRead?: boolean;
}): Promise<GitHttpServer> {
  let refused = 0;
  const server = createServer((req, res) => {
    const auth = req.headers.authorization ?? '';
    const given = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString('utf8') : '';
    const password = given.slice(given.indexOf(':') + 1);
    const push = (req.url ?? '').includes('git-receive-pack');
    const open = opts.anonymousRead === true && !push && given === '';
    if (!open && (given === '' || password !== opts.token)) {
      refused++;
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="tscm test"' }).end('authentication required\n');
      return;
    }
    runBackend(req, res, opts.projectRoot, given.slice(0, given.indexOf(':')) || 'user');
  });
  await new Promise<void>((resolve) => server.listen(0, opts.host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${opts.host}:${port}/`,
    refused: () => refused,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function runBackend(req: IncomingMessage, res: ServerResponse, root: string, user: string): void {
  const url = new URL(req.url ?? '/', 'http://x');
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: '1',
    REMOTE_USER: user,
    REQUEST_METHOD: req.method ?? 'GET',
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.slice(1),
    CONTENT_TYPE: req.headers['content-type'] ?? '',
  };
  if (req.headers['content-length'] !== undefined) env['CONTENT_LENGTH'] = req.headers['content-length'];
  if (req.headers['content-encoding'] !== undefined) env['HTTP_CONTENT_ENCODING'] = req.headers['content-encoding'];
  if (req.headers['git-protocol'] !== undefined) env['GIT_PROTOCOL'] = String(req.headers['git-protocol']);
  const cgi = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'ignore'] });
  req.pipe(cgi.stdin);
  let head = Buffer.alloc(0);
  let headerDone = false;
  cgi.stdout.on('data', (chunk: Buffer) => {
    if (headerDone) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    headerDone = true;
    let status = 200;
    for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
      else res.setHeader(name, value);
    }
    res.writeHead(status);
    res.write(head.subarray(end + 4));
  });
  cgi.on('close', () => res.end());
}

// The SSH front end of every emulated device: an ssh2 Server on loopback, password and keyboard-interactive login,
// PTY shells wired to a vty session, and a platform hook for `exec` requests (IOS refuses them with its bad
// autocommand text, spec §6 rows 8 and 9).

import { createHash } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import ssh2 from 'ssh2';
import type { Algorithms, AuthContext, AuthenticationType, Connection, ServerChannel } from 'ssh2';
import { usableHostKey } from './host-key.js';
import type { VtyIo } from './session.js';

const { Server, utils } = ssh2;

/** Who opened a shell (for log lines such as `Configured from console by USER on vty0 (IP)`). */
export interface VtyPeer {
  readonly username: string;
  readonly remoteIp: string;
}

/** What a front end drives: a session fed with the client's text (see VtySession). */
export interface VtyEndpoint {
  start(): void;
  receive(data: string): void;
  terminate(): void;
}

export interface SshVtyOptions {
  host: string;
  port: number;
  /** The software version string after `SSH-2.0-` (`Cisco-1.25`). */
  ident: string;
  username: string;
  password: string;
  /** Default both. */
  authMethods?: ('password' | 'keyboard-interactive')[];
  /** e.g. legacy-only kex/ciphers to emulate old devices. */
  algorithms?: Algorithms;
  /** PEM/OpenSSH private key; default: an ed25519 key generated once per process. */
  hostKey?: string | Buffer;
  openSession(io: VtyIo, peer: VtyPeer): VtyEndpoint;
  /** The text an `exec` request gets before the connection closes; undefined: the request is refused. */
  execReply(command: string): string | undefined;
}

export interface RunningSshVty {
  readonly host: string;
  readonly port: number;
  /** `SHA256:<base64 no padding>` as OpenSSH prints it. */
  readonly hostKeyFingerprint: string;
  close(): Promise<void>;
}

let processHostKey: string | undefined;

function defaultHostKey(): string {
  processHostKey ??= usableHostKey();
  return processHostKey;
}

export function fingerprintOf(hostKey: string | Buffer): string {
  const parsed = utils.parseKey(hostKey);
  if (parsed instanceof Error) throw parsed;
  const key = Array.isArray(parsed) ? (parsed[0] as ssh2.ParsedKey) : parsed;
  const digest = createHash('sha256').update(key.getPublicSSH()).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}

function authenticate(ctx: AuthContext, opts: SshVtyOptions, methods: AuthenticationType[]): void {
  const good = (user: string, password: string): boolean => user === opts.username && password === opts.password;
  if (ctx.method === 'password' && methods.includes('password')) {
    if (good(ctx.username, ctx.password)) ctx.accept();
    else ctx.reject(methods);
    return;
  }
  if (ctx.method === 'keyboard-interactive' && methods.includes('keyboard-interactive')) {
    ctx.prompt([{ prompt: 'Password: ', echo: false }], (answers) => {
      if (good(ctx.username, answers[0] ?? '')) ctx.accept();
      else ctx.reject(methods);
    });
    return;
  }
  ctx.reject(methods);
}

function openShell(
  channel: ServerChannel,
  client: Connection,
  opts: SshVtyOptions,
  peer: VtyPeer,
  sessions: Set<VtyEndpoint>,
): void {
  const decoder = new StringDecoder('utf8');
  const session = opts.openSession(
    {
      write: (text) => channel.write(text),
      onceDrain: (callback) => channel.once('drain', callback),
      pause: () => channel.pause(),
      resume: () => channel.resume(),
      end: () => {
        // End the channel first (ssh2 sends EOF and close after the output still queued beyond the client's SSH
        // window) and the connection only once the client closed its side: a disconnect sent right after the data
        // makes OpenSSH exit before it has written what it buffered, cutting a typed-ahead `show` short.
        channel.once('close', () => client.end());
        channel.end();
      },
      drop: () => client.end(),
    },
    peer,
  );
  sessions.add(session);
  channel.on('data', (data: Buffer) => session.receive(decoder.write(data)));
  channel.on('close', () => {
    session.terminate();
    sessions.delete(session);
  });
  session.start();
}

export async function startSshVty(opts: SshVtyOptions): Promise<RunningSshVty> {
  const hostKey = opts.hostKey ?? defaultHostKey();
  const methods = opts.authMethods ?? ['password', 'keyboard-interactive'];
  const clients = new Set<Connection>();
  const sessions = new Set<VtyEndpoint>();

  const server = new Server(
    { hostKeys: [hostKey], ident: opts.ident, ...(opts.algorithms ? { algorithms: opts.algorithms } : {}) },
    (client, clientInfo) => {
      clients.add(client);
      let username = '';
      client.on('authentication', (ctx) => {
        username = ctx.username;
        authenticate(ctx, opts, methods);
      });
      client.on('session', (accept) => {
        const session = accept();
        session.on('pty', (ok) => ok());
        session.on('window-change', (ok) => ok?.());
        session.on('env', (ok) => ok?.());
        session.on('shell', (ok) => openShell(ok(), client, opts, { username, remoteIp: clientInfo.ip }, sessions));
        session.on('exec', (ok, reject, request) => {
          const reply = opts.execReply(request.command);
          if (reply === undefined) {
            reject();
            return;
          }
          const channel = ok();
          channel.write(reply);
          channel.end();
          client.end();
        });
      });
      client.on('error', () => {
        // Clients that vanish mid-handshake are normal in fault tests; nothing to report.
      });
      client.on('close', () => clients.delete(client));
    },
  );

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    host: opts.host,
    port,
    hostKeyFingerprint: fingerprintOf(hostKey),
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of sessions) session.terminate();
        for (const client of clients) client.end();
        server.close(() => resolve());
      }),
  };
}

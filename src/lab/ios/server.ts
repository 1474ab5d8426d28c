// The SSH side of the emulated router: ssh2 Server on loopback, password and keyboard-interactive login, PTY
// shells wired to CliSession, `exec` refused as IOS does with a bad autocommand (spec §6 rows 8 and 9).

import { createHash } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import ssh2 from 'ssh2';
import type { AuthContext, AuthenticationType, Connection, ServerChannel } from 'ssh2';
import { CliSession } from './cli-session.js';
import { IosDevice } from './device.js';
import { usableHostKey } from './host-key.js';
import type { IosEmulatorOptions, IosFaults, RunningIosEmulator } from './types.js';

const { Server, utils } = ssh2;

let processHostKey: string | undefined;

function defaultHostKey(): string {
  processHostKey ??= usableHostKey();
  return processHostKey;
}

function fingerprintOf(hostKey: string | Buffer): string {
  const parsed = utils.parseKey(hostKey);
  if (parsed instanceof Error) throw parsed;
  const key = Array.isArray(parsed) ? (parsed[0] as ssh2.ParsedKey) : parsed;
  const digest = createHash('sha256').update(key.getPublicSSH()).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}

function authenticate(ctx: AuthContext, opts: IosEmulatorOptions, methods: AuthenticationType[]): void {
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
  device: IosDevice,
  info: { username: string; remoteIp: string; logConfigEvents: boolean },
  sessions: Set<CliSession>,
): void {
  const decoder = new StringDecoder('utf8');
  const session = new CliSession(
    device,
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
    info,
  );
  sessions.add(session);
  channel.on('data', (data: Buffer) => session.receive(decoder.write(data)));
  channel.on('close', () => {
    session.terminate();
    sessions.delete(session);
  });
  session.start();
}

export async function startIosEmulator(opts: IosEmulatorOptions): Promise<RunningIosEmulator> {
  const host = opts.host ?? '127.0.0.1';
  const hostKey = opts.hostKey ?? defaultHostKey();
  const methods = opts.authMethods ?? ['password', 'keyboard-interactive'];
  const device = new IosDevice(opts.config, opts.hostname, opts.faults, opts.enablePassword);
  const clients = new Set<Connection>();
  const sessions = new Set<CliSession>();

  const server = new Server(
    {
      hostKeys: [hostKey],
      ident: 'Cisco-1.25',
      ...(opts.algorithms ? { algorithms: opts.algorithms } : {}),
    },
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
        session.on('shell', (ok) => {
          const info = { username, remoteIp: clientInfo.ip, logConfigEvents: opts.logConfigEvents ?? false };
          openShell(ok(), client, device, info, sessions);
        });
        session.on('exec', (ok, _reject, request) => {
          const channel = ok();
          channel.write(`Line has invalid autocommand "${request.command}"`);
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
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    host,
    port,
    hostKeyFingerprint: fingerprintOf(hostKey),
    runningConfig: () => device.runningConfigText(),
    startupConfig: () => device.startupConfigText(),
    objectGroups: () => new Map([...device.config.groups.values()].map((g) => [g.name, [...g.members()]])),
    commandLog: () => [...device.commandLog],
    setFaults: (faults: IosFaults) => {
      device.faults = { ...faults };
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of sessions) session.terminate();
        for (const client of clients) client.end();
        server.close(() => resolve());
      }),
  };
}

// A real HTTP CONNECT proxy for tests: Debian's tinyproxy (1.11) in the foreground (-d) on a loopback address,
// with a config written to a temporary folder: Basic auth (BasicAuth), CONNECT only to the given ports
// (ConnectPort), clients from 127.0.0.0/8 only, its log at Info level so a test can see the CONNECT it relayed.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TinyproxyOptions {
  /** Loopback address to listen on. */
  readonly host: string;
  /** The only ports CONNECT may reach (tinyproxy's ConnectPort). */
  readonly connectPorts: readonly number[];
  /** BasicAuth user and password; none: no authentication. */
  readonly auth?: { readonly username: string; readonly password: string };
}

export interface Tinyproxy {
  /** http://host:port */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** tinyproxy's own log so far. */
  log(): Promise<string>;
  stop(): Promise<void>;
}

/** A port free on `host` right now (tinyproxy cannot listen on port 0 and tell us which port it got). */
async function freePort(host: string): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, host, resolve);
  });
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host, port }, () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export async function startTinyproxy(opts: TinyproxyOptions): Promise<Tinyproxy> {
  const dir = await mkdtemp(join(tmpdir(), 'tscm-tinyproxy-'));
  const logFile = join(dir, 'tinyproxy.log');
  const port = await freePort(opts.host);
  const conf = [
    `Port ${port}`,
    `Listen ${opts.host}`,
    'Timeout 30',
    `LogFile "${logFile}"`,
    'LogLevel Info',
    `PidFile "${join(dir, 'tinyproxy.pid')}"`,
    'MaxClients 20',
    'Allow 127.0.0.0/8',
    ...opts.connectPorts.map((p) => `ConnectPort ${p}`),
    ...(opts.auth ? [`BasicAuth ${opts.auth.username} ${opts.auth.password}`] : []),
  ];
  const confFile = join(dir, 'tinyproxy.conf');
  await writeFile(confFile, conf.join('\n') + '\n');
  const child: ChildProcess = spawn('tinyproxy', ['-d', '-c', confFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.once('error', (err) => (stderr += `${err.message} (is tinyproxy installed? apt-get install tinyproxy)\n`));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const readLog = (): Promise<string> => readFile(logFile, 'utf8').catch(() => '');
  for (let i = 0; !(await accepts(opts.host, port)); i++) {
    if (child.exitCode !== null || i > 200) {
      child.kill('SIGKILL');
      throw new Error(`tinyproxy did not start on ${opts.host}:${port}: ${stderr}${await readLog()}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    url: `http://${opts.host}:${port}`,
    host: opts.host,
    port,
    log: readLog,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

// The device-log end-to-end kit: a definitions folder whose devices send from loopback addresses, the built
// `tscm syslog` as a child process on a random 127.0.13.x address, real `logger` (util-linux) as a sender, and
// readers of what was filed (the active file plus the gunzipped rotated files, in order).

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CLI } from './cli.js';

export const HAVE_LOGGER = spawnSync('logger', ['--help']).status === 0;
export const HAVE_RSYSLOG = spawnSync('rsyslogd', ['-v']).status === 0;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `fn` gives a value (not undefined); the deadline only guards against a hang, it is not a timing. */
export async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, deadlineMs = 15_000) {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = await Promise.resolve()
      .then(fn)
      .catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** A random loopback address of this range (127.0.13.0/24, brief), never 127.0.0.1. */
export const loopback = () => `127.0.13.${randomInt(2, 254)}`;

/** A TCP port free on `host` that is also free for UDP (the receiver binds both). */
export async function freePort(host: string): Promise<number> {
  for (;;) {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const udp = dgram.createSocket('udp4');
    const ok = await new Promise<boolean>((resolve) => {
      udp.once('error', () => resolve(false));
      udp.bind(port, host, () => resolve(true));
    });
    udp.close();
    if (ok) return port;
  }
}

export interface DeviceDef {
  readonly name: string;
  /** The management address (the address its syslog comes from). */
  readonly host: string;
  /** Extra YAML lines (e.g. a `logs:` block). */
  readonly extra?: string;
}

export interface Definitions {
  readonly dir: string;
  readonly logDir: string;
  writeDevice(device: DeviceDef): Promise<void>;
  close(): Promise<void>;
}

/**
 * A definitions folder: tscm.yaml (the log folder inside the temp folder; `logsSettings`: more lines under `logs:`,
 * indented by two; `settings`: more top-level lines) and one file per device.
 */
export async function makeDefinitions(
  devices: readonly DeviceDef[],
  logsSettings = '',
  settings = '',
): Promise<Definitions> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tscm-syslog-e2e-'));
  const logDir = path.join(dir, 'device-logs');
  await mkdir(path.join(dir, 'devices'));
  await writeFile(
    path.join(dir, 'tscm.yaml'),
    // No policy server is contacted: `tscm syslog` reads the definitions, not the zones.
    `policyServer: { host: 127.0.0.1, port: 5353 }\n${settings}logs:\n  dir: ${logDir}\n${logsSettings}`,
  );
  const writeDevice = (d: DeviceDef) =>
    writeFile(
      path.join(dir, 'devices', `${d.name}.yaml`),
      `name: ${d.name}
platform: asa
deviceId: tdid_${d.name.replace(/[^A-Za-z0-9]/g, '')}
management: { host: ${d.host} }
policy: { blockList: block.e2e.tscm.test }
# never read by tscm syslog; the definition is complete so that tscm validate passes
credentials: { username: { env: TSCM_E2E_UNUSED_USER }, password: { env: TSCM_E2E_UNUSED_PASSWORD } }
${d.extra ?? ''}
`,
    );
  for (const d of devices) await writeDevice(d);
  return { dir, logDir, writeDevice, close: () => rm(dir, { recursive: true, force: true }) };
}

export interface RunningSyslog {
  readonly child: ChildProcess;
  readonly host: string;
  readonly port: number;
  stdout(): string;
  stderr(): string;
  /** The /status and /metrics address (`--listen`), from the start line. */
  statusAddress(): string;
  /** GET /status: its `logs` section. */
  logsStatus(): Promise<LogsStatusDoc>;
  /** Sends SIGTERM (or `signal`) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly done: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The parts of /status `logs` the tests read. */
export interface LogsStatusDoc {
  readonly received: { readonly udp: number; readonly tcp: number };
  readonly dropped: { readonly busy: number; readonly unknownSender: number; readonly spoolFull: number };
  readonly devices: readonly { readonly device: string; readonly messages: number; readonly blockHits: number }[];
  readonly [key: string]: unknown;
}

const running = new Set<RunningSyslog>();

/** Kills what a test left running (afterEach). */
export async function stopAll(): Promise<void> {
  for (const r of [...running]) await r.stop('SIGKILL');
}

/**
 * `tscm syslog --dir DEFS --udp HOST:PORT --tcp HOST:PORT [extra]`, the same port number for both, on `host`
 * (default a random 127.0.13.x); resolves once the receiver says it listens.
 */
export async function startSyslog(
  defs: Definitions,
  opts: { host?: string; port?: number; args?: readonly string[]; env?: Record<string, string> } = {},
): Promise<RunningSyslog> {
  const host = opts.host ?? loopback();
  const port = opts.port ?? (await freePort(host));
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', TSCM_LOG_FORMAT: 'json', ...opts.env };
  delete env.TSCM_LOG_DIR;
  const child = spawn(
    process.execPath,
    [CLI, 'syslog', '--dir', defs.dir, '--udp', `${host}:${port}`, '--tcp', `${host}:${port}`, ...(opts.args ?? [])],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  const r: RunningSyslog = {
    child,
    host,
    port,
    stdout: () => stdout,
    stderr: () => stderr,
    statusAddress() {
      const m = /status and metrics on (\S+?)[;\s]/.exec(stdout);
      if (!m) throw new Error(`no status address in the start line: ${stdout.slice(0, 500)}`);
      return m[1]!;
    },
    async logsStatus() {
      const doc = (await (await fetch(`http://${r.statusAddress()}/status`)).json()) as { logs: LogsStatusDoc };
      return doc.logs;
    },
    done,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const result = await done;
      running.delete(r);
      return result;
    },
  };
  running.add(r);
  await until(
    'tscm syslog to listen',
    () => {
      if (child.exitCode !== null) throw new Error(`tscm syslog exited ${child.exitCode}: ${stderr.slice(-2000)}`);
      return `${stdout}\n${stderr}`.includes(`${host}:${port}`) ? true : undefined;
    },
    15_000,
  ).catch((err: Error) => {
    throw new Error(`${err.message}; stdout: ${stdout.slice(-1000)} stderr: ${stderr.slice(-2000)}`);
  });
  return r;
}

/** `logger -n HOST -P PORT ...`: util-linux's sender, from 127.0.0.1. Rejects on a non-zero exit. */
export function logger(args: readonly string[], input?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // Without input, logger sends its arguments and never reads stdin: a pipe could be closed under our write (EPIPE).
    const child = spawn('logger', [...args], { stdio: [input === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`logger exited ${code}: ${stderr}`))));
    if (input !== undefined) {
      // logger reads stdin to its end, so a closed pipe here is a failure of the sender, reported as such.
      child.stdin!.on('error', (err) => reject(new Error(`logger did not read its input: ${err.message}`)));
      child.stdin!.end(input);
    }
  });
}

/** The device's rotated files (syslog.NNNNNN.gz), oldest first. */
export async function rotatedFiles(logDir: string, device: string): Promise<string[]> {
  const names = await readdir(path.join(logDir, device)).catch(() => [] as string[]);
  return names
    .filter((n) => /^syslog\.\d{6,}\.gz$/.test(n))
    .sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]))
    .map((n) => path.join(logDir, device, n));
}

/** Every line filed for the device: the gunzipped rotated files in order, then the active file. */
export async function deviceLines(logDir: string, device: string): Promise<string[]> {
  const parts: string[] = [];
  for (const f of await rotatedFiles(logDir, device)) parts.push(gunzipSync(await readFile(f)).toString('latin1'));
  parts.push(await readFile(path.join(logDir, device, 'syslog'), 'latin1').catch(() => ''));
  return parts
    .join('')
    .split('\n')
    .filter((l) => l !== '');
}

/** Waits until the device has at least `n` lines filed; returns them. */
export function linesFiled(logDir: string, device: string, n: number, deadlineMs = 15_000): Promise<string[]> {
  return until(
    `${n} line(s) filed for ${device}`,
    async () => {
      const lines = await deviceLines(logDir, device);
      return lines.length >= n ? lines : undefined;
    },
    deadlineMs,
  );
}

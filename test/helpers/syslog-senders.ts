// Real syslog senders for tests: util-linux `logger` and `rsyslogd` (Debian packages bsdutils and rsyslog). Only
// loopback addresses are used. rsyslogd runs in the foreground on a config of our own (no imuxsock/imklog, a work
// directory in a temporary folder) and is stopped by its pid.

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface LoggerOptions {
  readonly host: string;
  readonly port: number;
  readonly transport: 'udp' | 'tcp';
  /** RFC 6587 octet counting (TCP only). */
  readonly octetCount?: boolean;
  /** Default rfc5424 (logger's default for remote). */
  readonly format?: 'rfc3164' | 'rfc5424';
  readonly tag?: string;
}

/**
 * Sends each message with one run of `logger` (messages read from its stdin, one a line, so they may not hold a
 * newline). The source address is 127.0.0.1 whatever the target (logger cannot bind one). Resolves when logger
 * exits 0; rejects with its stderr otherwise.
 */
export function runLogger(opts: LoggerOptions, messages: readonly string[]): Promise<void> {
  const args = ['-n', opts.host, '-P', String(opts.port), opts.transport === 'tcp' ? '-T' : '-d'];
  if (opts.octetCount) args.push('--octet-count');
  args.push(opts.format === 'rfc3164' ? '--rfc3164' : '--rfc5424');
  args.push('-t', opts.tag ?? 'tscm-test', '--socket-errors=on');
  return new Promise((resolve, reject) => {
    const child = execFile('/usr/bin/logger', args, { timeout: 20_000 }, (err, _out, stderr) =>
      err ? reject(new Error(`logger ${args.join(' ')} failed: ${stderr || err.message}`)) : resolve(),
    );
    child.stdin!.end(messages.map((m) => m + '\n').join(''));
  });
}

export interface RsyslogInput {
  readonly protocol: 'udp' | 'tcp';
  readonly host: string;
  readonly port: number;
}

export interface RsyslogForward {
  readonly host: string;
  readonly port: number;
  readonly protocol: 'udp' | 'tcp';
  /** TCP framing of omfwd: 'octet-counted', or rsyslog's default LF framing ('traditional'). */
  readonly framing?: 'octet-counted' | 'traditional';
}

export interface RsyslogOptions {
  readonly inputs: readonly RsyslogInput[];
  /** omfwd actions: every received message is forwarded to each. */
  readonly forward?: readonly RsyslogForward[];
  /** Also write each message's raw text (%rawmsg%), one a line, to `<dir>/received.log` (read with received()). */
  readonly fileOutput?: boolean;
}

export interface Rsyslog {
  readonly pid: number;
  /** Its temporary folder (config, work directory, received.log). */
  readonly dir: string;
  /** The lines of received.log so far (fileOutput). */
  received(): Promise<string[]>;
  /** SIGTERM, waits for the exit, removes the folder. */
  stop(): Promise<void>;
}

/** Starts `rsyslogd -n -f CONF -i PIDFILE` and resolves once every input listens. */
export async function startRsyslog(opts: RsyslogOptions): Promise<Rsyslog> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tscm-rsyslog-'));
  const conf: string[] = [
    `global(workDirectory="${dir}")`,
    'module(load="imudp")',
    'module(load="imtcp")',
    'template(name="tscmRaw" type="string" string="%rawmsg%\\n")',
  ];
  for (const i of opts.inputs) {
    conf.push(`input(type="im${i.protocol}" address="${i.host}" port="${i.port}")`);
  }
  for (const f of opts.forward ?? []) {
    const framing = f.protocol === 'tcp' && f.framing === 'octet-counted' ? ' TCP_Framing="octet-counted"' : '';
    conf.push(`action(type="omfwd" target="${f.host}" port="${f.port}" protocol="${f.protocol}"${framing})`);
  }
  if (opts.fileOutput) conf.push(`action(type="omfile" file="${dir}/received.log" template="tscmRaw")`);
  await writeFile(path.join(dir, 'rsyslog.conf'), conf.join('\n') + '\n');
  const child: ChildProcess = spawn(
    'rsyslogd',
    ['-n', '-f', path.join(dir, 'rsyslog.conf'), '-i', path.join(dir, 'rsyslogd.pid')],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    for (const i of opts.inputs)
      await waitListening(
        i,
        () => child.exitCode !== null,
        () => stderr,
      );
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    pid: child.pid!,
    dir,
    received: async () =>
      (await readFile(path.join(dir, 'received.log'), 'utf8').catch(() => '')).split('\n').filter(Boolean),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Polls /proc/net/{udp,tcp} for the input's local address (no traffic sent). IPv4 inputs only. */
async function waitListening(i: RsyslogInput, dead: () => boolean, stderr: () => string): Promise<void> {
  const want = procAddress(i.host, i.port);
  for (let attempt = 0; attempt < 2000; attempt++) {
    if (dead()) throw new Error(`rsyslogd exited before listening: ${stderr().slice(0, 2000)}`);
    const table = await readFile(`/proc/net/${i.protocol}`, 'utf8');
    // TCP: state 0A (LISTEN); UDP: any bound socket (state 07).
    if (table.split('\n').some((l) => l.includes(` ${want} `) && (i.protocol === 'udp' || l.includes(' 0A ')))) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`rsyslogd did not listen on ${i.protocol} ${i.host}:${i.port}: ${stderr().slice(0, 2000)}`);
}

/** The local_address column of /proc/net/tcp for an IPv4 address: little-endian hex, port in hex. */
function procAddress(host: string, port: number): string {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  if (!net.isIPv4(host)) throw new Error('startRsyslog inputs: IPv4 addresses only');
  const hex = host
    .split('.')
    .reverse()
    .map((o) => Number(o).toString(16).toUpperCase().padStart(2, '0'))
    .join('');
  return `${hex}:${hexPort}`;
}

/** A free TCP or UDP port on a loopback address (bound then released). */
export async function freePort(host: string, protocol: 'tcp' | 'udp' = 'tcp'): Promise<number> {
  if (protocol === 'udp') {
    const dgram = await import('node:dgram');
    const s = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => s.bind(0, host, resolve));
    const { port } = s.address();
    await new Promise<void>((resolve) => s.close(() => resolve()));
    return port;
  }
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, host, resolve));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

// Test harness: a real NSD (Debian nsd 4.6) on 127.0.0.1 and a free port (or a given loopback address and port,
// e.g. 5353 of a random 127.x.y.z as policy servers must use 53 or 5353), serving generated zones from a temp
// directory. `provide-xfr: 127.0.0.0/8 NOKEY` for zones that allow transfers; a zone without it answers AXFR with
// REFUSED. Runs `nsd -d` as a child process (no system service, no nsd-control); restart() reloads changed zones.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import dnsPacket from 'dns-packet';

export interface NsdZone {
  readonly name: string;
  readonly text: string;
  /** false: no provide-xfr, so AXFR is REFUSED. */
  readonly allowTransfer: boolean;
}

export interface NsdListen {
  /** A loopback address; default 127.0.0.1. */
  readonly host?: string;
  /** Default: a free port, picked again on a clash. A given port is tried once: a clash rejects. */
  readonly port?: number;
}

export interface NsdServer {
  readonly host: string;
  readonly port: number;
  readonly dir: string;
  /** Replaces a zone file (takes effect on restart()). */
  writeZone(name: string, text: string): Promise<void>;
  /** Stops NSD and starts it again on the same port; resolves when every zone answers SOA. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const NSD_CANDIDATES = ['/usr/sbin/nsd', '/usr/bin/nsd', '/usr/local/sbin/nsd'];

export function findNsd(): string {
  const fromPath = (process.env['PATH'] ?? '').split(':').map((d) => path.join(d, 'nsd'));
  const found = [...fromPath, ...NSD_CANDIDATES].find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      'nsd is not installed: the DNS tests need a real NSD server. Install it with `apt-get install -y nsd` ' +
        '(Debian package nsd 4.6), then run the tests again.',
    );
  }
  return found;
}

/** A port free for TCP now (NSD binds TCP and UDP; a clash shows up as a failed start and we retry). */
async function freePort(host: string): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function configText(dir: string, host: string, port: number, zones: readonly NsdZone[]): string {
  const lines = [
    'server:',
    `  ip-address: ${host}@${port}`,
    `  port: ${port}`,
    '  username: ""',
    '  chroot: ""',
    `  zonesdir: "${dir}"`,
    '  database: ""',
    `  pidfile: "${dir}/nsd.pid"`,
    `  xfrdfile: "${dir}/xfrd.state"`,
    `  zonelistfile: "${dir}/zone.list"`,
    `  xfrdir: "${dir}"`,
    `  logfile: "${dir}/nsd.log"`,
    '  server-count: 1',
    '  verbosity: 1',
    'remote-control:',
    '  control-enable: no',
  ];
  for (const z of zones) {
    lines.push('zone:', `  name: "${z.name}"`, `  zonefile: "${z.name}.zone"`);
    if (z.allowTransfer) lines.push('  provide-xfr: 127.0.0.0/8 NOKEY');
  }
  return lines.join('\n') + '\n';
}

/** One UDP SOA query; resolves the rcode, or null on timeout. */
function probeSoa(host: string, port: number, zone: string): Promise<{ rcode: number; answers: number } | null> {
  return new Promise((resolve) => {
    const sock = dgram.createSocket('udp4');
    const timer = setTimeout(() => {
      sock.close();
      resolve(null);
    }, 300);
    sock.on('message', (msg) => {
      clearTimeout(timer);
      sock.close();
      resolve({ rcode: msg.readUInt16BE(2) & 15, answers: msg.readUInt16BE(6) });
    });
    sock.on('error', () => {
      clearTimeout(timer);
      sock.close();
      resolve(null);
    });
    sock.send(dnsPacket.encode({ type: 'query', id: 1, questions: [{ type: 'SOA', name: zone }] }), port, host);
  });
}

export async function startNsd(zones: readonly NsdZone[], listen: NsdListen = {}): Promise<NsdServer> {
  const nsd = findNsd();
  const host = listen.host ?? '127.0.0.1';
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tscm-nsd-'));
  for (const z of zones) await writeFile(path.join(dir, `${z.name}.zone`), z.text);
  let child: ChildProcess | null = null;
  let port = 0;

  const launch = async (): Promise<void> => {
    const conf = path.join(dir, 'nsd.conf');
    await writeFile(conf, configText(dir, host, port, zones));
    await rm(path.join(dir, 'nsd.log'), { force: true });
    const proc = spawn(nsd, ['-d', '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    let stderr = '';
    proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    let exited = false;
    proc.on('exit', () => (exited = true));
    const deadline = Date.now() + 60_000;
    for (const z of zones) {
      for (;;) {
        if (exited) {
          const log = await readFile(path.join(dir, 'nsd.log'), 'utf8').catch(() => '');
          throw new Error(`nsd exited during start-up (${host} port ${port}):\n${stderr}\n${log}`);
        }
        const r = await probeSoa(host, port, z.name);
        if (r && r.rcode === 0 && r.answers > 0) break;
        if (Date.now() > deadline) throw new Error(`nsd did not serve zone ${z.name} within 60 s`);
        await new Promise((res) => setTimeout(res, 50));
      }
    }
  };

  const stop = async (): Promise<void> => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
      setTimeout(() => proc.kill('SIGKILL'), 5_000).unref();
    });
  };

  for (let attempt = 0; ; attempt++) {
    port = listen.port ?? (await freePort(host));
    try {
      await launch();
      break;
    } catch (err) {
      await stop();
      if (attempt >= 2 || listen.port !== undefined) {
        await rm(dir, { recursive: true, force: true });
        throw err;
      }
    }
  }

  return {
    host,
    get port() {
      return port;
    },
    dir,
    writeZone: (name, text) => writeFile(path.join(dir, `${name}.zone`), text),
    restart: async () => {
      await stop();
      await launch();
    },
    stop: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

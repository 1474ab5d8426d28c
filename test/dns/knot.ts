// Test harness: a real Knot DNS (Debian knot 3.2) on a random 127.0.11.x address and a free port, serving one
// zone from a temp directory with `zonefile-load: difference` and `journal-content: changes`, so every reload of a
// changed zone file becomes a journal entry that Knot serves as IXFR. Runs `knotd` as a child process with its
// control socket in the temp directory; update() rewrites the zone file, reloads it with knotc and waits until the
// SOA shows the new serial.
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import dnsPacket from 'dns-packet';

export interface KnotOptions {
  /** Changes Knot keeps for IXFR (journal-max-depth, minimum 2). Default 20. */
  readonly journalDepth?: number;
}

export interface KnotServer {
  readonly host: string;
  readonly port: number;
  /** Writes the zone file (which must carry `serial`), reloads it and waits until Knot serves that serial. */
  update(text: string, serial: number): Promise<void>;
  stop(): Promise<void>;
}

function findTool(name: string): string {
  const dirs = [...(process.env['PATH'] ?? '').split(':'), '/usr/sbin', '/usr/bin', '/usr/local/sbin'];
  const found = dirs.map((d) => path.join(d, name)).find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      `${name} is not installed: the IXFR tests need a real Knot DNS server. Install it with ` +
        '`apt-get install -y knot` (Debian package knot 3.2), then run the tests again.',
    );
  }
  return found;
}

async function freePort(host: string): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function configText(dir: string, host: string, port: number, zone: string, depth: number): string {
  return [
    'server:',
    `  rundir: "${dir}"`,
    `  listen: ${host}@${port}`,
    '  background-workers: 1',
    'database:',
    `  storage: "${dir}"`,
    'control:',
    `  listen: "${dir}/knot.sock"`,
    'log:',
    '  - target: stderr',
    '    any: warning',
    'acl:',
    '  - id: transfer',
    '    address: 127.0.0.0/8',
    '    action: transfer',
    'zone:',
    `  - domain: ${zone}`,
    `    file: "${dir}/${zone}.zone"`,
    '    zonefile-load: difference',
    '    zonefile-sync: -1',
    '    journal-content: changes',
    `    journal-max-depth: ${depth}`,
    '    acl: transfer',
    '',
  ].join('\n');
}

/** The zone's SOA serial over UDP, or null (no answer yet). */
function probeSerial(host: string, port: number, zone: string): Promise<number | null> {
  return new Promise((resolve) => {
    const sock = dgram.createSocket('udp4');
    const done = (v: number | null): void => {
      clearTimeout(timer);
      sock.close();
      resolve(v);
    };
    const timer = setTimeout(() => done(null), 300);
    sock.on('message', (msg) => {
      try {
        const soa = dnsPacket.decode(msg).answers?.find((a) => a.type === 'SOA');
        done(soa && soa.type === 'SOA' ? (soa.data.serial ?? 0) >>> 0 : null);
      } catch {
        done(null);
      }
    });
    sock.on('error', () => done(null));
    sock.send(dnsPacket.encode({ type: 'query', id: 1, questions: [{ type: 'SOA', name: zone }] }), port, host);
  });
}

/** Starts Knot serving `zone` from `text` (whose SOA carries `serial`). */
export async function startKnot(
  zone: string,
  text: string,
  serial: number,
  opts: KnotOptions = {},
): Promise<KnotServer> {
  const knotd = findTool('knotd');
  const knotc = findTool('knotc');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tscm-knot-'));
  const host = `127.0.11.${2 + Math.floor(Math.random() * 250)}`;
  const zoneFile = path.join(dir, `${zone}.zone`);
  await writeFile(zoneFile, text);
  let child: ChildProcess | null = null;
  let stderr = '';

  const waitForSerial = async (port: number, want: number): Promise<void> => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child?.exitCode !== null) throw new Error(`knotd exited (${host} port ${port}):\n${stderr}`);
      if ((await probeSerial(host, port, zone)) === want) return;
      if (Date.now() > deadline)
        throw new Error(`knotd did not serve serial ${want} of ${zone} within 30 s:\n${stderr}`);
      await new Promise((res) => setTimeout(res, 50));
    }
  };

  const stop = async (): Promise<void> => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
      setTimeout(() => proc.kill('SIGKILL'), 5_000).unref();
    });
  };

  let port = 0;
  for (let attempt = 0; ; attempt++) {
    port = await freePort(host);
    const conf = path.join(dir, 'knot.conf');
    await writeFile(conf, configText(dir, host, port, zone, opts.journalDepth ?? 20));
    stderr = '';
    const proc = spawn(knotd, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      await waitForSerial(port, serial);
      break;
    } catch (err) {
      await stop();
      if (attempt >= 2) {
        await rm(dir, { recursive: true, force: true });
        throw err;
      }
    }
  }

  const control = promisify(execFile);
  return {
    host,
    port,
    update: async (next, nextSerial) => {
      await writeFile(zoneFile, next);
      await control(knotc, ['-s', path.join(dir, 'knot.sock'), 'zone-reload', zone]);
      await waitForSerial(port, nextSerial);
    },
    stop: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

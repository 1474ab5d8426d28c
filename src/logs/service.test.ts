// The log service on loopback with real senders bound to 127.0.12.x: a message is filed under the device whose
// management, peer or logs.sources address sent it; others are counted per address and never filed; forwarding
// sends the same bytes; a busy store makes the receiver drop UDP (counted); reload changes who is known; the
// control socket answers `tscm logs`' request and refuses anything else.

import dgram from 'node:dgram';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { loadDefinitions } from '../config/load.js';
import type { DeviceSpec } from '../config/types.js';
import { askControl } from './control-socket.js';
import type { ListenAddress, Logger } from './model.js';
import { startLogService, type LogService } from './service.js';

const HERE = '127.0.12.1';
const warnings: { msg: string; fields?: Record<string, unknown> }[] = [];
const log: Logger = {
  debug() {},
  info() {},
  warn: (msg, fields) => warnings.push({ msg, ...(fields ? { fields } : {}) }),
  error: (msg, fields) => warnings.push({ msg, ...(fields ? { fields } : {}) }),
};

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  warnings.length = 0;
});

function device(name: string, host: string, extra = ''): string {
  return `name: ${name}
platform: ios
deviceId: tdid_${name}
management: { host: ${host} }
credentials: { username: { env: U }, password: { env: P } }
policy: { blockList: block.example, server: { host: 192.0.2.53 } }
${extra}`;
}

async function definitions(files: Record<string, string>): Promise<DeviceSpec[]> {
  const dir = await mkdtemp(join(tmpdir(), 'tscm-logsvc-defs-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, rel)), { recursive: true });
    await writeFile(join(dir, rel), text);
  }
  const defs = await loadDefinitions(dir, { defaultStateDir: join(dir, '.tscm') });
  expect(defs.diagnostics).toEqual([]);
  return defs.devices;
}

async function start(devices: DeviceSpec[], extra: Partial<Parameters<typeof startLogService>[0]> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'tscm-logsvc-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const service = await startLogService({
    dir,
    settings: {
      udp: [],
      tcp: [],
      rotateIntervalMs: 3_600_000,
      spoolMaxBytes: 64 * 1024 * 1024,
      retry: { firstDelayMs: 1000, maxDelayMs: 1000 },
    },
    udp: [{ host: HERE, port: 0 }],
    tcp: [{ host: HERE, port: 0 }],
    devices,
    log,
    storeTuning: { flushIntervalMs: 5, fsyncIntervalMs: 50 },
    ...extra,
  });
  let closed = false;
  cleanups.push(async () => {
    if (!closed) await service.close();
  });
  return {
    dir,
    service,
    close: async () => {
      closed = true;
      await service.close();
    },
  };
}

async function sendUdp(from: string, to: ListenAddress, text: string): Promise<void> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind({ address: from, port: 0 }, resolve));
  await new Promise<void>((resolve, reject) => socket.send(text, to.port, to.host, (e) => (e ? reject(e) : resolve())));
  socket.close();
}

async function sendTcp(from: string, to: ListenAddress, text: string): Promise<void> {
  const socket = net.connect({ host: to.host, port: to.port, localAddress: from });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  await new Promise<void>((resolve) => socket.end(text, resolve));
}

async function until(what: string, predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const received = (s: LogService) => {
  const c = s.counters().receiver.received;
  return c.udp + c.tcp;
};

describe('the log service', () => {
  test('files by management, peer and logs.sources address; unknown senders counted per address, never filed', async () => {
    const devices = await definitions({
      'r1.yaml': device('r1', '127.0.12.11', 'peers: [{ host: 127.0.12.14 }]\n'),
      'r2.yaml': device('r2', '127.0.12.12', 'logs: { sources: [127.0.12.13] }\n'),
    });
    const { dir, service, close } = await start(devices);
    const udp = service.receiver.udp[0]!;
    const tcp = service.receiver.tcp[0]!;
    await sendUdp('127.0.12.11', udp, '<134>Nov 30 10:00:00 r1 %SYS-5-CONFIG_I: one');
    await sendUdp('127.0.12.14', udp, '<134>Nov 30 10:00:01 r1-peer %SYS-5-CONFIG_I: from the peer');
    await sendTcp('127.0.12.12', tcp, '<134>Nov 30 10:00:02 r2 first\n<134>Nov 30 10:00:03 r2 second\n');
    await sendUdp('127.0.12.13', udp, '<134>Nov 30 10:00:04 r2-other-if third');
    for (let i = 0; i < 3; i++) await sendUdp('127.0.12.99', udp, `<134>stranger ${i}`);
    await sendTcp('127.0.12.98', tcp, '<134>another stranger\n');
    await until('9 messages received', () => received(service) === 9);
    const counters = service.counters();
    expect(counters.unknownSenders).toEqual({
      total: 4,
      other: 0,
      top: [
        { address: '127.0.12.99', messages: 3 },
        { address: '127.0.12.98', messages: 1 },
      ],
    });
    // Warned once per address, naming it and the fix.
    const unknownWarnings = warnings.filter((w) => w.msg.includes('no device claims'));
    expect(unknownWarnings.map((w) => w.fields?.['from']).sort()).toEqual(['127.0.12.98', '127.0.12.99']);
    await close();
    expect((await readFile(join(dir, 'r1', 'syslog'), 'utf8')).split('\n')).toEqual([
      '<134>Nov 30 10:00:00 r1 %SYS-5-CONFIG_I: one',
      '<134>Nov 30 10:00:01 r1-peer %SYS-5-CONFIG_I: from the peer',
      '',
    ]);
    const r2 = (await readFile(join(dir, 'r2', 'syslog'), 'utf8')).split('\n');
    expect(r2.sort()).toEqual(
      [
        '',
        '<134>Nov 30 10:00:02 r2 first',
        '<134>Nov 30 10:00:03 r2 second',
        '<134>Nov 30 10:00:04 r2-other-if third',
      ].sort(),
    );
    const folders = (await readdir(dir)).filter((f) => !f.startsWith('.'));
    expect(folders.sort()).toEqual(['r1', 'r2']);
  });

  test('logs.forward: the same bytes go to the forward target (UDP and TCP)', async () => {
    const udpTarget = dgram.createSocket('udp4');
    const gotUdp: string[] = [];
    udpTarget.on('message', (m) => gotUdp.push(m.toString('utf8')));
    await new Promise<void>((resolve) => udpTarget.bind({ address: '127.0.12.20', port: 0 }, resolve));
    cleanups.push(async () => udpTarget.close());
    let gotTcp = '';
    const tcpTarget = net.createServer((s) => s.on('data', (d) => (gotTcp += d.toString('utf8'))));
    await new Promise<void>((resolve) => tcpTarget.listen(0, '127.0.12.21', resolve));
    cleanups.push(() => new Promise((resolve) => tcpTarget.close(resolve)));
    const devices = await definitions({
      'r1.yaml': device(
        'r1',
        '127.0.12.11',
        `logs: { forward: { host: 127.0.12.20, port: ${udpTarget.address().port}, protocol: udp } }\n`,
      ),
      'r2.yaml': device(
        'r2',
        '127.0.12.12',
        `logs: { forward: { host: 127.0.12.21, port: ${(tcpTarget.address() as net.AddressInfo).port}, protocol: tcp } }\n`,
      ),
    });
    const { service } = await start(devices);
    const line1 =
      '<190>Nov 30 10:00:00 asa %ASA-6-106100: access-list outside denied tcp outside/192.0.2.1(1) -> inside/10.0.0.1(80)';
    await sendUdp('127.0.12.11', service.receiver.udp[0]!, line1);
    await sendTcp('127.0.12.12', service.receiver.tcp[0]!, '<134>r2 tcp line\n');
    await sendUdp('127.0.12.99', service.receiver.udp[0]!, '<134>stranger: not forwarded');
    await until('both forwarded', () => gotUdp.length === 1 && gotTcp.includes('\n'));
    expect(gotUdp).toEqual([line1]);
    expect(gotTcp).toBe('<134>r2 tcp line\n');
    expect(service.counters().forward.forwarded).toBe(2);
  });

  test('a busy store: UDP datagrams dropped and counted, not filed', async () => {
    const devices = await definitions({ 'r1.yaml': device('r1', '127.0.12.11') });
    // One byte of buffer and no flush during the test: busy from the first message on.
    const { dir, service, close } = await start(devices, {
      storeTuning: { highWaterBytes: 1, flushIntervalMs: 3_600_000, fsyncIntervalMs: 3_600_000 },
    });
    const udp = service.receiver.udp[0]!;
    await sendUdp('127.0.12.11', udp, 'first');
    await until('the first filed', () => service.counters().receiver.received.udp === 1);
    for (let i = 0; i < 5; i++) await sendUdp('127.0.12.11', udp, `dropped ${i}`);
    // Dropped datagrams are counted apart, not as received.
    await until('5 dropped', () => service.counters().receiver.droppedBusy === 5);
    expect(service.counters().receiver.received.udp).toBe(1);
    await close();
    expect(await readFile(join(dir, 'r1', 'syslog'), 'utf8')).toBe('first\n');
  });

  test('reload: a new device is known at once, a removed one is not', async () => {
    const [r1] = await definitions({ 'r1.yaml': device('r1', '127.0.12.11') });
    const [r3] = await definitions({ 'r3.yaml': device('r3', '127.0.12.15') });
    const { dir, service, close } = await start([r1!]);
    const udp = service.receiver.udp[0]!;
    await sendUdp('127.0.12.15', udp, 'before');
    await until('1 received', () => received(service) === 1);
    await service.reload([r3!]);
    await sendUdp('127.0.12.15', udp, 'after');
    await sendUdp('127.0.12.11', udp, 'r1 is gone');
    await until('3 received', () => received(service) === 3);
    expect(service.counters().unknownSenders.top).toEqual([
      { address: '127.0.12.11', messages: 1 },
      { address: '127.0.12.15', messages: 1 },
    ]);
    await close();
    expect(await readFile(join(dir, 'r3', 'syslog'), 'utf8')).toBe('after\n');
  });

  test('ACL deny lines count as hits on the block entries they fall in; an allow-list hit is counted apart', async () => {
    const devices = await definitions({ 'r1.yaml': device('r1', '127.0.12.11') });
    const entries = new Map([['r1', { block: ['192.0.2.0/24'], allow: ['198.51.100.7/32'] }]]);
    const { service } = await start(devices, { entries });
    const udp = service.receiver.udp[0]!;
    // A real ASA line (test/fixtures/acl-log, from elastic/integrations), and the same with an allow-listed source.
    const line =
      '<164>Apr 30 2013 09:23:40: %ASA-4-106023: Deny tcp src outside:192.0.2.126/53638 dst inside:10.0.0.132/8111 by access-group "acl_out" [0x71761f18, 0x0]';
    await sendUdp('127.0.12.11', udp, line);
    await sendUdp('127.0.12.11', udp, line.replace('192.0.2.126', '198.51.100.7'));
    await sendUdp('127.0.12.11', udp, '<134>not an ACL line');
    await until('3 received', () => received(service) === 3);
    expect(service.counters().hits.perDevice['r1']).toEqual({ aclLines: 2, denied: 2, blockHits: 1, allowHits: 1 });
  });

  test('two devices claiming one address: the start fails naming both', async () => {
    const devices = await definitions({
      'r1.yaml': device('r1', '127.0.12.11'),
      'r2.yaml': device('r2', '127.0.12.12', 'logs: { sources: [127.0.12.11] }\n'),
    });
    await expect(start(devices)).rejects.toThrow(/127\.0\.12\.11 belongs to two devices, r1 and r2/);
  });
});

describe('the control socket', () => {
  test('rotate-upload: the rotated file, kept (upload off); unknown device and bad requests refused; mode 0600', async () => {
    const devices = await definitions({ 'r1.yaml': device('r1', '127.0.12.11') });
    const dir = await mkdtemp(join(tmpdir(), 'tscm-logsvc-ctl-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const sock = join(dir, 'control.sock');
    const { service } = await start(devices, { controlSocket: sock });
    expect((await stat(sock)).mode & 0o777).toBe(0o600);
    await sendUdp('127.0.12.11', service.receiver.udp[0]!, '<134>to rotate');
    await until('received', () => received(service) === 1);
    const reply = await askControl(sock, { op: 'rotate-upload', device: 'r1' });
    expect(reply).toMatchObject({
      ok: true,
      rotated: [{ device: 'r1', seq: 1, path: expect.stringMatching(/r1\/syslog\.0+1\.gz$/) }],
      uploads: [{ device: 'r1', file: expect.stringMatching(/^syslog\.0+1\.gz$/), result: 'kept' }],
    });
    expect(await askControl(sock, { op: 'rotate-upload', device: 'nope' })).toEqual({
      ok: false,
      error: 'no device named nope in the definitions',
    });
    const raw = async (text: string) =>
      new Promise<string>((resolve, reject) => {
        const s = net.createConnection(sock);
        let out = '';
        s.on('data', (d) => (out += d.toString('utf8')));
        s.on('end', () => resolve(out));
        s.on('error', reject);
        s.write(text);
      });
    expect(JSON.parse(await raw('{"op":"delete-everything"}\n'))).toEqual({
      ok: false,
      error: 'unknown op (expected "rotate-upload")',
    });
    expect(JSON.parse(await raw('not json\n'))).toEqual({ ok: false, error: 'the request is not JSON' });
    expect(JSON.parse(await raw('{"op":"rotate-upload","device":"../etc"}\n'))).toEqual({
      ok: false,
      error: 'device is not a device name',
    });
    expect(JSON.parse(await raw('x'.repeat(5000)))).toEqual({ ok: false, error: 'request too long' });
  });
});

import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../errors.js';
import { createTestSink } from '../../../test/helpers/syslog-sink.js';
import type { Logger } from '../model.js';
import { startReceiver, type Receiver, type ReceiverOptions } from './receiver.js';

const log: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const host = () => `127.0.10.${randomInt(2, 250)}`;
const open: Receiver[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
});

async function start(opts: Partial<ReceiverOptions> & Pick<ReceiverOptions, 'sink'>): Promise<Receiver> {
  const h = host();
  const r = await startReceiver({ udp: [{ host: h, port: 0 }], tcp: [{ host: h, port: 0 }], log, ...opts });
  open.push(r);
  return r;
}

function connect(r: Receiver, localAddress?: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: r.tcp[0]!.host, port: r.tcp[0]!.port, ...(localAddress ? { localAddress } : {}) });
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

const closed = (s: net.Socket) =>
  new Promise<void>((resolve) => (s.destroyed ? resolve() : s.once('close', () => resolve())));

async function sendUdp(r: Receiver, texts: string[], localAddress?: string): Promise<void> {
  const a = r.udp[0]!;
  const s = dgram.createSocket(net.isIPv6(a.host) ? 'udp6' : 'udp4');
  if (localAddress) await new Promise<void>((resolve) => s.bind(0, localAddress, resolve));
  for (const t of texts)
    await new Promise<void>((resolve, reject) => s.send(t, a.port, a.host, (e) => (e ? reject(e) : resolve())));
  s.close();
}

describe('startReceiver', () => {
  it('files UDP datagrams and TCP lines with the sender address, transport and time', async () => {
    const sink = createTestSink();
    const r = await start({ sink });
    const from = host();
    await sendUdp(r, ['<13>udp one\n', '<13>udp two'], from);
    const s = await connect(r, from);
    s.end('<13>tcp one\n' + '11 <13>tcp two');
    await sink.waitFor(() => sink.messages.length === 4, '4 messages');
    expect(sink.texts().sort()).toEqual(['<13>tcp one', '<13>tcp two', '<13>udp one', '<13>udp two']);
    for (const m of sink.messages) {
      expect(m.from).toBe(from);
      expect(m.receivedAt).toBeGreaterThan(0);
    }
    expect(sink.messages.filter((m) => m.transport === 'udp')).toHaveLength(2);
    expect(r.counters().received).toEqual({ udp: 2, tcp: 2 });
  });

  it('50 TCP senders interleaving: every message filed, in order per connection', async () => {
    const sink = createTestSink();
    const r = await start({ sink });
    const sockets = await Promise.all(Array.from({ length: 50 }, () => connect(r)));
    for (let round = 0; round < 20; round++) {
      sockets.forEach((s, c) =>
        s.write(round % 2 ? `${`<13>c${c} r${round}`.length} <13>c${c} r${round}` : `<13>c${c} r${round}\n`),
      );
    }
    for (const s of sockets) s.end();
    await sink.waitFor(() => sink.messages.length === 1000, '1000 messages');
    for (let c = 0; c < 50; c++) {
      const mine = sink.texts().filter((t) => t.startsWith(`<13>c${c} `));
      expect(mine).toEqual(Array.from({ length: 20 }, (_, round) => `<13>c${c} r${round}`));
    }
    await sink.waitFor(() => r.counters().connections === 0, 'connections closed');
  });

  it('a 100,000-message TCP burst into a slow sink: none lost, in order, memory bounded by back-pressure', async () => {
    const sink = createTestSink({ highWater: 2000, lowWater: 500, drainBatch: 200 });
    const r = await start({ sink, maxMessageBytes: 1024 });
    const senders = 4;
    const per = 25_000;
    const sockets = await Promise.all(Array.from({ length: senders }, () => connect(r)));
    await Promise.all(
      sockets.map(async (s, c) => {
        // Written in 1000-line slabs, honouring the socket's own back-pressure.
        for (let i = 0; i < per; i += 1000) {
          let slab = '';
          for (let j = i; j < i + 1000; j++) slab += `<13>Nov 30 13:01:02 h t: s${c} n${j}\n`;
          if (!s.write(slab)) await new Promise((resolve) => s.once('drain', resolve));
        }
        s.end();
      }),
    );
    await sink.waitFor(() => sink.messages.length === senders * per, 'the whole burst', 60_000);
    const next = new Array<number>(senders).fill(0);
    for (const t of sink.texts()) {
      const m = /s(\d) n(\d+)$/.exec(t)!;
      expect(Number(m[2])).toBe(next[Number(m[1])]); // in order per connection, none missing, none twice
      next[Number(m[1])]!++;
    }
    const c = r.counters();
    expect(c.pauses).toBeGreaterThan(0); // back-pressure really happened
    // What the receiver held: at most one incomplete message per connection; what it pushed past the high-water
    // mark: at most what was already read (about one 64 KiB socket chunk per connection, lines of ~35 bytes).
    expect(c.peakBufferedBytes).toBeLessThanOrEqual(senders * 1024);
    expect(sink.peakHeld).toBeLessThanOrEqual(2000 + senders * Math.ceil(65536 / 34) + 1);
    expect(c.received.tcp).toBe(senders * per);
  });

  it('drops UDP datagrams while the sink is busy, counted, and files again once it drains', async () => {
    const sink = createTestSink();
    const r = await start({ sink });
    sink.setBusy(true);
    await sendUdp(
      r,
      Array.from({ length: 30 }, (_, i) => `<13>dropped ${i}`),
    );
    await sink.waitFor(() => r.counters().droppedBusy === 30, '30 drops');
    sink.setBusy(false);
    await sendUdp(r, ['<13>kept']);
    await sink.waitFor(() => sink.messages.length === 1, 'the kept one');
    expect(sink.texts()).toEqual(['<13>kept']);
  });

  it('pauses a TCP sender while busy and resumes it on drain, losing nothing', async () => {
    const sink = createTestSink();
    const r = await start({ sink });
    sink.setBusy(true);
    const s = await connect(r);
    s.write('<13>a\n<13>b\n');
    await sink.waitFor(() => r.counters().pausedConnections === 1, 'the pause');
    expect(sink.texts()).toEqual(['<13>a', '<13>b']); // read before the pause: pushed, never dropped
    s.end('<13>c\n');
    sink.setBusy(false);
    await sink.waitFor(() => sink.messages.length === 3, 'c after the drain');
    expect(sink.texts()[2]).toBe('<13>c');
  });

  it('closes a sender with a malformed octet count, counted; other senders go on', async () => {
    const sink = createTestSink();
    const r = await start({ sink });
    const bad = await connect(r);
    const good = await connect(r);
    bad.write('<13>fine\n12x <13>bad');
    await closed(bad);
    good.end('<13>still fine\n');
    await sink.waitFor(() => sink.messages.length === 2, 'two good messages');
    expect(sink.texts().sort()).toEqual(['<13>fine', '<13>still fine']);
    expect(r.counters().malformedFrames).toBe(1);
  });

  it('cuts long messages over UDP and TCP, counted', async () => {
    const sink = createTestSink();
    const r = await start({ sink, maxMessageBytes: 64 });
    await sendUdp(r, ['<13>' + 'u'.repeat(200)]);
    const s = await connect(r);
    s.end('<13>' + 't'.repeat(200) + '\n<13>short\n' + `204 <13>${'o'.repeat(200)}`);
    await sink.waitFor(() => sink.messages.length === 4, '4 messages');
    expect(sink.messages.map((m) => m.raw.length).sort((a, b) => a - b)).toEqual([9, 64, 64, 64]);
    expect(r.counters().truncated).toBe(3);
  });

  it('refuses connections beyond maxConnections, counted', async () => {
    const sink = createTestSink();
    const r = await start({ sink, maxConnections: 2 });
    const a = await connect(r);
    const b = await connect(r);
    await sink.waitFor(() => r.counters().connections === 2, 'two connections');
    const third = await connect(r);
    await closed(third);
    expect(r.counters()).toMatchObject({ connections: 2, connectionsRefused: 1 });
    a.destroy();
    b.destroy();
  });

  it('closes an idle TCP sender after idleTimeoutMs', async () => {
    const sink = createTestSink();
    const r = await start({ sink, idleTimeoutMs: 20 });
    const s = await connect(r);
    await closed(s); // the server ends it: nothing was sent
    await sink.waitFor(() => r.counters().connections === 0, 'the connection gone');
  });

  it('listens on IPv6 (::1) and gives the sender as ::1', async () => {
    const sink = createTestSink();
    const r = await startReceiver({ udp: [{ host: '::1', port: 0 }], tcp: [{ host: '::1', port: 0 }], sink, log });
    open.push(r);
    await sendUdp(r, ['<13>v6 udp']);
    const s = await connect(r);
    s.end('<13>v6 tcp\n');
    await sink.waitFor(() => sink.messages.length === 2, 'two');
    expect(sink.messages.map((m) => m.from)).toEqual(['::1', '::1']);
    expect(r.udp[0]!.port).toBeGreaterThan(0);
  });

  it('binds all or none: an address in use fails with a clear error and leaves nothing bound', async () => {
    const h = host();
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, h, resolve));
    const port = (taken.address() as net.AddressInfo).port;
    const err = await startReceiver({
      udp: [{ host: h, port }],
      tcp: [{ host: h, port }],
      sink: createTestSink(),
      log,
    }).catch((e: unknown) => e);
    taken.close();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toBe(`cannot listen for syslog on TCP ${h}:${port}: the address is in use`);
    expect((err as ConfigError).hint).toMatch(/logs\.tcp/);
    // The UDP port it had bound first is free again.
    const again = await startReceiver({ udp: [{ host: h, port }], tcp: [], sink: createTestSink(), log });
    await again.close();
  });

  it('close() pushes what was read, ends the connections and stops listening', async () => {
    const sink = createTestSink();
    const r = await start({ sink });
    const s = await connect(r);
    s.write('<13>a\n<13>b\n<13>incomplete');
    await sink.waitFor(() => sink.messages.length === 2, 'two');
    await r.close();
    await closed(s);
    expect(sink.texts()).toEqual(['<13>a', '<13>b']);
    const refused = await new Promise<string>((resolve) => {
      const t = net.connect(r.tcp[0]!.port, r.tcp[0]!.host);
      t.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? ''));
      t.once('connect', () => resolve('connected'));
    });
    expect(refused).toBe('ECONNREFUSED');
  });
});

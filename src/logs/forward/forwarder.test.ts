import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../model.js';
import { createForwarder, type Forwarder } from './forwarder.js';

const warnings: string[] = [];
const log: Logger = { debug() {}, info() {}, warn: (m) => warnings.push(m), error() {} };
const host = () => `127.0.10.${randomInt(2, 250)}`;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function forwarder(opts: Partial<Parameters<typeof createForwarder>[0]> = {}): Forwarder {
  const f = createForwarder({ log, reconnect: { firstDelayMs: 5, maxDelayMs: 20 }, ...opts });
  cleanups.push(() => f.close(500));
  return f;
}

async function until(predicate: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 4000; i++) {
    if (predicate()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A TCP collector: everything received, as one byte stream; `drop()` cuts every connection. */
async function tcpTarget(h: string, port = 0) {
  let bytes = Buffer.alloc(0);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('data', (d: Buffer) => (bytes = Buffer.concat([bytes, d])));
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(port, h, resolve));
  const target = {
    port: (server.address() as net.AddressInfo).port,
    text: () => bytes.toString('latin1'),
    connections: () => sockets.size,
    drop: () => sockets.forEach((s) => s.destroy()),
    close: () => new Promise<void>((resolve) => (sockets.forEach((s) => s.destroy()), server.close(() => resolve()))),
  };
  cleanups.push(target.close);
  return target;
}

async function freePort(h: string): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, h, resolve));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

describe('createForwarder', () => {
  it('UDP: one datagram per message, bytes unchanged (an LF inside too)', async () => {
    const h = host();
    const got: string[] = [];
    const server = dgram.createSocket('udp4');
    server.on('message', (m) => got.push(m.toString('latin1')));
    await new Promise<void>((resolve) => server.bind(0, h, resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const f = forwarder();
    const sent = ['<13>one', '<13>two\nlines', ...Array.from({ length: 98 }, (_, i) => `<13>n${i} \xe9`)];
    for (const m of sent) f.send({ host: h, port: server.address().port, protocol: 'udp' }, Buffer.from(m, 'latin1'));
    await until(() => got.length === 100, '100 datagrams');
    expect(got).toEqual(sent);
    expect(f.counters()).toMatchObject({ forwarded: 100, dropped: 0 });
  });

  it('TCP: LF-framed, octet-counted when the message holds an LF', async () => {
    const h = host();
    const target = await tcpTarget(h);
    const f = forwarder();
    const to = { host: h, port: target.port, protocol: 'tcp' as const };
    f.send(to, Buffer.from('<13>a'));
    f.send(to, Buffer.from('<13>b\nc'));
    f.send(to, Buffer.from('<13>d'));
    await until(() => target.text().length === 21, 'the stream');
    expect(target.text()).toBe('<13>a\n7 <13>b\nc<13>d\n');
    expect(f.counters().targets[`tcp://${h}:${target.port}`]).toMatchObject({ forwarded: 3, connected: true });
  });

  it('TCP: queues while the target is away, connects when it comes, reconnects after a drop; nothing reordered', async () => {
    const h = host();
    const port = await freePort(h);
    const f = forwarder();
    const to = { host: h, port, protocol: 'tcp' as const };
    for (let i = 0; i < 10; i++) f.send(to, Buffer.from(`<13>early ${i}`));
    await until(() => f.counters().reconnects >= 2, 'two refused attempts');
    expect(warnings).toContain('syslog forward target unreachable: queuing (bounded), retrying');
    const target = await tcpTarget(h, port);
    await until(() => target.text().split('\n').length === 11, 'the early ten');
    target.drop();
    await until(() => !f.counters().targets[`tcp://${h}:${port}`]!.connected, 'the drop seen');
    for (let i = 0; i < 10; i++) f.send(to, Buffer.from(`<13>late ${i}`));
    await until(() => target.text().split('\n').length === 21, 'the late ten');
    const lines = target.text().trimEnd().split('\n');
    expect(lines).toEqual([
      ...Array.from({ length: 10 }, (_, i) => `<13>early ${i}`),
      ...Array.from({ length: 10 }, (_, i) => `<13>late ${i}`),
    ]);
    expect(f.counters().dropped).toBe(0);
  });

  it('bounds each queue in bytes: the oldest are dropped, counted, the newest delivered', async () => {
    const h = host();
    const port = await freePort(h);
    const f = forwarder({ maxQueueBytes: 1000 });
    const to = { host: h, port, protocol: 'tcp' as const };
    for (let i = 0; i < 100; i++) f.send(to, Buffer.from(`<13>${String(i).padStart(46, '0')}`)); // 50 bytes each
    expect(f.counters()).toMatchObject({ dropped: 80 });
    const target = await tcpTarget(h, port);
    await until(() => target.text().split('\n').length === 21, '20 messages');
    expect(target.text().trimEnd().split('\n')).toEqual(
      Array.from({ length: 20 }, (_, i) => `<13>${String(80 + i).padStart(46, '0')}`),
    );
  });

  it('close() flushes what is queued to a reachable target, then ends the connection', async () => {
    const h = host();
    const target = await tcpTarget(h);
    const f = createForwarder({ log });
    const to = { host: h, port: target.port, protocol: 'tcp' as const };
    for (let i = 0; i < 50_000; i++) f.send(to, Buffer.from(`<13>m${i}`)); // several writes
    await f.close(5000);
    await until(() => target.connections() === 0, 'the end of the connection');
    expect(target.text().trimEnd().split('\n')).toHaveLength(50_000);
    f.send(to, Buffer.from('<13>after close')); // ignored, no throw
  });
});

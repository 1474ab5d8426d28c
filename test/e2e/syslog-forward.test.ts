// Forwarding end to end: a device's logs.forward sends each message it files, unchanged, to another collector (a
// node UDP or TCP server on loopback) - the same lines as the file - and over TCP reconnects after the collector
// restarts, delivering what was queued meanwhile.

import dgram from 'node:dgram';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  freePort,
  HAVE_LOGGER,
  linesFiled,
  logger,
  loopback,
  makeDefinitions,
  startSyslog,
  stopAll,
  until,
  type Definitions,
} from '../helpers/syslog-cli.js';

let defs: Definitions | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await stopAll();
  for (const c of cleanups.splice(0).reverse()) await c();
  await defs?.close();
  defs = undefined;
});

/** A collector on UDP: every datagram, as text. */
async function udpCollector(host: string) {
  const got: string[] = [];
  const socket = dgram.createSocket('udp4');
  socket.on('message', (m) => got.push(m.toString('latin1')));
  await new Promise<void>((resolve) => socket.bind(0, host, resolve));
  cleanups.push(async () => void socket.close());
  return { port: socket.address().port, got };
}

/** A collector on TCP (LF-framed lines), on a fixed port so that it can be stopped and started again. */
async function tcpCollector(host: string, port: number) {
  const got: string[] = [];
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = net.createServer((s) => {
    connections++;
    sockets.add(s);
    let rest = '';
    s.setEncoding('latin1').on('data', (d: string) => {
      const parts = (rest + d).split('\n');
      rest = parts.pop()!;
      got.push(...parts);
    });
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  cleanups.push(async () => {
    if (server.listening) await stop();
  });
  return { got, stop, connections: () => connections };
}

describe.skipIf(!HAVE_LOGGER)('tscm syslog forwarding', () => {
  it('forwards the same lines it files, over UDP and over TCP, and reconnects to a restarted TCP collector', async () => {
    const collectorHost = loopback();
    const udp = await udpCollector(collectorHost);
    const tcpPort = await freePort(collectorHost);
    let tcp = await tcpCollector(collectorHost, tcpPort);
    const tcpDevice = loopback();
    defs = await makeDefinitions([
      { name: 'fw-u', host: '127.0.0.1', extra: `logs: { forward: { host: ${collectorHost}, port: ${udp.port} } }` },
      {
        name: 'fw-t',
        host: tcpDevice,
        extra: `logs: { forward: { host: ${collectorHost}, port: ${tcpPort}, protocol: tcp } }`,
      },
    ]);
    const rx = await startSyslog(defs);

    // fw-u: logger from 127.0.0.1, forwarded over UDP
    const uLines = Array.from({ length: 20 }, (_, i) => `forward-udp ${i}`);
    await logger(['-n', rx.host, '-P', String(rx.port), '-T', '-t', 'asa'], uLines.join('\n') + '\n');
    const filedU = await linesFiled(defs.logDir, 'fw-u', 20);
    await until('20 datagrams forwarded', () => (udp.got.length >= 20 ? true : undefined));
    expect(udp.got).toEqual(filedU);

    // fw-t: a sender on the device's address, forwarded over TCP
    const sendFromDevice = (text: string) =>
      new Promise<void>((resolve, reject) => {
        const s = net.connect({ host: rx.host, port: rx.port, localAddress: tcpDevice }, () => s.end(text, resolve));
        s.on('error', reject);
      });
    const batch = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => `<166>%ASA-6-106100: forward-tcp ${from + i}`);
    await sendFromDevice(batch(0, 50).join('\n') + '\n');
    await until('50 lines forwarded over TCP', () => (tcp.got.length >= 50 ? true : undefined));
    expect(tcp.got).toEqual(await linesFiled(defs.logDir, 'fw-t', 50));

    // the collector goes away (the forwarder sees its connection end), messages keep coming, the collector is back
    await tcp.stop();
    const before = tcp.got;
    // (what is written into a connection the peer has closed is lost with it: wait until the forwarder noticed)
    const warned = rx.stderr().split(`${collectorHost}:${tcpPort}`).length;
    await until('the forwarder to notice the lost connection', () =>
      rx.stderr().split(`${collectorHost}:${tcpPort}`).length > warned ? true : undefined,
    );
    await sendFromDevice(batch(50, 30).join('\n') + '\n');
    await linesFiled(defs.logDir, 'fw-t', 80);
    tcp = await tcpCollector(collectorHost, tcpPort);
    await sendFromDevice(batch(80, 20).join('\n') + '\n');
    await until('the lines after the restart forwarded', () => (tcp.got.includes(batch(99, 1)[0]!) ? true : undefined));
    // reconnected once; what was queued while the collector was down came first, in order, then the rest
    expect(tcp.connections()).toBe(1);
    expect([...before, ...tcp.got]).toEqual(batch(0, 100));
    expect(await linesFiled(defs.logDir, 'fw-t', 100)).toEqual(batch(0, 100)); // the file's batch write may lag
    // nothing of fw-t went to the UDP collector, nothing of fw-u to the TCP one
    expect(udp.got).toEqual(filedU);
    expect((await rx.stop()).code).toBe(0);
  });
});

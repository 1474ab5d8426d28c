// The receiver and the forwarder against real senders and collectors: util-linux logger (UDP, TCP, TCP with
// octet counting; RFC 3164 and 5424) and rsyslogd (forwarding to us over TCP in both framings, and receiving from
// our forwarder). Loopback only.

import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/logs/model.js';
import { createForwarder } from '../../src/logs/forward/forwarder.js';
import { startReceiver, type Receiver } from '../../src/logs/receive/receiver.js';
import { parseSyslog } from '../../src/logs/receive/syslog-parse.js';
import { createTestSink, type TestSink } from '../helpers/syslog-sink.js';
import { freePort, runLogger, startRsyslog } from '../helpers/syslog-senders.js';

const log: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const host = () => `127.0.10.${randomInt(2, 250)}`;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function receiver(sink: TestSink): Promise<Receiver> {
  const h = host();
  const r = await startReceiver({ udp: [{ host: h, port: 0 }], tcp: [{ host: h, port: 0 }], sink, log });
  cleanups.push(() => r.close());
  return r;
}

const lines = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix} message ${i}`);

describe('logger (util-linux) to the receiver', () => {
  it('UDP, RFC 3164: filed from 127.0.0.1, the tag and text read back', async () => {
    const sink = createTestSink();
    const r = await receiver(sink);
    await runLogger({ ...r.udp[0]!, transport: 'udp', format: 'rfc3164', tag: 'tscm-udp' }, lines('udp', 5));
    await sink.waitFor(() => sink.messages.length === 5, '5 datagrams');
    for (const [i, m] of sink.messages.entries()) {
      expect(m).toMatchObject({ from: '127.0.0.1', transport: 'udp' });
      const p = parseSyslog(m.raw);
      expect(p).toMatchObject({ format: 'rfc3164', facility: 1, severity: 5, appName: 'tscm-udp' });
      expect(p.msg).toBe(`udp message ${i}`);
    }
  });

  it('TCP LF-framed, RFC 5424: every line in order', async () => {
    const sink = createTestSink();
    const r = await receiver(sink);
    await runLogger({ ...r.tcp[0]!, transport: 'tcp', format: 'rfc5424', tag: 'tscm-tcp' }, lines('tcp', 200));
    await sink.waitFor(() => sink.messages.length === 200, '200 messages');
    const parsed = sink.messages.map((m) => parseSyslog(m.raw));
    expect(parsed.map((p) => p.msg)).toEqual(lines('tcp', 200));
    expect(parsed.every((p) => p.format === 'rfc5424' && p.appName === 'tscm-tcp')).toBe(true);
  });

  it('TCP octet-counted (--octet-count), both formats', async () => {
    const sink = createTestSink();
    const r = await receiver(sink);
    await runLogger({ ...r.tcp[0]!, transport: 'tcp', octetCount: true, format: 'rfc5424' }, lines('oc5424', 50));
    await runLogger({ ...r.tcp[0]!, transport: 'tcp', octetCount: true, format: 'rfc3164' }, lines('oc3164', 50));
    await sink.waitFor(() => sink.messages.length === 100, '100 messages');
    expect(sink.messages.map((m) => parseSyslog(m.raw).msg)).toEqual([...lines('oc5424', 50), ...lines('oc3164', 50)]);
    expect(r.counters()).toMatchObject({ malformedFrames: 0, truncated: 0 });
  });

  it('20 logger processes at once over TCP: all filed, in order per sender', async () => {
    const sink = createTestSink();
    const r = await receiver(sink);
    await Promise.all(
      Array.from({ length: 20 }, (_, s) =>
        runLogger({ ...r.tcp[0]!, transport: 'tcp', octetCount: s % 2 === 0, tag: `sender${s}` }, lines(`s${s}`, 100)),
      ),
    );
    await sink.waitFor(() => sink.messages.length === 2000, '2000 messages');
    const parsed = sink.messages.map((m) => parseSyslog(m.raw));
    for (let s = 0; s < 20; s++) {
      expect(parsed.filter((p) => p.appName === `sender${s}`).map((p) => p.msg)).toEqual(lines(`s${s}`, 100));
    }
  });
});

describe('rsyslogd', () => {
  it('forwards what logger sent it to the receiver over TCP, octet-counted and LF-framed', async () => {
    const octetSink = createTestSink();
    const lfSink = createTestSink();
    const octet = await receiver(octetSink);
    const lf = await receiver(lfSink);
    const h = host();
    const input = { protocol: 'tcp' as const, host: h, port: await freePort(h) };
    const rsyslog = await startRsyslog({
      inputs: [input],
      forward: [
        { ...octet.tcp[0]!, protocol: 'tcp', framing: 'octet-counted' },
        { ...lf.tcp[0]!, protocol: 'tcp' },
      ],
    });
    cleanups.push(() => rsyslog.stop());
    await runLogger(
      { host: h, port: input.port, transport: 'tcp', format: 'rfc3164', tag: 'via-rsyslog' },
      lines('r', 100),
    );
    for (const sink of [octetSink, lfSink]) {
      await sink.waitFor(() => sink.messages.length === 100, '100 forwarded messages');
      const parsed = sink.messages.map((m) => parseSyslog(m.raw));
      expect(parsed.map((p) => p.msg)).toEqual(lines('r', 100));
      expect(parsed.every((p) => p.format === 'rfc3164' && p.appName === 'via-rsyslog')).toBe(true);
      expect(sink.messages.every((m) => m.from === '127.0.0.1' && m.transport === 'tcp')).toBe(true);
    }
    expect(octet.counters().malformedFrames + lf.counters().malformedFrames).toBe(0);
  });

  it('receives from the forwarder over UDP and TCP the same bytes the receiver got', async () => {
    const h = host();
    const tcpIn = { protocol: 'tcp' as const, host: h, port: await freePort(h) };
    const udpIn = { protocol: 'udp' as const, host: h, port: await freePort(h, 'udp') };
    const rsyslog = await startRsyslog({ inputs: [tcpIn, udpIn], fileOutput: true });
    cleanups.push(() => rsyslog.stop());
    const f = createForwarder({ log, reconnect: { firstDelayMs: 5, maxDelayMs: 50 } });
    cleanups.push(() => f.close(1000));
    const sent = [
      ...lines('<13>Nov 30 13:01:02 edge1 tcp-fwd:', 50).map((t) => ({ t, protocol: 'tcp' as const })),
      ...lines('<13>Nov 30 13:01:02 edge1 udp-fwd:', 50).map((t) => ({ t, protocol: 'udp' as const })),
    ];
    for (const { t, protocol } of sent) {
      f.send({ host: h, port: protocol === 'tcp' ? tcpIn.port : udpIn.port, protocol }, Buffer.from(t));
    }
    let got: string[] = [];
    for (let i = 0; i < 2000 && got.length < 100; i++) {
      got = await rsyslog.received();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(got.filter((l) => l.includes('tcp-fwd'))).toEqual(sent.slice(0, 50).map((s) => s.t));
    expect([...got.filter((l) => l.includes('udp-fwd'))].sort()).toEqual(
      sent
        .slice(50)
        .map((s) => s.t)
        .sort(),
    );
    expect(f.counters()).toMatchObject({ forwarded: 100, dropped: 0 });
  });
});

// Where unprivileged users may bind low ports (a sysctl some containers set), there is nothing to refuse.
const lowPortsPrivileged = Number(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8')) > 514;

describe('a port below 1024 without the privilege', () => {
  it.runIf(lowPortsPrivileged)('fails with EACCES explained: the address, the capability, the setting', async () => {
    // As root the bind would succeed, so run the built receiver as nobody (setpriv, util-linux).
    const receiverJs = path.resolve(
      path.dirname(fileURLToPath(import.meta.url)),
      '../../dist/logs/receive/receiver.js',
    );
    const h = host();
    const script = `
      import { startReceiver } from ${JSON.stringify(receiverJs)};
      const sink = { busy: false, push() {}, onDrain() {} };
      const log = { debug() {}, info() {}, warn() {}, error() {} };
      try { await startReceiver({ udp: [], tcp: [{ host: '${h}', port: 514 }], sink, log }); console.log('{}'); }
      catch (e) { console.log(JSON.stringify({ name: e.name, message: e.message, hint: e.hint })); }`;
    const asNobody = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
    const argv = [...asNobody, process.execPath, '--input-type=module', '-e', script];
    const out = JSON.parse(execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8' })) as Record<string, string>;
    expect(out).toEqual({
      name: 'ConfigError',
      message: `cannot listen for syslog on TCP ${h}:514: permission denied`,
      hint: expect.stringMatching(/CAP_NET_BIND_SERVICE.*port of 1024 or more in tscm\.yaml logs\.tcp/),
    });
  });
});

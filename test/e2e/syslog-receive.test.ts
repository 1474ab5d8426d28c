// `tscm syslog` end to end with real senders: util-linux `logger` over UDP, TCP and octet-counted TCP (RFC 3164
// and 5424), rsyslogd relaying to it over TCP (LF-framed and octet-counted), a `logs.sources` address, an unknown
// sender counted and never filed, and a restart (SIGTERM, start again) that loses nothing the receiver had read.

import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  deviceLines,
  freePort,
  HAVE_LOGGER,
  HAVE_RSYSLOG,
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

const token = () => randomBytes(6).toString('hex');

/** The JSON log lines of the receiver's stderr. */
function jsonLines(stderr: string): Record<string, unknown>[] {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe.skipIf(!HAVE_LOGGER)('tscm syslog with logger', () => {
  it('files logger messages over UDP, TCP and octet-counted TCP, RFC 3164 and 5424, under the device of 127.0.0.1', async () => {
    const other = loopback();
    defs = await makeDefinitions([
      { name: 'fw-a', host: '127.0.0.1' },
      { name: 'fw-b', host: other },
    ]);
    const rx = await startSyslog(defs);
    const t = token();
    const to = ['-n', rx.host, '-P', String(rx.port), '-t', 'asa'];
    await logger([...to, '-d', '--rfc3164', `${t} udp-3164`]);
    await logger([...to, '-d', '--rfc5424', `${t} udp-5424`]);
    await logger([...to, '-T', '--rfc3164', `${t} tcp-3164`]);
    await logger([...to, '-T', '--octet-count', `${t} tcp-octet`]);
    // stdin: one message per line over one TCP connection
    await logger([...to, '-T'], `${t} tcp-stdin-1\n${t} tcp-stdin-2\n${t} tcp-stdin-3\n`);
    await logger([...to, '-T', '--octet-count'], `${t} octet-stdin-1\n${t} octet-stdin-2\n`);

    const lines = await linesFiled(defs.logDir, 'fw-a', 9);
    const kinds = lines.map((l) => l.slice(l.indexOf(t) + t.length + 1)).sort();
    expect(kinds).toEqual(
      [
        'udp-3164',
        'udp-5424',
        'tcp-3164',
        'tcp-octet',
        'tcp-stdin-1',
        'tcp-stdin-2',
        'tcp-stdin-3',
        'octet-stdin-1',
        'octet-stdin-2',
      ].sort(),
    );
    // unchanged bytes: the RFC 3164 header and the RFC 5424 one as logger sent them, the octet count removed
    expect(lines.find((l) => l.endsWith('udp-3164'))).toMatch(/^<13>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ asa: /);
    expect(lines.find((l) => l.endsWith('tcp-octet'))).toMatch(/^<13>1 \d{4}-\d\d-\d\dT\S+ \S+ asa - - \[timeQuality /);
    expect(await deviceLines(defs.logDir, 'fw-b')).toEqual([]);
    expect((await readdir(defs.logDir)).filter((n) => !n.startsWith('.'))).toEqual(['fw-a']);
  });

  it('files a logs.sources address under its device; counts an unknown sender and files nothing of it', async () => {
    const extraSource = loopback();
    let stranger = loopback();
    while (stranger === extraSource) stranger = loopback();
    defs = await makeDefinitions([{ name: 'fw-a', host: '127.0.0.1', extra: `logs: { sources: [${extraSource}] }` }]);
    const rx = await startSyslog(defs, { args: ['--listen', '127.0.0.1:0'] });
    const t = token();

    const udp = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => udp.bind(0, stranger, resolve));
    cleanups.push(async () => void udp.close());
    for (let i = 0; i < 5; i++) {
      await new Promise((resolve) => udp.send(`<12>stranger ${t} udp-${i}`, rx.port, rx.host, resolve));
    }
    const tcp = net.connect({ host: rx.host, port: rx.port, localAddress: stranger });
    await new Promise<void>((resolve) => tcp.end(`<12>stranger ${t} tcp\n`, resolve));

    const known = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => known.bind(0, extraSource, resolve));
    cleanups.push(async () => void known.close());
    await new Promise((resolve) => known.send(`<12>known ${t} via-sources`, rx.port, rx.host, resolve));

    const lines = await linesFiled(defs.logDir, 'fw-a', 1);
    expect(lines).toEqual([`<12>known ${t} via-sources`]);
    // the stranger: warned once (naming its address), counted, never filed anywhere
    await until('the unknown sender warning', () =>
      jsonLines(rx.stderr()).some((l) => JSON.stringify(l).includes(stranger)) ? true : undefined,
    );
    expect(jsonLines(rx.stderr()).filter((l) => JSON.stringify(l).includes(stranger))).toHaveLength(1);
    const status = await until('6 unknown messages counted', async () => {
      const s = await rx.logsStatus();
      return s.dropped.unknownSender >= 6 ? s : undefined;
    });
    expect(status.dropped.unknownSender).toBe(6);
    expect(status.unknownSenders).toMatchObject({ total: 6, top: [{ address: stranger, messages: 6 }] });
    expect(status.devices).toEqual([expect.objectContaining({ device: 'fw-a', messages: 1 })]);
    expect((await readdir(defs.logDir)).filter((n) => !n.startsWith('.'))).toEqual(['fw-a']);
    // counted when received, on disk at the store's next batch write: wait for the line, never race it
    expect(await linesFiled(defs.logDir, 'fw-a', 1)).toEqual([`<12>known ${t} via-sources`]);
  });

  it('SIGTERM then a new start loses nothing that was read, and appends to the same file', async () => {
    defs = await makeDefinitions([{ name: 'fw-a', host: '127.0.0.1' }]);
    const host = loopback();
    const port = await freePort(host);
    const batch = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => `restart seq=${String(from + i).padStart(6, '0')}`).join('\n') + '\n';

    let rx = await startSyslog(defs, { host, port, args: ['--listen', '127.0.0.1:0'] });
    await logger(['-n', host, '-P', String(port), '-T', '-t', 'asa'], batch(0, 2000));
    // the receiver has read them all (not necessarily written them): SIGTERM now, it flushes, fsyncs, exits 0
    await until('2000 messages received', async () =>
      (await rx.logsStatus()).received.tcp >= 2000 ? true : undefined,
    );
    expect((await rx.stop('SIGTERM')).code, rx.stderr()).toBe(0);
    const first = await deviceLines(defs.logDir, 'fw-a');
    expect(first).toHaveLength(2000);

    rx = await startSyslog(defs, { host, port });
    await logger(['-n', host, '-P', String(port), '-T', '-t', 'asa'], batch(2000, 1000));
    const all = await linesFiled(defs.logDir, 'fw-a', 3000);
    expect((await rx.stop('SIGTERM')).code).toBe(0);
    const seqs = all.map((l) => Number(/seq=(\d+)/.exec(l)?.[1]));
    expect(new Set(seqs).size).toBe(3000);
    expect(seqs.slice(0, 2000)).toEqual(first.map((l) => Number(/seq=(\d+)/.exec(l)?.[1])));
    expect(Math.min(...seqs)).toBe(0);
    expect(Math.max(...seqs)).toBe(2999);
  });
});

describe.skipIf(!HAVE_LOGGER || !HAVE_RSYSLOG)('tscm syslog behind rsyslogd', () => {
  it('files what rsyslogd relays over TCP, LF-framed and octet-counted', async () => {
    defs = await makeDefinitions([{ name: 'fw-a', host: '127.0.0.1' }]);
    const rx = await startSyslog(defs);
    const work = await mkdtemp(path.join(tmpdir(), 'tscm-rsyslog-'));
    cleanups.push(() => rm(work, { recursive: true, force: true }));
    const rsHost = loopback();
    const rsPort = await freePort(rsHost);
    const conf = path.join(work, 'rsyslog.conf');
    await writeFile(
      conf,
      `global(workDirectory="${work}")
module(load="imudp")
input(type="imudp" address="${rsHost}" port="${rsPort}")
action(type="omfwd" target="${rx.host}" port="${rx.port}" protocol="tcp")
action(type="omfwd" target="${rx.host}" port="${rx.port}" protocol="tcp" TCP_Framing="octet-counted")
`,
    );
    const rs = spawn('rsyslogd', ['-n', '-f', conf, '-i', path.join(work, 'rsyslogd.pid')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let rsErr = '';
    rs.stderr.setEncoding('utf8').on('data', (d: string) => (rsErr += d));
    const rsDone = new Promise((resolve) => rs.on('close', resolve));
    cleanups.push(async () => {
      rs.kill('SIGTERM');
      await rsDone;
    });
    const t = token();
    // rsyslogd's UDP input is up when a probe comes through; resent until then (UDP to a closed port is lost)
    await until(
      'rsyslogd relaying',
      async () => {
        if (rs.exitCode !== null) throw new Error(`rsyslogd exited: ${rsErr}`);
        await logger(['-n', rsHost, '-P', String(rsPort), '-d', '-t', 'probe', `${t} probe`]);
        const lines = await deviceLines(defs!.logDir, 'fw-a');
        return lines.length > 0 ? true : undefined;
      },
      15_000,
    );
    await logger(['-n', rsHost, '-P', String(rsPort), '-d', '--rfc3164', '-t', '%ASA-4-106023', `${t} relayed`]);
    const relayed = await until('both relayed copies filed', async () => {
      const copies = (await deviceLines(defs!.logDir, 'fw-a')).filter((l) => l.endsWith(`${t} relayed`));
      return copies.length >= 2 ? copies : undefined;
    });
    // one copy per rsyslog action: its traditional forward format, <PRI>TIMESTAMP HOST TAG MSG
    expect(relayed).toHaveLength(2);
    for (const l of relayed) expect(l).toMatch(/^<13>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ %ASA-4-106023:? /);
  });
});

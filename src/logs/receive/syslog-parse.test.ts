import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSyslog } from './syslog-parse.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../../test/fixtures/syslog/${name}`, import.meta.url), 'utf8')
    .split('\n')
    .filter(Boolean);

describe('parseSyslog on real Cisco lines (test/fixtures/syslog/SOURCE.md)', () => {
  const lines = fixture('cisco-as-sent.txt');

  it('reads PRI, timestamp, host and the %FAC-S-MNEMONIC text of each', () => {
    const got = lines.map((l) => parseSyslog(Buffer.from(l)));
    expect(got[0]).toEqual({
      format: 'rfc3164',
      facility: 20,
      severity: 6,
      timestamp: 'Mar 06 2016 12:53:10',
      hostname: 'DEVICENAME',
      msg: expect.stringMatching(/^%ASA-6-302013: Built inbound TCP connection 723494125 /),
    });
    expect(got[1]).toMatchObject({ facility: 23, severity: 2, timestamp: 'Feb 27 06:08:59.485' });
    expect(got[1]!.msg).toBe('%HARDWARE-2-FAN_ERROR: Fan Failure');
    expect(got[2]!.msg).toMatch(/^%LINK-3-UPDOWN: /);
    expect(got[3]).toMatchObject({ facility: 23, severity: 6, timestamp: 'Sep 28 17:13:35.098' });
    expect(got[3]!.msg).toBe('%SEC-6-IPACCESSLOGP: list MGMT_IN denied udp IP(49964) -> IP(161), 11 packets');
    expect(got[4]).toMatchObject({ timestamp: '2016 Mar 06 09:22:34 CET' });
    expect(got[4]!.msg).toMatch(/^%AUTHPRIV-6-SYSTEM_MSG: START: rsync/);
    expect(got[5]).toMatchObject({ format: 'rfc3164', facility: 20, severity: 6 });
    expect(got[5]!.timestamp).toBeUndefined();
    expect(got[5]!.msg).toMatch(/^%ASA-6-302015: Built inbound UDP/);
    for (const p of got) expect(p.hostname === undefined || p.hostname === 'DEVICENAME').toBe(true);
  });

  it('gives collector file lines (no <PRI>) as bare text, whole', () => {
    for (const line of fixture('collector-files.txt')) {
      expect(parseSyslog(line)).toEqual({ format: 'bare', msg: line });
    }
  });
});

describe('parseSyslog shapes', () => {
  it('RFC 5424 with structured data holding escaped ] and "', () => {
    const line =
      '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" ' +
      'eventSource="Appl\\]ication" note="a \\"q\\""][x@1 a="b"] \ufeffAn application event';
    expect(parseSyslog(line)).toEqual({
      format: 'rfc5424',
      facility: 20,
      severity: 5,
      timestamp: '2003-10-11T22:14:15.003Z',
      hostname: 'mymachine.example.com',
      appName: 'evntslog',
      msg: 'An application event',
    });
  });

  it('RFC 5424 with NILVALUEs and no message', () => {
    expect(parseSyslog('<13>1 - - - - - -')).toEqual({ format: 'rfc5424', facility: 1, severity: 5, msg: '' });
  });

  it('RFC 5424 with an unterminated SD element falls back to 3164 reading, never throws', () => {
    const p = parseSyslog('<13>1 2026-11-30T13:00:00Z h app - - [unterminated x="y');
    expect(p.format).toBe('rfc3164');
  });

  it('RFC 3164 as logger sends it: host and tag[pid]', () => {
    expect(parseSyslog('<13>Nov 30 13:01:02 buildhost tscm-test[42]: hello world')).toEqual({
      format: 'rfc3164',
      facility: 1,
      severity: 5,
      timestamp: 'Nov 30 13:01:02',
      hostname: 'buildhost',
      appName: 'tscm-test',
      msg: 'hello world',
    });
  });

  it('the Cisco shapes of the brief: sequence number, ASA with a year and no host, no timestamp', () => {
    const ios = parseSyslog('<189>123: *Mar  1 00:01:02.345: %SEC-6-IPACCESSLOGP: list 101 denied tcp');
    expect(ios).toMatchObject({ facility: 23, severity: 5, timestamp: 'Mar  1 00:01:02.345' });
    expect(ios.msg).toBe('%SEC-6-IPACCESSLOGP: list 101 denied tcp');
    const asa = parseSyslog('<166>Nov 30 2026 13:01:02: %ASA-4-106023: Deny tcp src a:1.2.3.4/5 dst b:5.6.7.8/9');
    expect(asa).toMatchObject({ timestamp: 'Nov 30 2026 13:01:02', msg: expect.stringMatching(/^%ASA-4-106023: /) });
    expect(asa.hostname).toBeUndefined();
    expect(parseSyslog('<166>%ASA-4-106023: Deny').msg).toBe('%ASA-4-106023: Deny');
  });

  it('IOS origin-id host, a second sequence number, a time zone, an uptime stamp', () => {
    const p = parseSyslog('<166>20: edge1: 6340004: *Mar  4 11:45:20 UTC: %SEC-6-IPACCESSLOGP: list X permitted');
    expect(p).toMatchObject({ hostname: 'edge1', timestamp: 'Mar  4 11:45:20 UTC' });
    expect(p.msg).toBe('%SEC-6-IPACCESSLOGP: list X permitted');
    const up = parseSyslog('<189>7: 00:01:01: %SYS-5-CONFIG_I: Configured');
    expect(up).toMatchObject({ timestamp: '00:01:01', msg: '%SYS-5-CONFIG_I: Configured' });
    const short = parseSyslog('<166>Nov 30 2026 13:01:02 ASA1 : %ASA-6-106100: x');
    expect(short).toMatchObject({ timestamp: 'Nov 30 2026 13:01:02', hostname: 'ASA1', msg: '%ASA-6-106100: x' });
  });

  it('a PRI out of range or with a leading zero is bare text', () => {
    expect(parseSyslog('<192>x').format).toBe('bare');
    expect(parseSyslog('<013>x').format).toBe('bare');
    expect(parseSyslog('<0>x')).toMatchObject({ format: 'rfc3164', facility: 0, severity: 0, msg: 'x' });
  });

  it('any bytes give a result whose msg is a suffix of the text (never throws)', () => {
    const piece = fc.constantFrom(
      '<13>',
      '<189>',
      '1 ',
      '123: ',
      ': ',
      '*',
      'Mar  1 ',
      'Nov 30 2026 ',
      '13:01:02',
      '.345',
      ' UTC',
      ': ',
      ' host ',
      'tag[1]: ',
      '%ASA-4-106023: ',
      '[a b="\\]"]',
      '- ',
      '\ufeff',
      '\n',
      '\0',
    );
    const text = fc.oneof(
      fc.array(piece, { maxLength: 12 }).map((a) => a.join('')),
      fc.string({ maxLength: 200 }),
      fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a).toString('utf8')),
    );
    fc.assert(
      fc.property(text, fc.boolean(), (t, asBuffer) => {
        const p = parseSyslog(asBuffer ? Buffer.from(t, 'utf8') : t);
        const decoded = asBuffer ? Buffer.from(t, 'utf8').toString('utf8') : t;
        expect(decoded.endsWith(p.msg)).toBe(true);
        if (p.format === 'bare') expect(p.msg).toBe(decoded);
      }),
      { numRuns: 3000 },
    );
  });

  it('a long hostile line is read (no backtracking blow-up: the test timeout is the bound)', () => {
    const hostile = '<13>' + 'Mar  1 '.repeat(20_000) + '1'.repeat(50_000) + ': '.repeat(20_000);
    expect(hostile.endsWith(parseSyslog(hostile).msg)).toBe(true);
  });
});

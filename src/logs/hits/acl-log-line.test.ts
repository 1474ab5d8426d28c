import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAclLogLine } from './acl-log-line.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures/acl-log');

function fixtureLines(): { file: string; line: string }[] {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.log'))
    .sort()
    .flatMap((file) =>
      readFileSync(path.join(FIXTURES, file), 'utf8')
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => ({ file, line })),
    );
}

function lineWith(fragment: string): string {
  const found = fixtureLines().filter((l) => l.line.includes(fragment));
  expect(found, fragment).toHaveLength(1);
  return found[0]!.line;
}

// The message ids of ACL hit lines, written from the fixtures (not from the parser).
const ACL_ID =
  /%(SEC-6-IPACCESSLOG(P|DP|NP|RP|SP|S)|FMANFP-6-IP(V6)?ACCESSLOG(P|DP)|IPV6_ACL-6-ACCESSLOGSP|IPV6-6-ACCESSLOGP|ACL-IPV4_ACL-6-IPACCESSLOGP ?|(ASA|FTD)(-session)?-\d-(106001|106006|106007|106010|106014|106015|106023|106100|710003)):/;
// ACL lines that name hosts by DNS name: nothing to attribute to an address entry.
const NAMED_HOSTS = ['myComputer1.myDomain.se', 'somedomainname.local'];

describe('parseAclLogLine on real lines', () => {
  it('parses every real ACL line and nothing else', () => {
    const lines = fixtureLines();
    let parsed = 0;
    for (const { file, line } of lines) {
      const expected = ACL_ID.test(line) && !NAMED_HOSTS.some((h) => line.includes(h));
      const got = parseAclLogLine(line);
      expect(got !== null, `${file}: ${line}`).toBe(expected);
      if (got) {
        parsed++;
        expect(got.count).toBeGreaterThanOrEqual(1);
        expect(got.src.length).toBeGreaterThan(0);
      }
    }
    expect(parsed).toBeGreaterThanOrEqual(70);
    expect(lines.length - parsed).toBeGreaterThanOrEqual(30);
  });

  it.each([
    [
      '%SEC-6-IPACCESSLOGP: list 150 denied tcp 192.168.100.12(59832)',
      {
        id: 'SEC-6-IPACCESSLOGP',
        action: 'denied',
        protocol: 'tcp',
        src: '192.168.100.12',
        srcPort: 59832,
        dst: '81.2.69.144',
        dstPort: 80,
        acl: '150',
        count: 1,
      },
    ],
    [
      'list 150 denied icmp 192.168.100.12 -> 192.168.100.1 (3/3), 32 packets',
      {
        id: 'SEC-6-IPACCESSLOGDP',
        action: 'denied',
        protocol: 'icmp',
        src: '192.168.100.12',
        dst: '192.168.100.1',
        acl: '150',
        count: 32,
      },
    ],
    [
      'IPACCESSLOGNP: list 171',
      {
        id: 'SEC-6-IPACCESSLOGNP',
        action: 'denied',
        protocol: '0',
        src: '192.168.100.1',
        dst: '255.255.255.255',
        acl: '171',
        count: 1,
      },
    ],
    [
      'IPACCESSLOGSP: list INBOUND-ON-F11',
      {
        id: 'SEC-6-IPACCESSLOGSP',
        action: 'denied',
        protocol: 'igmp',
        src: '192.168.100.2',
        dst: '224.0.0.2',
        acl: 'INBOUND-ON-F11',
        count: 1,
      },
    ],
    [
      'list MNGMNT denied 120.62.186.12 1 packet',
      {
        id: 'SEC-6-IPACCESSLOGS',
        action: 'denied',
        protocol: 'ip',
        src: '120.62.186.12',
        dst: '',
        acl: 'MNGMNT',
        count: 1,
      },
    ],
    [
      'list ACL_TEST-allowed/40 denied ipv6 ::',
      {
        id: 'IPV6_ACL-6-ACCESSLOGSP',
        action: 'denied',
        protocol: 'ipv6',
        src: '::',
        dst: '2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6',
        acl: 'ACL_TEST-allowed/40',
        count: 6,
      },
    ],
    [
      'list internet_in_gig0 denied udp 10.100.8.34(1985)',
      {
        id: 'FMANFP-6-IPACCESSLOGP',
        action: 'denied',
        protocol: 'udp',
        src: '10.100.8.34',
        srcPort: 1985,
        dst: '172.16.0.26',
        dstPort: 1985,
        acl: 'internet_in_gig0',
        count: 342,
      },
    ],
    [
      '00-00-5E-00-53-23 198.51.100.10(56279)',
      {
        id: 'FMANFP-6-IPACCESSLOGP',
        action: 'denied',
        protocol: 'tcp',
        src: '198.51.100.10',
        srcPort: 56279,
        dst: '203.0.113.20',
        dstPort: 45240,
        acl: 'acl_Te0-1-1_in',
        count: 1,
      },
    ],
    [
      'ACL-IPv6-OUTSIDE-2-AS51871 denied udp',
      {
        id: 'FMANFP-6-IPV6ACCESSLOGP',
        action: 'denied',
        protocol: 'udp',
        src: '2a02:cf40::',
        srcPort: 38370,
        dst: '2a02:cf41::',
        dstPort: 3370,
        acl: 'ACL-IPv6-OUTSIDE-2-AS51871',
        count: 1,
      },
    ],
    [
      'access-list outgoing-to-VCS-GW deny tcp',
      {
        id: 'ACL-IPV4_ACL-6-IPACCESSLOGP',
        action: 'denied',
        protocol: 'tcp',
        src: '89.160.20.128',
        srcPort: 39527,
        dst: '89.160.20.128',
        dstPort: 1830,
        acl: 'outgoing-to-VCS-GW',
        count: 1,
      },
    ],
    [
      'Deny tcp src outside:100.66.19.254/80',
      {
        id: 'ASA-4-106023',
        action: 'denied',
        protocol: 'tcp',
        src: '100.66.19.254',
        srcPort: 80,
        dst: '172.31.98.44',
        dstPort: 8277,
        acl: 'inbound',
        count: 1,
      },
    ],
    [
      'Deny protocol 47 src outside:81.2.69.144',
      {
        id: 'ASA-4-106023',
        action: 'denied',
        protocol: '47',
        src: '81.2.69.144',
        dst: '172.31.98.44',
        acl: 'inbound',
        count: 1,
      },
    ],
    [
      'Deny icmp src OUTSIDE:2a02',
      {
        id: 'ASA-4-106023',
        action: 'denied',
        protocol: 'icmp',
        src: '2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6',
        dst: '2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6',
        acl: 'OUTSIDE_in',
        count: 1,
      },
    ],
    [
      'src v1:outside:10.8.1.9 dst v2:inside:172.16.1.3/53',
      {
        id: 'ASA-4-106023',
        action: 'denied',
        protocol: 'udp',
        src: '10.8.1.9',
        dst: '172.16.1.3',
        dstPort: 53,
        acl: 'outside_acl',
        count: 1,
      },
    ],
    [
      '51635(testhostname.domain)',
      {
        id: 'ASA-4-106023',
        action: 'denied',
        protocol: 'tcp',
        src: '10.10.10.2',
        srcPort: 56444,
        dst: '192.168.2.2',
        dstPort: 51635,
        acl: 'global_access_1',
        count: 1,
      },
    ],
    [
      'hit-cnt 144 300-second interval',
      {
        id: 'ASA-6-106100',
        action: 'permitted',
        protocol: 'udp',
        src: '172.29.2.3',
        srcPort: 1065,
        dst: '192.168.2.57',
        dstPort: 53,
        acl: 'inside',
        count: 144,
      },
    ],
    [
      'access-list inside denied udp inside/172.29.2.101(1039)',
      {
        id: 'ASA-6-106100',
        action: 'denied',
        protocol: 'udp',
        src: '172.29.2.101',
        srcPort: 1039,
        dst: '192.168.2.10',
        dstPort: 53,
        acl: 'inside',
        count: 1,
      },
    ],
    [
      'est-allowed tcp inside/10.0.0.46(49840)',
      {
        id: 'ASA-5-106100',
        action: 'permitted',
        protocol: 'tcp',
        src: '10.0.0.46',
        srcPort: 49840,
        dst: '192.168.0.88',
        dstPort: 40443,
        acl: 'acl_in',
        count: 1,
      },
    ],
    [
      'message repeated 2 times',
      {
        id: 'ASA-2-106006',
        action: 'denied',
        protocol: 'udp',
        src: '192.168.2.66',
        srcPort: 137,
        dst: '10.1.2.42',
        dstPort: 137,
        count: 2,
      },
    ],
    [
      'to 10.1.2.60/53 due to DNS Query',
      {
        id: 'ASA-2-106007',
        action: 'denied',
        protocol: 'udp',
        src: '192.168.0.66',
        srcPort: 12981,
        dst: '10.1.2.60',
        dstPort: 53,
        count: 1,
      },
    ],
    [
      'dst fw111:10.10.10.10(type 8, code 0)',
      { id: 'ASA-3-106014', action: 'denied', protocol: 'icmp', src: '10.10.10.10', dst: '10.10.10.10', count: 1 },
    ],
    [
      'Deny inbound protocol 103',
      { id: 'ASA-3-106010', action: 'denied', protocol: '103', src: '172.31.98.44', dst: '192.168.2.2', count: 1 },
    ],
    [
      'Inbound TCP connection denied from 192.168.2.2/43803',
      {
        id: 'ASA-2-106001',
        action: 'denied',
        protocol: 'tcp',
        src: '192.168.2.2',
        srcPort: 43803,
        dst: '10.10.10.10',
        dstPort: 14322,
        count: 1,
      },
    ],
    [
      'TCP access denied by ACL',
      {
        id: 'ASA-3-710003',
        action: 'denied',
        protocol: 'tcp',
        src: '81.2.69.144',
        srcPort: 6370,
        dst: '192.168.157.61',
        dstPort: 23,
        count: 1,
      },
    ],
  ])('%s', (fragment, expected) => {
    expect(parseAclLogLine(lineWith(fragment))).toEqual(expected);
  });

  it('gives null for the rate-limit summary, spoofing and reverse-path drops, and other messages', () => {
    for (const fragment of [
      'missed 18 packets',
      'Deny IP spoof',
      'reverse path check',
      'IP options',
      '%SYS-5-CONFIG_I: Configured from console by vty0',
    ]) {
      expect(parseAclLogLine(lineWith(fragment)), fragment).toBeNull();
    }
  });
});

describe('parseAclLogLine on hostile text', () => {
  const base =
    '%ASA-4-106023: Deny tcp src outside:192.0.2.1/80 dst inside:198.51.100.7/443 by access-group "in" [0x0, 0x0]';

  it('finds the marker anywhere and normalises IPv6 text', () => {
    expect(parseAclLogLine(`garbage % %% %SEC- ${base}`)?.src).toBe('192.0.2.1');
    const v6 = parseAclLogLine(
      '%IPV6_ACL-6-ACCESSLOGP: list X/10 permitted tcp 2003:51:6012:110::B15:22(60892) -> ::(22), 1 packet',
    );
    expect(v6).toMatchObject({ src: '2003:51:6012:110::b15:22', dst: '::', dstPort: 22, action: 'permitted' });
  });

  it.each([
    ['a port beyond 65535', base.replace('/443', '/65536')],
    ['an octet with a leading zero', base.replace('192.0.2.1', '192.0.02.1')],
    ['an address out of range', base.replace('192.0.2.1', '192.0.2.256')],
    ['an IPv6 zone id', '%IPV6_ACL-6-ACCESSLOGP: list X permitted tcp fe80::1%eth0(1) -> ::(22), 1 packet'],
    ['a zero count', '%SEC-6-IPACCESSLOGP: list 1 denied tcp 192.0.2.1(1) -> 192.0.2.2(2), 0 packets'],
    [
      'a count beyond a billion',
      '%SEC-6-IPACCESSLOGP: list 1 denied tcp 192.0.2.1(1) -> 192.0.2.2(2), 99999999999 packets',
    ],
    ['an unknown verb', '%SEC-6-IPACCESSLOGP: list 1 dropped tcp 192.0.2.1(1) -> 192.0.2.2(2), 1 packet'],
    [
      'an ACL name with control characters',
      '%SEC-6-IPACCESSLOGP: list a\u0007b denied tcp 192.0.2.1(1) -> 192.0.2.2(2), 1 packet',
    ],
    ['a marker after 4096 characters', `${'x'.repeat(5000)}${base}`],
  ])('refuses %s', (_what, text) => {
    expect(parseAclLogLine(text)).toBeNull();
  });

  it('stays null, quickly, on long hostile strings (bounded work)', () => {
    const hostile = [
      '%ASA-4-106023: Deny tcp src ' + 'a:'.repeat(500_000),
      '%SEC-6-IPACCESSLOGP: list ' + 'x '.repeat(500_000),
      '%ASA-6-106100: access-list a permitted tcp ' + 'i/'.repeat(500_000),
      ('%ASA-4-106023: ' + ' '.repeat(100)).repeat(20_000),
      '%'.repeat(1_000_000),
    ];
    for (const text of hostile) expect(parseAclLogLine(text)).toBeNull();
  });

  it('never throws on arbitrary text around a marker', () => {
    const markers = [
      '%SEC-6-IPACCESSLOGP: list ',
      '%ASA-4-106023: Deny ',
      '%ASA-6-106100: access-list ',
      '%IPV6_ACL-6-ACCESSLOGS: list ',
    ];
    fc.assert(
      fc.property(fc.string(), fc.constantFrom(...markers), fc.string({ maxLength: 300 }), (before, marker, after) => {
        const got = parseAclLogLine(before + marker + after);
        if (got !== null) expect(got.count).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 2000 },
    );
  });
});

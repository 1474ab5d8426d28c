// Deterministic RPZ zones for the NSD harness and the policy tests: zone file text plus the prefixes a correct
// decoder must find in it (as CIDR strings), so tests check the decoded set, not just counts.
import { createRandom } from '../../src/lab/demo/policy-feed.js';
import { formatIpv4Address, formatIpv6Address } from '../../src/cidr/index.js';
import { encodeRpzIpOwner } from '../../src/policy/index.js';

export interface GeneratedZone {
  readonly name: string;
  readonly serial: number;
  readonly text: string;
  /** The CIDRs the zone's records carry (duplicates possible). */
  readonly expected: readonly string[];
}

/** The zone file: SOA, one apex NS, then the body lines (owners relative to the origin). */
export function zoneFileText(name: string, serial: number, body: readonly string[]): string {
  return [
    `$ORIGIN ${name}.`,
    '$TTL 300',
    `@ IN SOA ns1.${name}. hostmaster.${name}. ${serial} 3600 600 86400 60`,
    `@ IN NS ns1.${name}.`,
    ...body,
    '',
  ].join('\n');
}

/** A random prefix: ~85% IPv4 /32 hosts, the rest /8-/31, a share of IPv6 (/128, /64, /48, /56); host bits clear. */
export function randomCidr(rand: () => number, v6Share: number): string {
  const word = (): number => Math.floor(rand() * 2 ** 32) >>> 0;
  if (rand() < v6Share) {
    const lens = [128, 64, 48, 56];
    const len = lens[Math.floor(rand() * lens.length)]!;
    const w = [0x20010db8, word(), word(), word()].map((v, k) => {
      const bits = Math.min(32, Math.max(0, len - 32 * k));
      return bits === 0 ? 0 : bits === 32 ? v : (v & ~((1 << (32 - bits)) - 1)) >>> 0;
    });
    return `${formatIpv6Address(w[0]!, w[1]!, w[2]!, w[3]!)}/${len}`;
  }
  const len = rand() < 0.85 ? 32 : 8 + Math.floor(rand() * 24);
  const mask = len === 32 ? 0xffffffff : ~((1 << (32 - len)) - 1) >>> 0;
  // Keep clear of 0.0.0.0/8 so a /8 never starts at 0.
  const addr = ((word() & mask) >>> 0) | 0x01000000;
  return `${formatIpv4Address((addr & mask) >>> 0)}/${len}`;
}

/** `count` rpz-ip triggers (`CNAME .`, a few `CNAME *.` and `CNAME rpz-drop.`). */
export function generateRpzZone(
  name: string,
  serial: number,
  count: number,
  seed: number,
  v6Share = 0.1,
): GeneratedZone {
  const rand = createRandom(seed);
  const seen = new Set<string>();
  const body: string[] = [];
  const expected: string[] = [];
  while (expected.length < count) {
    const cidr = randomCidr(rand, v6Share);
    if (seen.has(cidr)) continue; // an owner holds one CNAME: a zone cannot list a trigger twice
    seen.add(cidr);
    const r = rand();
    const action = r < 0.9 ? '.' : r < 0.95 ? '*.' : 'rpz-drop.';
    body.push(`${encodeRpzIpOwner(cidr)} CNAME ${action}`);
    expected.push(cidr);
  }
  return { name, serial, text: zoneFileText(name, serial, body), expected };
}

export function fixedRpzZone(name: string, serial: number, cidrs: readonly string[]): GeneratedZone {
  const body = cidrs.map((c) => `${encodeRpzIpOwner(c)} CNAME .`);
  return { name, serial, text: zoneFileText(name, serial, body), expected: cidrs };
}

/** Records a decoder must count and skip with a reason, beside a few good ones. */
export function oddZone(name: string, serial: number): GeneratedZone & { skipped: Record<string, number> } {
  const body = [
    '32.1.2.0.192.rpz-ip CNAME .',
    '24.0.100.51.198.rpz-ip CNAME rpz-passthru.',
    '48.zz.db8.2001.rpz-ip CNAME .',
    // one trigger, three RRs of local data: one prefix
    '32.9.2.0.192.rpz-ip A 10.0.0.1',
    '32.9.2.0.192.rpz-ip A 10.0.0.2',
    '32.9.2.0.192.rpz-ip TXT "local data"',
    // plain address records: one host each
    'host1 A 203.0.113.7',
    'host2 AAAA 2001:db8:0:1::7',
    // other RPZ trigger kinds
    'ns.evil.example.rpz-nsdname CNAME .',
    '32.53.0.0.10.rpz-nsip CNAME .',
    '32.7.0.0.10.rpz-client-ip CNAME rpz-drop.',
    // QNAME triggers
    'evil.example CNAME .',
    '*.evil.example CNAME *.',
    'info TXT "not an address"',
    'mail MX 10 host1',
    // a delegation: its NS is in the transfer, and a query below it gets a non-authoritative referral
    'sub NS ns.elsewhere.example.',
    // bad rpz-ip owners
    '33.1.2.0.192.rpz-ip CNAME .',
    '24.1.2.0.192.rpz-ip CNAME .',
    '32.1.2.0.256.rpz-ip CNAME .',
    '032.1.2.0.192.rpz-ip CNAME .',
    '0.0.0.0.0.rpz-ip CNAME .',
    '64.zz.1.zz.rpz-ip CNAME .',
    '128.1.2.3.4.5.6.7.8.9.rpz-ip CNAME .',
    '32.1.2.0.rpz-ip CNAME .',
  ];
  return {
    name,
    serial,
    text: zoneFileText(name, serial, body),
    expected: [
      '192.0.2.1/32',
      '198.51.100.0/24',
      '2001:db8::/48',
      '192.0.2.9/32',
      '203.0.113.7/32',
      '2001:db8:0:1::7/128',
    ],
    skipped: {
      ns: 2,
      'rpz-nsdname': 1,
      'rpz-nsip': 1,
      'rpz-client-ip': 1,
      'qname-trigger': 2,
      txt: 1,
      'type-15': 1,
      'bad-rpz-ip': 8,
    },
  };
}

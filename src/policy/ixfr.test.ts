// The IXFR sequence walk on hand-built reply messages: good chains give exactly the zone a full decode of the final
// record set gives (property-tested over random histories with shared prefixes), and every broken chain, odd reply
// or impossible deletion ends in IxfrFallback, never in a wrong set.
import dnsPacket from 'dns-packet';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashPrefixes, prefixesToStrings } from '../cidr/index.js';
import { buildQuery } from './axfr.js';
import { IxfrFallback, IxfrWalk } from './ixfr.js';
import type { IxfrOutcome } from './ixfr.js';
import { encodeRpzIpOwner } from './rpz-ip.js';
import { readHeader, walkAnswers, WireName } from './wire-walk.js';
import { CountingRecordDecoder } from './zone-tally.js';
import type { CountedZone } from './zone-tally.js';

const Z = 'ix.test';
const ID = 4242;
type Rr = dnsPacket.Answer;

const soa = (serial: number): Rr => ({
  type: 'SOA',
  name: Z,
  ttl: 300,
  data: { mname: `ns1.${Z}`, rname: `h.${Z}`, serial, refresh: 3600, retry: 600, expire: 86400, minimum: 60 },
});
const trigger = (cidr: string, target = '.'): Rr => ({
  type: 'CNAME',
  name: `${encodeRpzIpOwner(cidr)}.${Z}`,
  ttl: 300,
  data: target,
});
const a = (owner: string, ip: string): Rr => ({ type: 'A', name: `${owner}.${Z}`, ttl: 300, data: ip });

/** Every kind of record a zone may hold, with prefixes shared between records (the multiset cases). */
const POOL: readonly Rr[] = [
  trigger('192.0.2.0/24'),
  trigger('198.51.100.7/32', '*.'),
  trigger('203.0.113.128/25', 'rpz-drop.'),
  trigger('2001:db8::/48'),
  trigger('2001:db8::1/128'),
  a('32.9.2.0.192.rpz-ip', '10.0.0.1'), // one owner, two RRs: one prefix 192.0.2.9/32
  a('32.9.2.0.192.rpz-ip', '10.0.0.2'),
  { type: 'TXT', name: `32.9.2.0.192.rpz-ip.${Z}`, ttl: 300, data: 'local data' },
  a('host1', '198.51.100.7'), // the same host as a trigger above
  a('host2', '198.51.100.7'),
  { type: 'AAAA', name: `host3.${Z}`, ttl: 300, data: '2001:db8::1' },
  { type: 'NS', name: Z, ttl: 300, data: `ns1.${Z}` },
  { type: 'NS', name: `sub.${Z}`, ttl: 300, data: 'ns.elsewhere.example' },
  { type: 'CNAME', name: `evil.example.${Z}`, ttl: 300, data: '.' },
  { type: 'TXT', name: `info.${Z}`, ttl: 300, data: 'x' },
  { type: 'CNAME', name: `33.1.2.0.192.rpz-ip.${Z}`, ttl: 300, data: '.' },
  { type: 'A', name: `32.1.2.0.192.rpz-ip.${Z}`, class: 'CH', ttl: 300, data: '10.0.0.9' },
  { type: 'A', name: 'other.example', ttl: 300, data: '192.0.2.77' },
];

function message(answers: readonly Rr[], opts: { id?: number; rcode?: number } = {}): Buffer {
  return dnsPacket.encode({
    type: 'response',
    id: opts.id ?? ID,
    flags: dnsPacket.AUTHORITATIVE_ANSWER | (opts.rcode ?? 0),
    questions: [{ type: 'IXFR', name: Z }],
    answers: [...answers],
  });
}

/** What a full transfer of `records` at `serial` gives. */
function fullDecode(records: readonly Rr[], serial: number): CountedZone {
  const decoder = new CountingRecordDecoder(Z);
  const msg = message(records);
  walkAnswers(msg, readHeader(msg), new WireName(), (n, t, b, r, l, c) => decoder.add(n, t, b, r, l, c));
  const z = decoder.finish();
  return { ...z, serial, sha256: hashPrefixes(z.list), counts: decoder.counts(z.list) };
}

/** Comparable view: list text, counts as plain arrays (null = one each), figures. */
function view(z: CountedZone) {
  const ones = (c: Uint32Array | null, n: number): number[] => (c ? [...c] : new Array<number>(n).fill(1));
  return {
    list: prefixesToStrings(z.list),
    counts: [...ones(z.counts.v4, z.list.v4.len.length), ...ones(z.counts.v6, z.list.v6.len.length)],
    records: z.records,
    decoded: z.decoded,
    skipped: z.skipped,
    serial: z.serial,
    sha256: z.sha256,
  };
}

/** The reply messages of an IXFR from base serial 100 through `states`, split into messages of `per` records. */
function ixfrReply(states: ReadonlyArray<readonly number[]>, per: number): Buffer[] {
  const last = 100 + states.length - 1;
  const rrs: Rr[] = [soa(last)];
  for (let i = 1; i < states.length; i++) {
    const before = new Set(states[i - 1]);
    const after = new Set(states[i]);
    rrs.push(soa(99 + i), ...[...before].filter((k) => !after.has(k)).map((k) => POOL[k]!));
    rrs.push(soa(100 + i), ...[...after].filter((k) => !before.has(k)).map((k) => POOL[k]!));
  }
  rrs.push(soa(last));
  const out: Buffer[] = [];
  for (let i = 0; i < rrs.length; i += per) out.push(message(rrs.slice(i, i + per)));
  return out;
}

function run(base: CountedZone, expected: number, msgs: readonly Buffer[]): IxfrOutcome {
  const walk = new IxfrWalk(Z, ID, base, expected);
  for (const m of msgs) if (walk.onMessage(m)) return walk.result();
  return walk.result();
}

const pick = (keys: readonly number[]): Rr[] => keys.map((k) => POOL[k]!);
const BASE_KEYS = [0, 1, 3, 5, 6, 7, 8, 11, 13];

describe('IXFR sequence walk', () => {
  it('applies random histories exactly as a full decode of the final zone', () => {
    const state = fc.uniqueArray(fc.nat(POOL.length - 1), { maxLength: POOL.length });
    fc.assert(
      fc.property(fc.array(state, { minLength: 2, maxLength: 5 }), fc.integer({ min: 1, max: 7 }), (states, per) => {
        const base = fullDecode(pick(states[0]!), 100);
        const last = 100 + states.length - 1;
        const r = run(base, last, ixfrReply(states, per));
        expect(r.kind).toBe('updated');
        if (r.kind !== 'updated') return;
        expect(view(r.zone)).toEqual(view(fullDecode(pick(states[states.length - 1]!), last)));
        expect(r.sequences).toBe(states.length - 1);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps a prefix while another record still gives it, and drops it with the last one', () => {
    const base = fullDecode(pick(BASE_KEYS), 100);
    const one = run(base, 101, ixfrReply([BASE_KEYS, BASE_KEYS.filter((k) => k !== 5)], 3));
    expect(one.kind === 'updated' && prefixesToStrings(one.zone.list)).toContain('192.0.2.9/32');
    const both = run(base, 101, ixfrReply([BASE_KEYS, BASE_KEYS.filter((k) => k < 5 || k > 7)], 3));
    expect(both.kind === 'updated' && prefixesToStrings(both.zone.list)).not.toContain('192.0.2.9/32');
    expect(both.kind === 'updated' && both.removed).toBe(3);
  });

  it('merges long untouched runs of a large zone, and counts appear where a prefix gains a second record', () => {
    const host = (i: number): string => `10.${(i >> 8) & 255}.${i & 255}.1/32`;
    const before = Array.from({ length: 3000 }, (_, i) => trigger(host(i)));
    const removed = before.filter((_, i) => i % 97 === 5);
    const added = [
      ...Array.from({ length: 40 }, (_, i) => trigger(host(5000 + i * 13))),
      ...Array.from({ length: 10 }, (_, i) => a(`h${i}`, host(i * 211 + 1).slice(0, -3))),
    ];
    const after = [...before.filter((r) => !removed.includes(r)), ...added];
    const r = run(fullDecode(before, 100), 101, [
      message([soa(101), soa(100), ...removed, soa(101)]),
      message([...added, soa(101)]),
    ]);
    expect(r.kind === 'updated' && view(r.zone)).toEqual(view(fullDecode(after, 101)));
    expect(r.kind === 'updated' && r.zone.counts.v4?.filter((c) => c === 2).length).toBe(10);
  });

  it('is current when the reply is only the cached serial', () => {
    expect(run(fullDecode(pick(BASE_KEYS), 100), 100, [message([soa(100)])])).toEqual({ kind: 'current' });
  });

  const base = fullDecode(pick(BASE_KEYS), 100);
  const broken: Array<[string, number, Rr[], RegExp]> = [
    ['a gap in the chain', 102, [soa(102), soa(100), soa(101), soa(99), soa(102), soa(102)], /gap/],
    ['a chain ending short of the current serial', 102, [soa(102), soa(100), soa(101), soa(102)], /end at serial 101/],
    ['a chain from another serial', 102, [soa(102), soa(99), soa(102), soa(102)], /start at serial 99/],
    ['a current serial other than the SOA query said', 101, [soa(102), soa(100), soa(102), soa(102)], /leads to/],
    ['a deletion of an absent prefix', 101, [soa(101), soa(100), trigger('10.9.9.0/24'), soa(101), soa(101)], /cache/],
    ['a deletion of an absent skipped record', 101, [soa(101), soa(100), pick([14])[0]!, soa(101), soa(101)], /txt/],
    ['a second deletion of the last record', 101, [soa(101), soa(100), ...pick([0, 0]), soa(101), soa(101)], /cache/],
    [
      'a deletion of an absent prefix that a later sequence adds',
      102,
      [soa(102), soa(100), trigger('10.9.9.0/24'), soa(101), soa(101), soa(102), trigger('10.9.9.0/24'), soa(102)],
      /10\.9\.9\.0\/24/,
    ],
    ['an AXFR-style reply', 101, [soa(101), ...pick([0, 11]), soa(101)], /AXFR-style/],
    ['an empty zone in AXFR style', 101, [soa(101), soa(101)], /AXFR-style/],
    ['records after the final SOA', 101, [soa(101), soa(100), soa(101), soa(101), ...pick([0])], /after the final/],
    ['no SOA first', 101, [...pick([0]), soa(101)], /start with the zone SOA/],
    ['a server serial older than the cache', 99, [soa(99)], /older/],
  ];
  for (const [what, expected, rrs, reason] of broken) {
    it(`falls back on ${what}`, () => {
      expect(() => run(base, expected, [message(rrs)])).toThrow(IxfrFallback);
      expect(() => run(base, expected, [message(rrs)])).toThrow(reason);
    });
  }

  it('falls back on an error rcode, a foreign id, a reply ending early and an empty answer', () => {
    for (const [rcode, name] of [
      [1, 'FORMERR'],
      [4, 'NOTIMP'],
      [5, 'REFUSED'],
    ] as const) {
      expect(() => run(base, 101, [message([], { rcode })])).toThrow(name);
    }
    expect(() => run(base, 101, [message([soa(101)], { id: 7 })])).toThrow(/foreign id/);
    expect(() => run(base, 101, [message([soa(101), soa(100)])])).toThrow(/ended before the final SOA/);
    expect(() => run(base, 101, [message([])])).toThrow(/without the zone SOA/);
  });

  it('falls back on a malformed message', () => {
    const m = message([soa(101), soa(100), soa(101), soa(101)]);
    expect(() => run(base, 101, [m.subarray(0, m.length - 3)])).toThrow(/malformed/);
  });
});

describe('IXFR query', () => {
  it('carries the zone and the cached serial in the SOA of its authority section', () => {
    const q = buildQuery(0xbeef, 'rpz.Example.org', 'IXFR', 4_000_000_000);
    expect(q.readUInt16BE(0)).toBe(q.length - 2);
    const p = dnsPacket.decode(q.subarray(2));
    expect(p.id).toBe(0xbeef);
    expect(p.flags).toBe(0);
    expect(p.questions).toEqual([{ type: 'IXFR', name: 'rpz.Example.org', class: 'IN' }]);
    const soa = p.authorities?.[0];
    expect(soa?.type === 'SOA' && { name: soa.name, serial: soa.data.serial }).toEqual({
      name: 'rpz.Example.org',
      serial: 4_000_000_000,
    });
  });
});

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EMPTY_PREFIXES, makePrefixList, PrefixListBuilder } from './builder.js';
import { formatPrefixes } from './format.js';
import { aggregate, intersect, KERNEL_AGGREGATE_MIN, subtract, union } from './set-ops.js';
import { isCanonicalV4 } from './canonical.js';
import { createRng } from '../../test/helpers/rng.js';
import { prefixesFromStrings } from './strings.js';
import type { PrefixList } from './types.js';
import { validatePrefixList } from './validate.js';

const p = (...s: string[]): PrefixList => prefixesFromStrings(s);
const f = (list: PrefixList): string[] => formatPrefixes(list);

describe('aggregate', () => {
  it.each([
    [['10.0.0.0/8', '11.0.0.0/8'], ['10.0.0.0/7']],
    [
      ['11.0.0.0/8', '12.0.0.0/8'],
      ['11.0.0.0/8', '12.0.0.0/8'],
    ], // adjacent across a /7 boundary: no merge
    [
      ['10.255.255.255', '11.0.0.0'],
      ['10.255.255.255/32', '11.0.0.0/32'],
    ],
    [
      ['10.255.255.254/31', '11.0.0.0/31'],
      ['10.255.255.254/31', '11.0.0.0/31'],
    ],
    [['0.0.0.0/1', '128.0.0.0/1'], ['0.0.0.0/0']],
    [['0.0.0.0/0', '10.0.0.0/8', '255.255.255.255'], ['0.0.0.0/0']],
    [['255.255.255.254', '255.255.255.255'], ['255.255.255.254/31']],
    [['10.0.0.0/8', '10.1.0.0/16', '10.1.2.3'], ['10.0.0.0/8']],
    [['192.0.2.0/25', '192.0.2.128/26', '192.0.2.192/26'], ['192.0.2.0/24']],
    [
      ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4'],
      ['192.0.2.1/32', '192.0.2.2/31', '192.0.2.4/32'],
    ],
    [['::/1', '8000::/1'], ['::/0']],
    [['::', '::1'], ['::/127']],
    [['2001:db8::/33', '2001:db8:8000::/33', '2001:db8::1'], ['2001:db8::/32']],
    [
      ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
      ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127'],
    ],
    [
      ['::ffff:10.0.0.0/104', '10.0.0.0/8'],
      ['10.0.0.0/8', '::ffff:10.0.0.0/104'],
    ], // families stay apart
  ])('%j -> %j', (input, expected) => {
    expect(f(aggregate(p(...input)))).toEqual(expected);
  });

  it('handles empty lists', () => {
    expect(f(aggregate(EMPTY_PREFIXES))).toEqual([]);
    expect(f(union(EMPTY_PREFIXES, EMPTY_PREFIXES))).toEqual([]);
  });
});

describe('subtract / intersect / union', () => {
  it('subtracts', () => {
    expect(f(subtract(p('10.0.0.0/8'), p('10.0.0.0/9')))).toEqual(['10.128.0.0/9']);
    expect(f(subtract(p('0.0.0.0/0'), p('0.0.0.0/0')))).toEqual([]);
    expect(f(subtract(p('0.0.0.0/0'), p('128.0.0.0/1')))).toEqual(['0.0.0.0/1']);
    expect(f(subtract(p('192.0.2.0/24'), p('192.0.2.0/32', '192.0.2.255')))).toEqual([
      '192.0.2.1/32',
      '192.0.2.2/31',
      '192.0.2.4/30',
      '192.0.2.8/29',
      '192.0.2.16/28',
      '192.0.2.32/27',
      '192.0.2.64/26',
      '192.0.2.128/26',
      '192.0.2.192/27',
      '192.0.2.224/28',
      '192.0.2.240/29',
      '192.0.2.248/30',
      '192.0.2.252/31',
      '192.0.2.254/32',
    ]);
    expect(f(subtract(p('10.0.0.0/8', '2001:db8::/32'), p('2001:db8::/33')))).toEqual([
      '10.0.0.0/8',
      '2001:db8:8000::/33',
    ]);
    expect(f(subtract(p('::/0'), p('::/1')))).toEqual(['8000::/1']);
    // A single host out of the whole space leaves one prefix per bit.
    const v6 = f(subtract(p('::/0'), p('::1')));
    expect(v6.length).toBe(128);
    expect(v6[0]).toBe('::/128');
    expect(v6[127]).toBe('8000::/1');
    const v4 = f(subtract(p('0.0.0.0/0'), p('0.0.0.0', '255.255.255.255')));
    expect(v4.length).toBe(62);
    expect(v4[0]).toBe('0.0.0.1/32');
    expect(v4[61]).toBe('255.255.255.254/32');
  });

  it('intersects', () => {
    expect(f(intersect(p('10.0.0.0/8'), p('10.1.0.0/16', '11.0.0.0/8')))).toEqual(['10.1.0.0/16']);
    expect(f(intersect(p('10.0.0.0/8'), p('11.0.0.0/8')))).toEqual([]);
    expect(f(intersect(p('0.0.0.0/0', '::/0'), p('255.255.255.255', '::1')))).toEqual([
      '255.255.255.255/32',
      '::1/128',
    ]);
  });

  it('unites', () => {
    expect(f(union(p('10.0.0.0/8'), p('11.0.0.0/8', '::1')))).toEqual(['10.0.0.0/7', '::1/128']);
    expect(f(union(p('255.255.255.255'), p('0.0.0.0')))).toEqual(['0.0.0.0/32', '255.255.255.255/32']);
  });
});

// ---- property tests against a simple reference: elementary segments between all range boundaries ----------------

type Range = [bigint, bigint]; // [start, end)

function rangesOf(list: PrefixList): { v4: Range[]; v6: Range[] } {
  const v4: Range[] = [];
  for (let i = 0; i < list.v4.len.length; i++) {
    const s = BigInt(list.v4.addr[i]!);
    v4.push([s, s + (1n << BigInt(32 - list.v4.len[i]!))]);
  }
  const v6: Range[] = [];
  const w = list.v6.words;
  for (let i = 0; i < list.v6.len.length; i++) {
    const s =
      (BigInt(w[4 * i]!) << 96n) |
      (BigInt(w[4 * i + 1]!) << 64n) |
      (BigInt(w[4 * i + 2]!) << 32n) |
      BigInt(w[4 * i + 3]!);
    v6.push([s, s + (1n << BigInt(128 - list.v6.len[i]!))]);
  }
  return { v4, v6 };
}

/** The address set op(A, B) as sorted, merged ranges, computed by brute force over elementary segments. */
function referenceOp(a: Range[], b: Range[], op: (inA: boolean, inB: boolean) => boolean): Range[] {
  const points = [...new Set([...a, ...b].flat())].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  const out: Range[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const s = points[i]!;
    const e = points[i + 1]!;
    const inA = a.some(([x, y]) => x <= s && s < y);
    const inB = b.some(([x, y]) => x <= s && s < y);
    if (!op(inA, inB)) continue;
    const last = out[out.length - 1];
    if (last !== undefined && last[1] === s) last[1] = e;
    else out.push([s, e]);
  }
  return out;
}

/** Checks the result is an aggregated list: disjoint, and no two buddy prefixes (which would merge). */
function expectAggregated(ranges: Range[]): void {
  const keys = new Set(ranges.map(([s, e]) => `${s}/${e - s}`));
  for (let i = 0; i < ranges.length; i++) {
    const [s, e] = ranges[i]!;
    if (i > 0) expect(ranges[i - 1]![1] <= s).toBe(true);
    const size = e - s;
    expect(keys.has(`${s ^ size}/${size}`)).toBe(false);
  }
}

function merged(ranges: Range[]): Range[] {
  const out: Range[] = [];
  for (const [s, e] of ranges) {
    const last = out[out.length - 1];
    if (last !== undefined && last[1] === s) last[1] = e;
    else out.push([s, e]);
  }
  return out;
}

const v4Entry = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.tuple(fc.integer({ min: 0x0a000000, max: 0x0a0003ff }), fc.integer({ min: 21, max: 32 })),
  },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 })) },
  {
    weight: 1,
    arbitrary: fc.tuple(
      fc.constantFrom(0, 0xffffffff, 0x7fffffff, 0x80000000, 0x0affffff, 0x0b000000),
      fc.integer({ min: 0, max: 32 }),
    ),
  },
);
const v6Word = fc.constantFrom(0, 1, 0x20010db8, 0x80000000, 0xffffffff);
const v6Entry = fc.tuple(
  fc.tuple(v6Word, v6Word, v6Word, fc.oneof(v6Word, fc.integer({ min: 0, max: 63 }))),
  fc.oneof(fc.integer({ min: 120, max: 128 }), fc.integer({ min: 0, max: 128 })),
);
const listArb = fc
  .record({ v4: fc.array(v4Entry, { maxLength: 25 }), v6: fc.array(v6Entry, { maxLength: 8 }) })
  .map(({ v4, v6 }) => {
    const b = new PrefixListBuilder();
    for (const [a, l] of v4) b.addV4(a, l);
    for (const [[w0, w1, w2, w3], l] of v6) b.addV6(w0, w1, w2, w3, l);
    return b.build();
  });

function checkOp(result: PrefixList, a: PrefixList, b: PrefixList, op: (inA: boolean, inB: boolean) => boolean): void {
  expect(validatePrefixList(result)).toBeNull();
  const got = rangesOf(result);
  const ra = rangesOf(a);
  const rb = rangesOf(b);
  for (const fam of ['v4', 'v6'] as const) {
    expectAggregated(got[fam]);
    expect(merged(got[fam])).toEqual(referenceOp(ra[fam], rb[fam], op));
  }
}

describe('set operations match the reference', () => {
  it('aggregate preserves the address set and is minimal', () => {
    fc.assert(
      fc.property(listArb, (a) => checkOp(aggregate(a), a, EMPTY_PREFIXES, (x) => x)),
      { numRuns: 300 },
    );
  });
  it('union', () => {
    fc.assert(
      fc.property(listArb, listArb, (a, b) => checkOp(union(a, b), a, b, (x, y) => x || y)),
      { numRuns: 300 },
    );
  });
  it('subtract', () => {
    fc.assert(
      fc.property(listArb, listArb, (a, b) => checkOp(subtract(a, b), a, b, (x, y) => x && !y)),
      {
        numRuns: 300,
      },
    );
  });
  it('intersect', () => {
    fc.assert(
      fc.property(listArb, listArb, (a, b) => checkOp(intersect(a, b), a, b, (x, y) => x && y)),
      {
        numRuns: 300,
      },
    );
  });
  it('aggregate is idempotent and subtract(a, a) is empty', () => {
    fc.assert(
      fc.property(listArb, (a) => {
        const agg = aggregate(a);
        expect(f(aggregate(agg))).toEqual(f(agg));
        expect(f(subtract(a, a))).toEqual([]);
        expect(f(intersect(a, a))).toEqual(f(agg));
      }),
      { numRuns: 200 },
    );
  });
});

// A list 64 times longer than the other and aggregated is searched near the other's entries (set-ops nearOf):
// against the reference with and without the canonical mark, with the small list around the big one's entries.
describe('intersect of a long aggregated list with a short one', () => {
  const spread = fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 12, max: 32 }));
  const nearby = fc.tuple(fc.nat(), fc.integer({ min: -3, max: 3 }), fc.integer({ min: 0, max: 32 }));
  const pair = fc
    .tuple(fc.array(spread, { minLength: 300, maxLength: 600 }), fc.array(nearby, { maxLength: 4 }))
    .map(([big, small]) => {
      const b = new PrefixListBuilder();
      for (const [a, l] of big) b.addV4(a, l);
      const long = aggregate(b.build());
      const s = new PrefixListBuilder();
      for (const [i, shift, l] of small) {
        const at = long.v4.addr[i % long.v4.addr.length]! + shift * 4096;
        s.addV4(Math.min(0xffffffff, Math.max(0, at)), l);
      }
      return { long, short: s.build() };
    });

  it('matches the reference, either way round, marked or not', () => {
    fc.assert(
      fc.property(pair, ({ long, short }) => {
        const unmarked = makePrefixList(
          long.v4.addr.slice(),
          long.v4.len.slice(),
          new Uint32Array(0),
          new Uint8Array(0),
        );
        for (const big of [long, unmarked]) {
          checkOp(intersect(big, short), big, short, (x, y) => x && y);
          checkOp(intersect(short, big), short, big, (x, y) => x && y);
        }
      }),
      { numRuns: 120 },
    );
  });
});

// From KERNEL_AGGREGATE_MIN IPv4 entries aggregate runs in the WebAssembly kernel: its result must be the list the
// JavaScript path gives, here the union of the aggregates of pieces below the threshold.
describe('aggregate of a long list (the kernel path)', () => {
  function longList(seed: number, n: number, v6: number): PrefixList {
    const rng = createRng(seed);
    const b = new PrefixListBuilder();
    // n distinct prefixes: dense in 10.0.0.0/14 (overlaps, buddies), spread over the rest, lengths 8-32.
    const seen = new Set<number>();
    while (seen.size < n) {
      const len = 8 + Math.floor(rng() * 25);
      const raw = rng() < 0.7 ? 0x0a000000 + Math.floor(rng() * 0x40000) : Math.floor(rng() * 0x100000000);
      const addr = len === 32 ? raw : raw - (raw % 2 ** (32 - len));
      if (seen.has(addr * 64 + len)) continue;
      seen.add(addr * 64 + len);
      b.addV4(addr, len);
    }
    for (let i = 0; i < v6; i++) b.addV6(0x20010db8, Math.floor(rng() * 16), 0, 0, 32 + Math.floor(rng() * 97));
    return b.build();
  }

  /** The list in pieces below the threshold (the IPv6 entries with the first), each aggregated in JavaScript. */
  function byPieces(list: PrefixList): PrefixList {
    const { addr, len } = list.v4;
    const step = KERNEL_AGGREGATE_MIN - 1;
    let out = EMPTY_PREFIXES;
    for (let at = 0; at < len.length; at += step) {
      const v6 = at === 0 ? list.v6 : EMPTY_PREFIXES.v6;
      const piece = makePrefixList(addr.subarray(at, at + step), len.subarray(at, at + step), v6.words, v6.len);
      expect(piece.v4.len.length).toBeLessThan(KERNEL_AGGREGATE_MIN);
      out = union(out, aggregate(piece));
    }
    return out;
  }

  it.each([
    [1, 3 * KERNEL_AGGREGATE_MIN, 0],
    [2, KERNEL_AGGREGATE_MIN, 40],
    [3, 2 * KERNEL_AGGREGATE_MIN - 1, 5],
  ])('seed %i: %i IPv4 and %i IPv6 entries', (seed, n, v6) => {
    const list = longList(seed, n, v6);
    expect(list.v4.len.length).toBeGreaterThanOrEqual(KERNEL_AGGREGATE_MIN);
    const before = formatPrefixes(list);
    const got = aggregate(list);
    expect(validatePrefixList(got)).toBeNull();
    expect(isCanonicalV4(got.v4)).toBe(true);
    expect(formatPrefixes(got)).toEqual(formatPrefixes(byPieces(list)));
    // The dense part merges; the input is left as it was (the kernel works on a copy).
    expect(got.v4.len.length).toBeLessThan(list.v4.len.length);
    expect(formatPrefixes(list)).toEqual(before);
    expect(aggregate(got)).toBe(got);
  });
});

// IPv6 fast paths (word-wise intervals and range split, bucket pass and kernel sort, kernel writer) against a simple BigInt reference
// kept here: the code they replaced (128-bit intervals [start, end) as BigInt, the greedy split by bit length).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PrefixListBuilder } from './builder.js';
import { exactDifference, exactEquals, exactIntersection, exactUnion } from './exact-ops.js';
import { formatPrefixes } from './format.js';
import { splitRangeV6, type PrefixSink } from './range.js';
import { aggregate, intersect, subtract, union } from './set-ops.js';
import { sortUniqueV6 } from './sort-v6.js';
import { sortUniqueV6Range } from './v6-kernel.js';
import type { PrefixList } from './types.js';
import { validatePrefixList } from './validate.js';
import { writePrefixes } from './write.js';

// --- reference (BigInt) ------------------------------------------------------------------------------------------
type Interval = [bigint, bigint]; // [start, end)
type Prefix = [bigint, number];

const big = (w: ArrayLike<number>, o: number): bigint =>
  (BigInt(w[o]!) << 96n) | (BigInt(w[o + 1]!) << 64n) | (BigInt(w[o + 2]!) << 32n) | BigInt(w[o + 3]!);

function prefixesOf(list: PrefixList): Prefix[] {
  return Array.from(list.v6.len, (l, i) => [big(list.v6.words, 4 * i), l]);
}

function merged(prefixes: Prefix[]): Interval[] {
  const sorted = [...prefixes].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
  const out: Interval[] = [];
  for (const [s, l] of sorted) pushInterval(out, s, s + (1n << BigInt(128 - l)));
  return out;
}

function pushInterval(out: Interval[], s: bigint, e: bigint): void {
  const last = out[out.length - 1];
  if (last && s <= last[1]) {
    if (e > last[1]) last[1] = e;
  } else out.push([s, e]);
}

/** Addresses in a (op) b, as merged intervals: a sweep over every boundary. */
function combine(a: Interval[], b: Interval[], keep: (inA: boolean, inB: boolean) => boolean): Interval[] {
  const points = [...new Set([...a, ...b].flat())].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  const inside = (set: Interval[], x: bigint): boolean => set.some(([s, e]) => s <= x && x < e);
  const out: Interval[] = [];
  for (let k = 0; k + 1 < points.length; k++) {
    if (keep(inside(a, points[k]!), inside(b, points[k]!))) pushInterval(out, points[k]!, points[k + 1]!);
  }
  return out;
}

function bitLength(v: bigint): number {
  return v === 0n ? 0 : v.toString(2).length;
}

function splitRef(start: bigint, endInclusive: bigint): Prefix[] {
  const out: Prefix[] = [];
  let s = start;
  while (s <= endInclusive) {
    let k = bitLength(endInclusive - s + 1n) - 1;
    if (s !== 0n) k = Math.min(k, bitLength(s & -s) - 1);
    out.push([s, 128 - k]);
    s += 1n << BigInt(k);
  }
  return out;
}

const canonical = (iv: Interval[]): Prefix[] => iv.flatMap(([s, e]) => splitRef(s, e - 1n));

// --- generators --------------------------------------------------------------------------------------------------
// Words from a few values so entries overlap, touch and repeat; the edges of the space included.
const word = fc.oneof(
  fc.constantFrom(0, 1, 2, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 0x20010db8, 0xffff),
  fc.integer({ min: 0, max: 7 }),
  fc.integer({ min: 0, max: 0xffffffff }),
);
const length = fc.oneof(fc.integer({ min: 0, max: 128 }), fc.constantFrom(0, 1, 31, 32, 33, 63, 64, 65, 96, 127, 128));
const entry = fc.tuple(word, word, word, word, length);
const v6List = fc.array(entry, { maxLength: 40 }).map((entries) => {
  const b = new PrefixListBuilder();
  for (const [w0, w1, w2, w3, l] of entries) b.addV6(w0, w1, w2, w3, l);
  return b.build();
});

const opts = { numRuns: 300 };

describe('IPv6 address-space operations match the BigInt reference', () => {
  it('aggregate', () => {
    fc.assert(
      fc.property(v6List, (a) => {
        const got = aggregate(a);
        expect(validatePrefixList(got)).toBeNull();
        expect(prefixesOf(got)).toEqual(canonical(merged(prefixesOf(a))));
      }),
      opts,
    );
  });

  it('union, subtract, intersect', () => {
    fc.assert(
      fc.property(v6List, v6List, (a, b) => {
        const ia = merged(prefixesOf(a));
        const ib = merged(prefixesOf(b));
        expect(prefixesOf(union(a, b))).toEqual(canonical(combine(ia, ib, (x, y) => x || y)));
        expect(prefixesOf(subtract(a, b))).toEqual(canonical(combine(ia, ib, (x, y) => x && !y)));
        expect(prefixesOf(intersect(a, b))).toEqual(canonical(combine(ia, ib, (x, y) => x && y)));
      }),
      opts,
    );
  });

  it('splitRangeV6 is the minimal greedy split of any range', () => {
    fc.assert(
      fc.property(entry, entry, ([a0, a1, a2, a3], [b0, b1, b2, b3]) => {
        let [s, e] = [big([a0, a1, a2, a3], 0), big([b0, b1, b2, b3], 0)];
        if (s > e) [s, e] = [e, s];
        const got: Prefix[] = [];
        const words = (v: bigint): number[] => [96n, 64n, 32n, 0n].map((sh) => Number((v >> sh) & 0xffffffffn));
        const sink: PrefixSink = {
          addV4: () => {},
          addV6: (w0, w1, w2, w3, l) => got.push([big([w0, w1, w2, w3], 0), l]),
        };
        splitRangeV6(
          ...(words(s) as [number, number, number, number]),
          ...(words(e) as [number, number, number, number]),
          sink,
        );
        expect(got).toEqual(splitRef(s, e));
      }),
      opts,
    );
  });

  it('handles the whole space and its last address', () => {
    const b = new PrefixListBuilder();
    b.addV6(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 128);
    b.addV6(0xffffffff, 0xffffffff, 0xffffffff, 0xfffffffe, 128);
    const last = b.build();
    expect(formatPrefixes(aggregate(last))).toEqual(['ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127']);
    b.addV6(0, 0, 0, 0, 0);
    const all = b.build();
    expect(formatPrefixes(subtract(all, last))).toHaveLength(127);
    expect(formatPrefixes(union(all, last))).toEqual(['::/0']);
  });
});

describe('IPv6 exact operations match a set of (address, length) keys', () => {
  it('exactDifference / exactIntersection / exactUnion / exactEquals', () => {
    const keys = (l: PrefixList): string[] => prefixesOf(l).map(([s, len]) => `${s}/${len}`);
    fc.assert(
      fc.property(v6List, v6List, (a, b) => {
        const ka = keys(a);
        const kb = new Set(keys(b));
        expect(keys(exactDifference(a, b))).toEqual(ka.filter((k) => !kb.has(k)));
        expect(keys(exactIntersection(a, b))).toEqual(ka.filter((k) => kb.has(k)));
        const u = exactUnion(a, b);
        expect(validatePrefixList(u)).toBeNull();
        expect(new Set(keys(u))).toEqual(new Set([...ka, ...kb]));
        expect(exactEquals(a, b)).toBe(ka.join() === keys(b).join());
      }),
      opts,
    );
  });
});

describe('sortUniqueV6', () => {
  const compare = (w: Uint32Array, l: Uint8Array, i: number, j: number): number => {
    for (let k = 0; k < 4; k++) if (w[4 * i + k] !== w[4 * j + k]) return w[4 * i + k]! < w[4 * j + k]! ? -1 : 1;
    return l[i]! - l[j]!;
  };
  const check = (w: Uint32Array, l: Uint8Array): void => {
    const n = l.length;
    const expected = Array.from({ length: n }, (_, i) => i)
      .sort((i, j) => compare(w, l, i, j))
      .filter((e, k, all) => k === 0 || compare(w, l, all[k - 1]!, e) !== 0);
    let mismatches = 0;
    const w2 = w.slice();
    const l2 = l.slice();
    expect(sortUniqueV6(w2, l2, n)).toBe(expected.length);
    // Input already in order, repeats kept (the path that skips the sort and only drops them).
    const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => compare(w, l, i, j));
    const w3 = Uint32Array.from(order.flatMap((i) => [w[4 * i]!, w[4 * i + 1]!, w[4 * i + 2]!, w[4 * i + 3]!]));
    const l3 = Uint8Array.from(order, (i) => l[i]!);
    expect(sortUniqueV6(w3, l3, n)).toBe(expected.length);
    for (let k = 0; k < expected.length; k++) {
      const e = expected[k]!;
      if (l2[k] !== l[e] || [0, 1, 2, 3].some((j) => w2[4 * k + j] !== w[4 * e + j])) mismatches++;
      if (l3[k] !== l[e] || [0, 1, 2, 3].some((j) => w3[4 * k + j] !== w[4 * e + j])) mismatches++;
    }
    expect(mismatches).toBe(0);
  };

  it('orders like a comparison sort, each entry once (random input, duplicates, long runs of equal words)', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 300 }), (entries) => {
        check(Uint32Array.from(entries.flatMap((e) => e.slice(0, 4))), Uint8Array.from(entries.map((e) => e[4])));
      }),
      { numRuns: 200 },
    );
  });

  // sortUniqueV6 hands the kernel runs grouped by the top 16 bits (it sorts each group from byte 2 on); a range in
  // any other order is sorted from byte 0.
  it('sorts a range in any order in the kernel (its top 16 bits not grouped)', () => {
    fc.assert(
      fc.property(fc.array(entry, { minLength: 2, maxLength: 300 }), (entries) => {
        const n = entries.length;
        const w = Uint32Array.from(entries.flatMap((e) => e.slice(0, 4)));
        const l = Uint8Array.from(entries.map((e) => e[4]));
        const expected = Array.from({ length: n }, (_, i) => i)
          .sort((i, j) => compare(w, l, i, j))
          .filter((e, k, all) => k === 0 || compare(w, l, all[k - 1]!, e) !== 0);
        const w2 = w.slice();
        const l2 = l.slice();
        expect(sortUniqueV6Range(w2, l2, 0, n, 0)).toBe(expected.length);
        expect(Array.from(l2.subarray(0, expected.length))).toEqual(expected.map((e) => l[e]));
        expect(Array.from(w2.subarray(0, 4 * expected.length))).toEqual(
          expected.flatMap((e) => Array.from(w.subarray(4 * e, 4 * e + 4))),
        );
      }),
      { numRuns: 200 },
    );
  });

  it.each([
    ['one /16', (r: (k: number) => number) => 0x20010000 + r(4)],
    ['many /16s (entries moved between buckets in place)', (r: (k: number) => number) => ((r(40) * 1543) << 16) + r(4)],
  ])(
    'orders a large clustered list in %s (runs of whole buckets in the kernel, long runs of equal words)',
    (_, top) => {
      let seed = 12345;
      const rnd = (k: number): number => {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        return Math.floor((seed / 4294967296) * k);
      };
      const n = 70_000;
      const w = new Uint32Array(4 * n);
      const l = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        w[4 * i] = top(rnd) >>> 0;
        w[4 * i + 1] = rnd(3) === 0 ? rnd(1 << 20) : rnd(40);
        w[4 * i + 2] = rnd(2) === 0 ? 0 : rnd(0x100000000);
        w[4 * i + 3] = rnd(5);
        l[i] = rnd(2) === 0 ? 128 : rnd(129);
      }
      check(w, l);
    },
  );

  // The kernel's radix sort goes byte by byte (address bytes 0-15, then the length) and skips a byte all entries of
  // a range share: lists that differ in one byte only, across the two 64-bit halves, or not at all.
  it.each([
    ['only the last address byte', (i: number) => [0x20010db8, 0, 0, (i * 37) & 0xff, 128]],
    ['only the length', (i: number) => [0x20010db8, 0, 0, 0, (i * 53) % 129]],
    [
      'only bytes 7 and 8 (the end of one half, the start of the other)',
      (i: number) => [0x2a000000, (i * 97) & 0xff, ((i * 31) & 0xff) << 24, 0, 64 + (i % 3)],
    ],
    ['nothing: one entry, repeated', () => [0x20010db8, 1, 2, 3, 100]],
    ['a few values, each repeated more than an insertion range', (i: number) => [0x20010db8, 0, (i * 7) % 5, 0, 128]],
  ])('orders a run of 5,000 entries that differ in %s', (_, entryOf) => {
    const n = 5000;
    const w = new Uint32Array(4 * n);
    const l = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const e = entryOf((i * 7919) % n);
      w.set(e.slice(0, 4), 4 * i);
      l[i] = e[4]!;
    }
    check(w, l);
  });
});

describe('writePrefixes (IPv6 bytes) matches formatPrefixes', () => {
  it('for random lists, with and without bare hosts', () => {
    const mapped = fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), length).map(([w3, l]) => [0, 0, 0xffff, w3, l]);
    const list = fc.array(fc.oneof(entry, mapped), { maxLength: 40 }).map((entries) => {
      const b = new PrefixListBuilder();
      for (const [w0, w1, w2, w3, l] of entries) b.addV6(w0!, w1!, w2!, w3!, l!);
      return b.build();
    });
    fc.assert(
      fc.property(list, fc.boolean(), (l, bareHosts) => {
        const lines = formatPrefixes(l, { bareHosts });
        expect(writePrefixes(l, { bareHosts }).toString('latin1')).toBe(lines.map((x) => `${x}\n`).join(''));
      }),
      opts,
    );
  });

  it('for one entry of every group width and zero-run placement (the buffer is exactly its bound)', () => {
    const group = fc.constantFrom(0, 0, 1, 0xf, 0x10, 0xff, 0x100, 0xfff, 0x1000, 0xffff);
    const one = fc.tuple(fc.array(group, { minLength: 8, maxLength: 8 }), length).map(([g, l]) => {
      const b = new PrefixListBuilder();
      b.addV6(...([0, 2, 4, 6].map((k) => (g[k]! * 65536 + g[k + 1]!) >>> 0) as [number, number, number, number]), l);
      return b.build();
    });
    fc.assert(
      fc.property(one, fc.boolean(), (l, bareHosts) => {
        expect(writePrefixes(l, { bareHosts }).toString('latin1')).toBe(`${formatPrefixes(l, { bareHosts })[0]}\n`);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('PrefixListBuilder IPv6 build', () => {
  it('hands over its arrays for a large build and stays reusable without touching the first list', () => {
    const b = new PrefixListBuilder();
    b.reserveV6(3000);
    for (let i = 0; i < 2000; i++) b.addV6(0x20010db8, 0, 0, 2000 - i, 128);
    const first = b.build();
    const copy = first.v6.words.slice();
    for (let i = 0; i < 2000; i++) b.addV6(0x2a000000, 0, 0, i, 128);
    const second = b.build();
    expect(first.v6.words).toEqual(copy);
    expect(first.v6.len.length).toBe(2000);
    expect(first.v6.words[3]).toBe(1);
    expect(second.v6.words[0]).toBe(0x2a000000);
    expect(validatePrefixList(first)).toBeNull();
    expect(validatePrefixList(second)).toBeNull();
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PrefixListBuilder } from '../cidr/builder.js';
import { hashPrefixes } from '../cidr/hash.js';
import { maskV4 } from '../cidr/mask.js';
import { V4RunCollector } from './v4-runs.js';

type Entry = [addr: number, len: number];

/** The reference: the builder's sorted, de-duplicated list and its hash. */
function reference(entries: Entry[]): { addr: number[]; len: number[]; sha256: string } {
  const b = new PrefixListBuilder();
  for (const [a, l] of entries) b.addV4(a, l);
  const list = b.build();
  return { addr: [...list.v4.addr], len: [...list.v4.len], sha256: hashPrefixes(list) };
}

function collect(entries: Entry[]): { addr: number[]; len: number[]; sha256: string | null } {
  const c = new V4RunCollector();
  for (const [a, l] of entries) c.add(a, l);
  const r = c.finish();
  return { addr: [...r.addr], len: [...r.len], sha256: r.sha256 };
}

// Few first octets and short host parts, so that runs, duplicates and equal addresses of several lengths are common.
const entry: fc.Arbitrary<Entry> = fc
  .tuple(
    fc.constantFrom(0, 1, 2, 10, 100, 192, 255),
    fc.integer({ min: 0, max: 0xffffff }),
    fc.constantFrom(0, 1, 8, 16, 23, 24, 31, 32),
  )
  .map(([o, rest, len]) => [((o * 0x1000000 + (rest & 0x3ff0ff)) & maskV4(len)) >>> 0, len]);

/** The entries grouped by first octet, groups in a given order (a canonical-order server's shape). */
function grouped(entries: Entry[], octetOrder: number[]): Entry[] {
  const rank = (a: number): number => {
    const i = octetOrder.indexOf(a >>> 24);
    return i < 0 ? 256 + (a >>> 24) : i;
  };
  return [...entries].sort((x, y) => rank(x[0]) - rank(y[0]));
}

describe('V4RunCollector', () => {
  it('equals the builder on entries in any order (runs split, octets repeated: the full-sort path)', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 300 }), (entries) => {
        const got = collect(entries);
        const want = reference(entries);
        expect(got.addr).toEqual(want.addr);
        expect(got.len).toEqual(want.len);
        if (got.sha256 !== null) expect(got.sha256).toBe(want.sha256);
      }),
      { numRuns: 150 },
    );
  });

  it('equals the builder and its hash on entries grouped by first octet, whatever the group order', () => {
    fc.assert(
      fc.property(
        fc.array(entry, { maxLength: 300 }),
        fc.shuffledSubarray([0, 1, 2, 10, 100, 192, 255], { minLength: 7 }),
        (entries, order) => {
          const got = collect(grouped(entries, order));
          const want = reference(entries);
          expect(got.addr).toEqual(want.addr);
          expect(got.len).toEqual(want.len);
          expect(got.sha256).toBe(want.sha256);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('grows past its first buffers and takes the full sort when an octet comes back', () => {
    const entries: Entry[] = [];
    for (let i = 0; i < 300_000; i++)
      entries.push([(((i % 3) * 7 + 1) * 0x1000000 + ((i * 7919) & 0xffffff)) >>> 0, 32]);
    const same = (a: { addr: Uint32Array; len: Uint8Array }, b: { addr: Uint32Array; len: Uint8Array }): boolean =>
      Buffer.from(a.addr.buffer, a.addr.byteOffset, a.addr.byteLength).equals(
        Buffer.from(b.addr.buffer, b.addr.byteOffset, b.addr.byteLength),
      ) && Buffer.from(a.len).equals(Buffer.from(b.len));
    const builder = (es: Entry[]): ReturnType<PrefixListBuilder['build']> => {
      const b = new PrefixListBuilder();
      for (const [a, l] of es) b.addV4(a, l);
      return b.build();
    };
    const one = (es: Entry[]): ReturnType<V4RunCollector['finish']> => {
      const c = new V4RunCollector();
      for (const [a, l] of es) c.add(a, l);
      return c.finish();
    };
    const big = grouped(entries, [22, 8, 15, 1]);
    const want = builder(entries);
    const got = one(big);
    expect(same(got, want.v4)).toBe(true);
    expect(got.sha256).toBe(hashPrefixes(want));
    const back: Entry = [0x08000000, 8];
    const split = one([...big, back]);
    expect(split.sha256).toBeNull();
    expect(same(split, builder([...entries, back]).v4)).toBe(true);
  });

  it('zeroes host bits as the builder does', () => {
    expect(collect([[0x0a0000ff, 24]])).toEqual({
      addr: [0x0a000000],
      len: [24],
      sha256: reference([[0x0a000000, 24]]).sha256,
    });
  });
});

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { InternalError } from '../errors.js';
import { PrefixListBuilder, prefixCount } from './builder.js';
import { capPrefixes } from './cap.js';
import { exactIntersection, exactUnion, exactEquals } from './exact-ops.js';
import { formatPrefixes } from './format.js';
import { prefixesFromStrings } from './strings.js';
import type { PrefixList } from './types.js';
import { validatePrefixList } from './validate.js';

const p = (...s: string[]): PrefixList => prefixesFromStrings(s);
const f = (list: PrefixList): string[] => formatPrefixes(list);

describe('capPrefixes', () => {
  const list = p('10.0.0.1', '10.0.0.0/8', '192.0.2.0/24', '1.2.3.4', '198.51.100.0/24', '2001:db8::/32', '::1');

  it('keeps IPv4 before IPv6, shorter prefixes first, then lower addresses; kept stays in list order', () => {
    expect(f(capPrefixes(list, 0).kept)).toEqual([]);
    expect(f(capPrefixes(list, 1).kept)).toEqual(['10.0.0.0/8']);
    expect(f(capPrefixes(list, 2).kept)).toEqual(['10.0.0.0/8', '192.0.2.0/24']);
    expect(f(capPrefixes(list, 3).kept)).toEqual(['10.0.0.0/8', '192.0.2.0/24', '198.51.100.0/24']);
    expect(f(capPrefixes(list, 4).kept)).toEqual(['1.2.3.4/32', '10.0.0.0/8', '192.0.2.0/24', '198.51.100.0/24']);
    expect(f(capPrefixes(list, 6).kept)).toEqual([
      '1.2.3.4/32',
      '10.0.0.0/8',
      '10.0.0.1/32',
      '192.0.2.0/24',
      '198.51.100.0/24',
      '2001:db8::/32',
    ]);
    expect(f(capPrefixes(list, 6).dropped)).toEqual(['::1/128']);
    expect(f(capPrefixes(list, 7).kept)).toEqual(f(list));
    expect(f(capPrefixes(list, 100).dropped)).toEqual([]);
  });

  it('rejects a negative or fractional limit', () => {
    expect(() => capPrefixes(list, -1)).toThrow(InternalError);
    expect(() => capPrefixes(list, 1.5)).toThrow(/non-negative integer/);
  });

  const listArb = fc
    .array(
      fc.oneof(
        fc.tuple(fc.constant(4), fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom(8, 16, 24, 31, 32)),
        fc.tuple(fc.constant(6), fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom(0, 32, 64, 128)),
      ),
      { maxLength: 40 },
    )
    .map((entries) => {
      const b = new PrefixListBuilder();
      for (const [fam, x, l] of entries) {
        if (fam === 4) b.addV4(x, l);
        else b.addV6(x, 0, 0, x, l);
      }
      return b.build();
    });

  it('keeps exactly min(limit, n), partitions the list, and every kept entry ranks before every dropped one', () => {
    fc.assert(
      fc.property(listArb, fc.integer({ min: 0, max: 50 }), (l, limit) => {
        const { kept, dropped } = capPrefixes(l, limit);
        expect(validatePrefixList(kept)).toBeNull();
        expect(validatePrefixList(dropped)).toBeNull();
        expect(prefixCount(kept)).toBe(Math.min(limit, prefixCount(l)));
        expect(exactEquals(exactUnion(kept, dropped), l)).toBe(true);
        expect(prefixCount(exactIntersection(kept, dropped))).toBe(0);
        // Rank = (family, length, address) as a sortable tuple.
        const ranks = (x: PrefixList): [number, number, bigint][] => [
          ...Array.from(x.v4.len, (len, i): [number, number, bigint] => [4, len, BigInt(x.v4.addr[i]!)]),
          ...Array.from(x.v6.len, (len, i): [number, number, bigint] => [
            6,
            len,
            (BigInt(x.v6.words[4 * i]!) << 96n) | BigInt(x.v6.words[4 * i + 3]!),
          ]),
        ];
        const before = (a: [number, number, bigint], b: [number, number, bigint]): boolean =>
          a[0] !== b[0] ? a[0] < b[0] : a[1] !== b[1] ? a[1] < b[1] : a[2] < b[2];
        for (const k of ranks(kept)) for (const d of ranks(dropped)) expect(before(k, d)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EMPTY_PREFIXES, PrefixListBuilder } from './builder.js';
import { exactDifference, exactDifferences, exactEquals, exactIntersection, exactUnion } from './exact-ops.js';
import { formatPrefixes } from './format.js';
import { prefixesFromStrings } from './strings.js';
import type { PrefixList } from './types.js';
import { validatePrefixList } from './validate.js';

const p = (...s: string[]): PrefixList => prefixesFromStrings(s);
const f = (list: PrefixList): string[] => formatPrefixes(list);

describe('exact-prefix operations', () => {
  const a = p('10.0.0.0/8', '10.1.0.0/16', '192.0.2.1', '2001:db8::/32', '::1');
  const b = p('10.0.0.0/8', '10.1.0.0/17', '192.0.2.1', '2001:db8::/33', '::1');

  it('compare prefixes, not address space', () => {
    expect(f(exactDifference(a, b))).toEqual(['10.1.0.0/16', '2001:db8::/32']);
    expect(f(exactDifference(b, a))).toEqual(['10.1.0.0/17', '2001:db8::/33']);
    expect(f(exactIntersection(a, b))).toEqual(['10.0.0.0/8', '192.0.2.1/32', '::1/128']);
    expect(f(exactUnion(a, b))).toEqual([
      '10.0.0.0/8',
      '10.1.0.0/16',
      '10.1.0.0/17',
      '192.0.2.1/32',
      '::1/128',
      '2001:db8::/32',
      '2001:db8::/33',
    ]);
    expect(exactEquals(a, b)).toBe(false);
    expect(exactEquals(a, p(...f(a)))).toBe(true);
    expect(exactEquals(p('0.0.0.0/0'), p('0.0.0.0/1', '128.0.0.0/1'))).toBe(false);
    expect(exactEquals(p('::/0'), p('0.0.0.0/0'))).toBe(false);
    expect(exactEquals(EMPTY_PREFIXES, p())).toBe(true);
  });

  const entry = fc.oneof(
    fc.tuple(fc.constant(4), fc.integer({ min: 0, max: 7 }), fc.integer({ min: 29, max: 32 })),
    // x's low bits in the last word, its high bits in the first and third: walks that differ at every word.
    fc.tuple(fc.constant(6), fc.integer({ min: 0, max: 31 }), fc.integer({ min: 125, max: 128 })),
  );
  const listArb = fc.array(entry, { maxLength: 20 }).map((entries) => {
    const b = new PrefixListBuilder();
    for (const [fam, x, l] of entries) {
      if (fam === 4) b.addV4(0x0a000000 + x, l);
      else b.addV6(0x20010db8 + (x >> 4), 0, (x >> 3) & 1, x & 7, l);
    }
    return b.build();
  });

  it('match string-set operations', () => {
    fc.assert(
      fc.property(listArb, listArb, (x, y) => {
        const sx = new Set(f(x));
        const sy = new Set(f(y));
        const check = (result: PrefixList, expected: string[]): void => {
          expect(validatePrefixList(result)).toBeNull();
          expect(new Set(f(result))).toEqual(new Set(expected));
          expect(f(result).length).toBe(expected.length);
        };
        check(
          exactDifference(x, y),
          [...sx].filter((s) => !sy.has(s)),
        );
        const [onlyX, onlyY] = exactDifferences(x, y);
        check(
          onlyX,
          [...sx].filter((s) => !sy.has(s)),
        );
        check(
          onlyY,
          [...sy].filter((s) => !sx.has(s)),
        );
        check(
          exactIntersection(x, y),
          [...sx].filter((s) => sy.has(s)),
        );
        check(exactUnion(x, y), [...new Set([...sx, ...sy])]);
        expect(exactEquals(x, y)).toBe(sx.size === sy.size && [...sx].every((s) => sy.has(s)));
        expect(exactEquals(x, x)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isEmptyList, PrefixListBuilder } from './builder.js';
import { overlaps } from './overlaps.js';
import { intersect } from './set-ops.js';
import { prefixesFromStrings } from './strings.js';

const p = (...s: string[]) => prefixesFromStrings(s);

describe('overlaps', () => {
  it.each([
    [['10.0.0.0/8'], ['10.1.2.3'], true],
    [['10.1.2.3'], ['10.0.0.0/8'], true],
    [['10.0.0.0/8'], ['11.0.0.0/8'], false],
    [['10.0.0.0/8'], ['9.255.255.255', '11.0.0.0'], false],
    // The covering entry is not the probe's predecessor: a nested host sits between them.
    [['10.0.0.0/8', '10.1.0.0/32', '10.1.0.9/32'], ['10.2.0.0'], true],
    [['10.0.0.0/16', '10.0.0.5/32'], ['10.1.0.0/16'], false],
    [['0.0.0.0/0'], ['255.255.255.255'], true],
    [['255.255.255.255'], ['255.255.255.254/31'], true],
    [['1.2.3.4'], ['2001:db8::1'], false],
    [['2001:db8::/32'], ['2001:db8::1', '1.2.3.4'], true],
    [[], ['1.2.3.4'], false],
  ])('%j and %j -> %s', (a, b, expected) => {
    expect(overlaps(p(...a), p(...b))).toBe(expected);
    expect(overlaps(p(...b), p(...a))).toBe(expected);
  });

  it('answers as the intersection does on random lists (nested entries, both families)', () => {
    const v4 = fc.tuple(
      fc.oneof(fc.integer({ min: 0x0a000000, max: 0x0a0003ff }), fc.integer({ min: 0, max: 0xffffffff })),
      fc.oneof(fc.integer({ min: 20, max: 32 }), fc.integer({ min: 0, max: 32 })),
    );
    const v6 = fc.tuple(fc.constantFrom(0, 0x20010db8, 0xffffffff), fc.integer({ min: 0, max: 128 }));
    const list = fc.record({ v4: fc.array(v4, { maxLength: 12 }), v6: fc.array(v6, { maxLength: 4 }) }).map((r) => {
      const b = new PrefixListBuilder();
      for (const [a, l] of r.v4) b.addV4(a, l);
      for (const [w, l] of r.v6) b.addV6(w, 0, 0, 1, l);
      return b.build();
    });
    fc.assert(
      fc.property(list, list, (a, b) => {
        expect(overlaps(a, b)).toBe(!isEmptyList(intersect(a, b)));
      }),
      { numRuns: 300 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PrefixListBuilder } from './builder.js';
import { isCanonicalV4 } from './canonical.js';
import { exactEquals } from './exact-ops.js';
import { EMPTY_PREFIXES, prefixesFromStrings } from './index.js';
import { aggregate, union } from './set-ops.js';

const v4 = (...cidrs: string[]) => prefixesFromStrings(cidrs).v4;

describe('isCanonicalV4', () => {
  it('accepts adjacent prefixes that no single prefix could replace', () => {
    expect(isCanonicalV4(v4('10.0.0.0/31', '10.0.0.2/32'))).toBe(true);
    expect(isCanonicalV4(v4('0.0.0.0/0'))).toBe(true);
    expect(isCanonicalV4(v4('255.255.255.255/32'))).toBe(true);
    expect(isCanonicalV4(v4())).toBe(true);
  });

  it('refuses mergeable neighbours, overlaps and non-greedy splits', () => {
    expect(isCanonicalV4(v4('10.0.0.0/25', '10.0.0.128/25'))).toBe(false);
    expect(isCanonicalV4(v4('10.0.0.0/8', '10.1.0.0/16'))).toBe(false);
    expect(isCanonicalV4(v4('10.0.0.1/32', '10.0.0.2/31'))).toBe(true);
    expect(isCanonicalV4(v4('10.0.0.1/32', '10.0.0.2/32', '10.0.0.3/32'))).toBe(false);
  });

  it('is true exactly when the full aggregation would return the same list', () => {
    const entry = fc.tuple(fc.integer({ min: 0x0a000000, max: 0x0a0000ff }), fc.integer({ min: 24, max: 32 }));
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 40 }), (entries) => {
        const b = new PrefixListBuilder();
        for (const [a, l] of entries) b.addV4(a, l);
        const list = b.build();
        const full = union(list, EMPTY_PREFIXES); // always takes the interval path
        expect(isCanonicalV4(list.v4)).toBe(exactEquals(full, list));
        expect(exactEquals(aggregate(list), full)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

// subtract's shortcut for two versions of one IPv6 list (common-v6.ts): dropping the shared entries first gives the
// same result as the plain interval walk (itself checked against the BigInt reference in v6-ops.test.ts), and the
// shortcut is really taken for lists that share most entries.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { makePrefixList, PrefixListBuilder } from './builder.js';
import { withoutSharedV6 } from './common-v6.js';
import { exactEquals } from './exact-ops.js';
import { aggregate, subtract } from './set-ops.js';
import type { PrefixList } from './types.js';

// Mostly distinct entries (so a 1,200-entry list stays over the shortcut's 1,024 after aggregation), with a few
// small words so some nest, touch and repeat across the two versions.
const word = fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 3 }));
const entry = fc.tuple(
  fc.constantFrom(0x20010db8, 0x2a000000),
  fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.constant(0)),
  word,
  word,
  fc.constantFrom(48, 56, 63, 64, 96, 127, 128, 128, 128),
);
type Entry = [number, number, number, number, number];

function listOf(entries: readonly Entry[]): PrefixList {
  const b = new PrefixListBuilder();
  for (const [w0, w1, w2, w3, l] of entries) b.addV6(w0, w1, w2, w3, l);
  return b.build();
}

/** The same entries, not marked canonical: subtract takes the plain walk. */
const unmarked = (l: PrefixList): PrefixList => makePrefixList(l.v4.addr, l.v4.len, l.v6.words, l.v6.len);

/** A feed and its next version: most entries kept, some dropped, some added (overlapping or not). */
const versions = fc
  .tuple(
    fc.array(entry, { minLength: 1200, maxLength: 1600 }),
    fc.array(fc.nat(), { maxLength: 40 }),
    fc.array(entry, { maxLength: 40 }),
  )
  .map(([base, drops, adds]) => {
    const dropped = new Set(drops.map((d) => d % base.length));
    const next = [...base.filter((_, i) => !dropped.has(i)), ...adds];
    return [aggregate(listOf(base)), aggregate(listOf(next))] as const;
  });

describe('subtract of two versions of an IPv6 list (shared entries dropped first)', () => {
  it('equals the plain walk, both ways round', () => {
    let taken = 0;
    fc.assert(
      fc.property(versions, ([a, b]) => {
        if (withoutSharedV6(a.v6, b.v6) !== null) taken++;
        expect(exactEquals(subtract(a, b), subtract(unmarked(a), unmarked(b)))).toBe(true);
        expect(exactEquals(subtract(b, a), subtract(unmarked(b), unmarked(a)))).toBe(true);
      }),
      { numRuns: 60 },
    );
    expect(taken).toBeGreaterThan(30);
  });

  it('drops exactly the shared entries when most are shared, and declines otherwise', () => {
    // 2,000 hosts two apart: nothing merges.
    const base: Entry[] = Array.from({ length: 2000 }, (_, i) => [0x20010db8, 0, 0, 2 * i, 128]);
    const a = aggregate(listOf(base));
    const b = aggregate(listOf([...base.slice(10), [0x20010db8, 0xffff0000, 0, 0, 48]]));
    const got = withoutSharedV6(a.v6, b.v6);
    expect(got).not.toBeNull();
    const [ra, rb] = got!;
    expect(exactEquals(subtract(a, b), subtract(unmarked(a), unmarked(b)))).toBe(true);
    expect([ra.len.length, rb.len.length]).toEqual([10, 1]);
    const disjoint = aggregate(listOf(base.map(([w0, w1, w2, w3, l]) => [w0, w1 + 1, w2, w3, l] as Entry)));
    expect(withoutSharedV6(a.v6, disjoint.v6)).toBeNull();
  });
});

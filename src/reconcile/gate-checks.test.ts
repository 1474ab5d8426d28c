import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exactDifference, hashPrefixes, PrefixListBuilder, prefixCount, prefixesFromStrings } from '../cidr/index.js';
import { DEFAULT_GATES } from '../config/index.js';
import type { SourceGates } from '../config/types.js';
import { checkGates, commonEntries, entriesOf, serialBefore, type SourceVersion } from './gate-checks.js';

/** `n` /32 hosts of 10.<block>.0.0/16, every other address (so that they never aggregate). */
function hosts(block: number, n: number, from = 0): string[] {
  return Array.from({ length: n }, (_, k) => {
    const i = 2 * (from + k);
    return `10.${block}.${Math.floor(i / 256)}.${i % 256}/32`;
  });
}

function version(cidrs: readonly string[], serial: number | null, extra: Partial<SourceVersion> = {}): SourceVersion {
  const list = prefixesFromStrings([...cidrs]);
  return {
    serial,
    sha256: hashPrefixes(list),
    records: cidrs.length,
    rejected: 0,
    members: entriesOf(list),
    ...extra,
  };
}

describe('serialBefore (RFC 1982, 32 bits)', () => {
  it('orders serials within half the space, across the wrap, and leaves the undefined pair unordered', () => {
    expect(serialBefore(1, 2)).toBe(true);
    expect(serialBefore(2, 1)).toBe(false);
    expect(serialBefore(7, 7)).toBe(false);
    expect(serialBefore(4294967295, 0)).toBe(true); // 0 follows 2^32-1
    expect(serialBefore(0, 4294967295)).toBe(false);
    expect(serialBefore(2026113001, 2026113000)).toBe(false);
    expect(serialBefore(2026113000, 2026113001)).toBe(true);
    expect(serialBefore(0, 2 ** 31)).toBe(false); // exactly half apart: undefined, so never "went backwards"
    expect(serialBefore(2 ** 31, 0)).toBe(false);
    expect(serialBefore(5, 2 ** 31 + 4)).toBe(true);
    expect(serialBefore(5, 2 ** 31 + 6)).toBe(false);
  });

  it('agrees with the RFC 1982 definition on any pair: s1 < s2 when (s2 - s1) mod 2^32 is in (0, 2^31)', () => {
    const serial = fc.oneof(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.constantFrom(0, 1, 2 ** 31, 2 ** 32 - 1));
    fc.assert(
      fc.property(serial, serial, (a, b) => {
        const d = (BigInt(b) - BigInt(a) + 2n ** 32n) % 2n ** 32n;
        expect(serialBefore(a, b)).toBe(d > 0n && d < 2n ** 31n);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('checkGates', () => {
  const last = version(hosts(0, 100), 10);

  it('passes a first version, an unchanged one, and a normal update', () => {
    expect(checkGates(version(hosts(0, 100), 1), null, DEFAULT_GATES)).toEqual([]);
    // Same content, even with an older serial: it was accepted already.
    expect(checkGates({ ...last, serial: 3 }, last, DEFAULT_GATES)).toEqual([]);
    expect(checkGates(version(hosts(0, 90, 10), 11), last, DEFAULT_GATES)).toEqual([]);
  });

  it('refuses a serial that went backwards', () => {
    expect(checkGates(version(hosts(0, 99), 9), last, DEFAULT_GATES)).toEqual([
      { gate: 'serial', detail: 'serial went backwards from 10 to 9 (RFC 1982)' },
    ]);
  });

  it('refuses a shrink past maxShrink with the figures, and lets exactly maxShrink through', () => {
    expect(checkGates(version(hosts(0, 30), 11), last, DEFAULT_GATES)).toEqual([
      { gate: 'shrink', detail: 'shrank from 100 to 30 entries: 70% > maxShrink 50%' },
    ]);
    expect(checkGates(version(hosts(0, 50), 11), last, DEFAULT_GATES)).toEqual([]);
  });

  it('refuses a churn past maxChurn (entries added plus removed over the entries of either version)', () => {
    // 10 kept, 90 removed, 90 added: 180 of 190, no shrink.
    expect(checkGates(version([...hosts(0, 10), ...hosts(1, 90)], 11), last, DEFAULT_GATES)).toEqual([
      {
        gate: 'churn',
        detail: '90 entries added and 90 removed of 190 in either version: 94.7% > maxChurn 80%',
      },
    ]);
    // 20 kept, 80 removed, 80 added: 160 of 180 = 88.9%; with maxChurn 0.9, through.
    const next = version([...hosts(0, 20), ...hosts(1, 80)], 11);
    expect(checkGates(next, last, DEFAULT_GATES).map((f) => f.gate)).toEqual(['churn']);
    expect(checkGates(next, last, { ...DEFAULT_GATES, maxChurn: 0.9 })).toEqual([]);
    // A feed that doubles is half new, not 100% churn: a growing feed is not held.
    expect(checkGates(version([...hosts(0, 100), ...hosts(1, 100)], 11), last, DEFAULT_GATES)).toEqual([]);
  });

  it('counts entries after aggregation: the same addresses re-split are no churn', () => {
    const split = version(
      Array.from({ length: 100 }, (_, i) => `10.0.0.${i}/32`),
      11,
    );
    const wide = version(['10.0.0.0/26', '10.0.0.64/27', '10.0.0.96/30'], 12);
    expect(prefixCountOf(split)).toBe(3);
    expect(checkGates(wide, split, DEFAULT_GATES)).toEqual([]);
  });

  it('refuses more malformed records than maxRejected, as a count or a share, even on a first version', () => {
    const bad = version(hosts(0, 100), 11, { records: 120, rejected: 20 });
    expect(checkGates(bad, null, DEFAULT_GATES)).toEqual([
      { gate: 'rejected', detail: '20 of 120 records malformed (16.7%) > maxRejected 1% (1 records)' },
    ]);
    const byCount: SourceGates = { ...DEFAULT_GATES, maxRejected: { count: 20 } };
    expect(checkGates(bad, null, byCount)).toEqual([]);
    expect(checkGates({ ...bad, rejected: 21 }, null, byCount)[0]).toEqual({
      gate: 'rejected',
      detail: '21 of 120 records malformed (17.5%) > maxRejected 20',
    });
  });

  it('reports every gate tripped, serial first', () => {
    const found = checkGates(version(hosts(2, 10), 3), last, DEFAULT_GATES);
    expect(found.map((f) => f.gate)).toEqual(['serial', 'shrink', 'churn']);
  });

  it('shrink and churn agree with a reference over sets of entries', () => {
    // Even addresses of one /24: entries that never aggregate, so the reference can count plain strings.
    const set = fc.uniqueArray(fc.integer({ min: 0, max: 127 }), { maxLength: 60 });
    const gates = fc.record({
      maxShrink: fc.double({ min: 0.01, max: 1, noNaN: true }),
      maxChurn: fc.double({ min: 0.01, max: 1, noNaN: true }),
    });
    fc.assert(
      fc.property(set, set, gates, (a, b, g) => {
        const cidrs = (xs: number[]) => xs.map((x) => `192.0.2.${2 * x}/32`);
        const last = version(cidrs(a), 1);
        const next = version(cidrs(b), 2);
        const found = checkGates(next, last, { ...DEFAULT_GATES, ...g }).map((f) => f.gate);
        const A = new Set(a);
        const B = new Set(b);
        const same = a.length === b.length && a.every((x) => B.has(x));
        const shrink = !same && a.length > 0 && (a.length - b.length) / a.length > g.maxShrink;
        const added = b.filter((x) => !A.has(x)).length;
        const removed = a.filter((x) => !B.has(x)).length;
        const churn = !same && a.length > 0 && (added + removed) / (a.length + added) > g.maxChurn;
        expect(found).toEqual([...(shrink ? ['shrink'] : []), ...(churn ? ['churn'] : [])]);
      }),
      { numRuns: 200 },
    );
  });

  it('files (no serial) skip the serial gate', () => {
    const fileLast = { ...last, serial: null };
    expect(checkGates(version(hosts(0, 99), null), fileLast, DEFAULT_GATES)).toEqual([]);
  });
});

function prefixCountOf(v: SourceVersion): number {
  return v.members.v4.len.length + v.members.v6.len.length;
}

describe('commonEntries', () => {
  // Few distinct values, so that the lists share entries; IPv6 differing in any word or only in the length.
  const v4 = fc.tuple(
    fc.constantFrom(0, 0x0a000000, 0x0a000100, 0xc0000200, 0xffffffff),
    fc.integer({ min: 0, max: 32 }),
  );
  const word = fc.constantFrom(0, 1, 0x20010db8, 0xffffffff);
  const v6 = fc.tuple(word, word, word, word, fc.constantFrom(0, 32, 64, 127, 128));
  const list = fc.tuple(fc.array(v4, { maxLength: 30 }), fc.array(v6, { maxLength: 30 })).map(([four, six]) => {
    const b = new PrefixListBuilder();
    for (const [a, l] of four) b.addV4(a, l);
    for (const [w0, w1, w2, w3, l] of six) b.addV6(w0, w1, w2, w3, l);
    return b.build();
  });

  it('counts the entries both lists hold, as the exact differences do (either way round)', () => {
    fc.assert(
      fc.property(list, list, (a, b) => {
        expect(commonEntries(a, b)).toBe(prefixCount(a) - prefixCount(exactDifference(a, b)));
        expect(commonEntries(b, a)).toBe(prefixCount(b) - prefixCount(exactDifference(b, a)));
      }),
      { numRuns: 300 },
    );
  });
});

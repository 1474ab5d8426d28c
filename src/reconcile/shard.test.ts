import { expect, test } from 'vitest';
import { fnv1a32, shardOf } from './shard.js';

test('fnv1a32 gives the published FNV-1a test vectors', () => {
  // From the reference test suite of Fowler/Noll/Vo (isthe.com/chongo/src/fnv/test_fnv.c).
  expect(fnv1a32('')).toBe(0x811c9dc5);
  expect(fnv1a32('a')).toBe(0xe40c292c);
  expect(fnv1a32('foobar')).toBe(0xbf9cf968);
});

test('shardOf splits names across shards, every name in exactly one', () => {
  const names = Array.from({ length: 1000 }, (_, i) => `edge-${i}`);
  const counts = [0, 0, 0, 0];
  for (const name of names) counts[shardOf(name, 4)]!++;
  expect(counts.reduce((a, b) => a + b)).toBe(1000);
  // A hash that spreads: every shard gets at least 200 of the fair share of 250.
  for (const c of counts) expect(c).toBeGreaterThan(200);
  expect(shardOf('edge-7', 1)).toBe(0);
  expect(shardOf('edge-7', 3)).toBe(fnv1a32('edge-7') % 3);
});

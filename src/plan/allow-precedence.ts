// The allow list's precedence over the block list (README.md): which block entries the allow list cut into, each
// sample with the allow entry that cut it, and the proof on the desired groups that no block member shares an
// address with the allow group. Pure.

import { exactDifference, intersect, isEmptyList, prefixCount, prefixesToStrings } from '../cidr/index.js';
import type { PrefixList } from '../cidr/types.js';
import { InternalError } from '../errors.js';
import type { AllowPrecedence } from './model.js';
import { slicePrefixes, takePrefixes } from './prefix-window.js';

/** How many cut block entries the report names. */
export const PRECEDENCE_SAMPLE_SIZE = 5;

/**
 * block and allow aggregated, cut = block − allow. An entry of an aggregated list that the subtraction leaves whole
 * stays an entry of the result (its remnant cannot merge with a neighbour), so the entries of block missing from cut
 * are exactly those the allow list cut into.
 */
export function allowOverlaps(block: PrefixList, allow: PrefixList, cut: PrefixList): Omit<AllowPrecedence, 'proven'> {
  const hit = exactDifference(block, cut);
  const overlaps = prefixCount(hit);
  const sample: { allow: string; blockEntry: string }[] = [];
  for (let i = 0; i < Math.min(overlaps, PRECEDENCE_SAMPLE_SIZE); i++) {
    const entry = slicePrefixes(hit, i, i + 1);
    const shared = takePrefixes(intersect(entry, allow), 1);
    const at = indexContaining(allow, shared);
    if (at < 0) throw new InternalError('allow precedence: a cut block entry has no allow entry under it');
    sample.push({
      allow: prefixesToStrings(slicePrefixes(allow, at, at + 1))[0]!,
      blockEntry: prefixesToStrings(entry)[0]!,
    });
  }
  return { overlaps, sample };
}

/** The proof, after the cap: throws (a bug, never a feed's fault) when a block member meets the allow group. */
export function proveAllowPrecedence(block: PrefixList, allow: PrefixList): void {
  const shared = intersect(block, allow);
  if (!isEmptyList(shared)) {
    const first = prefixesToStrings(takePrefixes(shared, 1))[0];
    throw new InternalError(`allow precedence not proven: the block group still covers ${first} of the allow group`);
  }
}

/** List order index of the entry of an aggregated (disjoint) list that contains the one prefix in `one`. */
function indexContaining(list: PrefixList, one: PrefixList): number {
  if (one.v4.len.length === 1) {
    const a = list.v4.addr;
    const target = one.v4.addr[0]!;
    const i = lastAtOrBefore(a.length, (k) => a[k]! <= target);
    if (i < 0) return -1;
    const size = 2 ** (32 - list.v4.len[i]!);
    return target - a[i]! < size ? i : -1;
  }
  if (one.v6.len.length !== 1) return -1;
  const w = list.v6.words;
  const t = one.v6.words;
  const cmp = (k: number): number => {
    for (let j = 0; j < 4; j++) if (w[4 * k + j] !== t[j]) return w[4 * k + j]! < t[j]! ? -1 : 1;
    return 0;
  };
  const i = lastAtOrBefore(list.v6.len.length, (k) => cmp(k) <= 0);
  if (i < 0) return -1;
  // Contained when the first `len` bits agree.
  const len = list.v6.len[i]!;
  for (let j = 0; j < 4; j++) {
    const bits = Math.min(32, Math.max(0, len - 32 * j));
    if (bits === 0) break;
    const mask = bits === 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0;
    if (((w[4 * i + j]! ^ t[j]!) & mask) !== 0) return -1;
  }
  return list.v4.len.length + i;
}

/** The last index k in [0, n) with atOrBefore(k) true, for a predicate true on a prefix of the range; -1: none. */
function lastAtOrBefore(n: number, atOrBefore: (k: number) => boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (atOrBefore(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

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
    const at = firstOverlapping(allow, hit, i);
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

/** Entry i of a list (IPv4 first, then IPv6) as [first address, last address], each family apart by its flag. */
function rangeOf(list: PrefixList, i: number): { v6: boolean; first: bigint; last: bigint } {
  const n4 = list.v4.len.length;
  if (i < n4) {
    const first = BigInt(list.v4.addr[i]!);
    return { v6: false, first, last: first + (1n << BigInt(32 - list.v4.len[i]!)) - 1n };
  }
  const k = i - n4;
  const w = list.v6.words;
  let first = 0n;
  for (let j = 0; j < 4; j++) first = (first << 32n) | BigInt(w[4 * k + j]!);
  return { v6: true, first, last: first + (1n << BigInt(128 - list.v6.len[k]!)) - 1n };
}

/**
 * The list order index of the first entry of `allow` (aggregated: disjoint, sorted) sharing an address with entry
 * `at` of `block`, found by binary search (a 1M-entry allow list is not walked per sample); -1: none.
 */
function firstOverlapping(allow: PrefixList, block: PrefixList, at: number): number {
  const b = rangeOf(block, at);
  const n4 = allow.v4.len.length;
  const [from, to] = b.v6 ? [n4, n4 + allow.v6.len.length] : [0, n4];
  // The last allow entry starting at or before the block entry, then the one after it.
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rangeOf(allow, mid).first <= b.first) lo = mid + 1;
    else hi = mid;
  }
  for (const i of [lo - 1, lo]) {
    if (i < from || i >= to) continue;
    const a = rangeOf(allow, i);
    if (a.first <= b.last && b.first <= a.last) return i;
  }
  return -1;
}

// Sort order of raw IPv6 prefix arrays (address as four 32-bit words, then length ascending), each entry once,
// without a comparator in JavaScript: the entries are moved into the bucket of their top 16 bits in place, then
// runs of whole buckets are sorted by the IPv6 kernel (v6-sort.wat, an MSD radix sort on bytes), a run of at most
// SORT_PIECE entries (or one larger bucket) at a time, so the kernel's memory stays the size of one run. Equal
// entries share a bucket, so each run drops its repeats as it comes back from the kernel.
import { SORT_PIECE, sortUniqueV6Range } from './v6-kernel.js';

/** True when the first n entries are already in PrefixList order (common: files written by us). */
function isSortedV6(words: Uint32Array, len: Uint8Array, n: number): boolean {
  for (let i = 1; i < n; i++) {
    if (compareEntries(words, len, i - 1, i, 0) > 0) return false;
  }
  return true;
}

/** Compares entries a and b from word k on (words before k are equal), then by length. */
function compareEntries(words: Uint32Array, len: Uint8Array, a: number, b: number, k: number): number {
  for (let j = k; j < 4; j++) {
    const x = words[4 * a + j]!;
    const y = words[4 * b + j]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return len[a]! - len[b]!;
}

/**
 * Sorts the first n IPv6 entries of (words, len) in place into PrefixList order without repeats: returns how many
 * are left (at the front). The entries are first moved into the bucket of their top 16 bits in place (cycles of
 * swaps, American flag style: few buckets in real lists, since allocated space is a handful of /16s, so the writes
 * stream); runs of buckets are then sorted in the kernel's memory. No scratch the size of the list: at 1M entries
 * that was 17 MB of fresh pages per sort.
 */
export function sortUniqueV6(words: Uint32Array, len: Uint8Array, n: number): number {
  if (n < 2) return n;
  if (isSortedV6(words, len, n)) return dropRepeats(words, len, n);
  const start = new Uint32Array(65537);
  for (let i = 0; i < n; i++) start[(words[4 * i]! >>> 16) + 1]!++;
  for (let b = 1; b <= 65536; b++) start[b]! += start[b - 1]!;
  const fill = start.slice(0, 65536);
  for (let b = 0; b < 65536; b++) {
    const end = start[b + 1]!;
    while (fill[b]! < end) {
      // Carry the entry at the bucket's fill point to where it belongs, swapping, until one of bucket b comes back.
      const i = fill[b]!;
      const o = 4 * i;
      let w0 = words[o]!;
      let w1 = words[o + 1]!;
      let w2 = words[o + 2]!;
      let w3 = words[o + 3]!;
      let l = len[i]!;
      let d = w0 >>> 16;
      while (d !== b) {
        const j = fill[d]!++;
        const q = 4 * j;
        const t0 = words[q]!;
        const t1 = words[q + 1]!;
        const t2 = words[q + 2]!;
        const t3 = words[q + 3]!;
        const tl = len[j]!;
        words[q] = w0;
        words[q + 1] = w1;
        words[q + 2] = w2;
        words[q + 3] = w3;
        len[j] = l;
        w0 = t0;
        w1 = t1;
        w2 = t2;
        w3 = t3;
        l = tl;
        d = w0 >>> 16;
      }
      words[o] = w0;
      words[o + 1] = w1;
      words[o + 2] = w2;
      words[o + 3] = w3;
      len[i] = l;
      fill[b]!++;
    }
  }
  // Runs of whole buckets, each sorted on its own (entries of different buckets are already in order), moved down
  // over the repeats dropped before them.
  let out = 0;
  for (let b = 0, lo = 0; b < 65536;) {
    let hi = start[++b]!;
    while (b < 65536 && start[b + 1]! - lo <= SORT_PIECE) hi = start[++b]!;
    out += sortUniqueV6Range(words, len, lo, hi, out);
    lo = hi;
  }
  return out;
}

/** The first n entries, sorted, without repeats (moved down in place); returns how many are left. */
function dropRepeats(words: Uint32Array, len: Uint8Array, n: number): number {
  let out = 0;
  for (let i = 0; i < n; i++) {
    const o = 4 * i;
    const w0 = words[o]!;
    const w1 = words[o + 1]!;
    const w2 = words[o + 2]!;
    const w3 = words[o + 3]!;
    const l = len[i]!;
    const q = 4 * out;
    if (
      out > 0 &&
      len[out - 1] === l &&
      words[q - 1] === w3 &&
      words[q - 2] === w2 &&
      words[q - 3] === w1 &&
      words[q - 4] === w0
    ) {
      continue;
    }
    words[q] = w0;
    words[q + 1] = w1;
    words[q + 2] = w2;
    words[q + 3] = w3;
    len[out++] = l;
  }
  return out;
}

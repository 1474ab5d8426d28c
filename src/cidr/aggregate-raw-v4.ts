// aggregateRawV4: raw IPv4 entries (normalised, in any order, duplicates allowed) straight to the canonical minimal
// CIDR list, the same list `aggregate` returns, in one sort and one walk: merging needs entries ordered by address
// only (equal addresses merge whatever their lengths), and each merged block is split into prefixes as it closes,
// so no deduplicated list and no interval arrays are built in between.
import { sortV4ByAddress } from './sort.js';

/** SIZE[len]: the number of addresses in a /len. */
const SIZE = Float64Array.from({ length: 33 }, (_, len) => 2 ** (32 - len));
const TWO32 = 4294967296;

/** Returns new arrays of the exact size; the inputs' first n entries are overwritten. */
export function aggregateRawV4(addr: Uint32Array, len: Uint8Array, n: number): [Uint32Array, Uint8Array] {
  if (n === 0) return [new Uint32Array(0), new Uint8Array(0)];
  sortV4ByAddress(addr, len, n);
  // Written in place: the minimal split of a union of k aligned blocks has at most k prefixes, so when a block
  // closes at entry i the output is still at most i long and never overwrites an entry not yet read.
  const outAddr = addr;
  const outLen = len;
  let out = 0;
  let s = addr[0]!;
  let e = s + SIZE[len[0]!]!; // exclusive end, up to 2^32: kept as a number
  for (let i = 1; i <= n; i++) {
    let a = 0;
    let next = 0; // exclusive end of entry i
    if (i < n) {
      a = addr[i]!;
      next = a + SIZE[len[i]!]!;
      if (a <= e) {
        if (next > e) e = next;
        continue;
      }
    }
    // [s, e) is closed: split it greedily into the largest aligned blocks that fit.
    while (s < e) {
      const count = e - s;
      let k = count >= TWO32 ? 32 : 31 - Math.clz32(count);
      if (s !== 0) {
        const tz = 31 - Math.clz32((s & -s) >>> 0);
        if (tz < k) k = tz;
      }
      outAddr[out] = s;
      outLen[out++] = 32 - k;
      s += SIZE[32 - k]!;
    }
    s = a;
    e = next;
  }
  return [outAddr.slice(0, out), outLen.slice(0, out)];
}

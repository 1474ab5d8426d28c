// overlaps: whether two prefix lists share an address, without building the intersection. The lock-out check asks
// this of a 1M-entry block list and a handful of protected addresses on every plan; the interval walk behind
// `intersect` spends ~40 ms per call there building the big list's intervals, binary searches a few microseconds.
import { EMPTY_PREFIXES, isEmptyList, makePrefixList } from './builder.js';
import { intersect } from './set-ops.js';
import type { Ipv4Prefixes, PrefixList } from './types.js';

/** SIZE[len]: the number of addresses in a /len. */
const SIZE = Float64Array.from({ length: 33 }, (_, len) => 2 ** (32 - len));

/** True when some address is in both a and b (the same answer as `!isEmptyList(intersect(a, b))`). */
export function overlaps(a: PrefixList, b: PrefixList): boolean {
  const [small, big] = a.v4.len.length <= b.v4.len.length ? [a.v4, b.v4] : [b.v4, a.v4];
  for (let i = 0; i < small.len.length; i++) if (hitsV4(big, small.addr[i]!, small.len[i]!)) return true;
  if (a.v6.len.length === 0 || b.v6.len.length === 0) return false;
  // IPv6 lists here are small (protected addresses); the interval walk is fine for them.
  const v6 = (l: PrefixList) => makePrefixList(EMPTY_PREFIXES.v4.addr, EMPTY_PREFIXES.v4.len, l.v6.words, l.v6.len);
  return !isEmptyList(intersect(v6(a), v6(b)));
}

/** Whether a sorted list (PrefixList order; entries may nest) has an entry sharing an address with s/len. */
function hitsV4(list: Ipv4Prefixes, s: number, len: number): boolean {
  const { addr } = list;
  // An entry starting inside [s, e].
  const i = lowerBound(addr, s);
  if (i < addr.length && addr[i]! <= s + SIZE[len]! - 1) return true;
  // An entry starting before s that reaches it is an aligned block holding s, so shorter than len: s's network at
  // that length, exactly.
  for (let k = 0; k < len; k++) {
    const start = s - (s % SIZE[k]!);
    if (start !== s && hasEntry(list, start, k)) return true;
  }
  return false;
}

function hasEntry(list: Ipv4Prefixes, a: number, len: number): boolean {
  const { addr } = list;
  for (let i = lowerBound(addr, a); i < addr.length && addr[i] === a; i++) if (list.len[i] === len) return true;
  return false;
}

/** The first index whose address is >= a (addr.length when none). */
function lowerBound(addr: Uint32Array, a: number): number {
  let lo = 0;
  let hi = addr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (addr[mid]! < a) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

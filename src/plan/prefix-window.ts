// A window on a PrefixList without copying: the first n entries (IPv4 first, then IPv6), as subarray views.
// Views and reports list a few members of huge groups; converting all of them to strings would cost seconds.

import type { PrefixList } from '../cidr/types.js';

/** The first n entries of list in its own order (IPv4 before IPv6), sharing the list's buffers. */
export function takePrefixes(list: PrefixList, n: number): PrefixList {
  const n4 = Math.min(Math.max(n, 0), list.v4.len.length);
  const n6 = Math.min(Math.max(n - n4, 0), list.v6.len.length);
  return {
    v4: { addr: list.v4.addr.subarray(0, n4), len: list.v4.len.subarray(0, n4) },
    v6: { words: list.v6.words.subarray(0, 4 * n6), len: list.v6.len.subarray(0, n6) },
  };
}

/** Entries [from, to) of list in its own order (IPv4 before IPv6), sharing the list's buffers. */
export function slicePrefixes(list: PrefixList, from: number, to: number): PrefixList {
  const n4 = list.v4.len.length;
  const n6 = list.v6.len.length;
  const a = Math.min(Math.max(from, 0), n4 + n6);
  const b = Math.min(Math.max(to, a), n4 + n6);
  const a4 = Math.min(a, n4);
  const b4 = Math.min(b, n4);
  const a6 = Math.max(a - n4, 0);
  const b6 = Math.max(b - n4, 0);
  return {
    v4: { addr: list.v4.addr.subarray(a4, b4), len: list.v4.len.subarray(a4, b4) },
    v6: { words: list.v6.words.subarray(4 * a6, 4 * b6), len: list.v6.len.subarray(a6, b6) },
  };
}

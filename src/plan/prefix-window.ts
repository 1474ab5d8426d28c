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

// Exact-prefix operations: entries are compared as (address, length) pairs, not as address space. Plans use them
// because a device group's members are prefixes (10.0.0.0/8 and 10.1.0.0/16 are two members). Inputs may overlap;
// both are sorted (PrefixList invariants), so each operation is one merge walk and keeps list order.
import { makePrefixList } from './builder.js';
import type { Ipv4Prefixes, Ipv6Prefixes, PrefixList } from './types.js';

// Which entries a merge walk keeps: only in a, in both, only in b.
interface Keep {
  readonly onlyA: boolean;
  readonly both: boolean;
  readonly onlyB: boolean;
}

function compareV4(a: Ipv4Prefixes, i: number, b: Ipv4Prefixes, j: number): number {
  const x = a.addr[i]!;
  const y = b.addr[j]!;
  if (x !== y) return x < y ? -1 : 1;
  return a.len[i]! - b.len[j]!;
}

function mergeV4(a: Ipv4Prefixes, b: Ipv4Prefixes, keep: Keep): Ipv4Prefixes {
  const na = a.len.length;
  const nb = b.len.length;
  const addr = new Uint32Array(na + nb);
  const len = new Uint8Array(na + nb);
  let n = 0;
  let i = 0;
  let j = 0;
  while (i < na || j < nb) {
    const c = i >= na ? 1 : j >= nb ? -1 : compareV4(a, i, b, j);
    if (c < 0) {
      if (keep.onlyA) {
        addr[n] = a.addr[i]!;
        len[n++] = a.len[i]!;
      }
      i++;
    } else if (c > 0) {
      if (keep.onlyB) {
        addr[n] = b.addr[j]!;
        len[n++] = b.len[j]!;
      }
      j++;
    } else {
      if (keep.both) {
        addr[n] = a.addr[i]!;
        len[n++] = a.len[i]!;
      }
      i++;
      j++;
    }
  }
  return { addr: addr.slice(0, n), len: len.slice(0, n) };
}

function compareV6Across(a: Ipv6Prefixes, i: number, b: Ipv6Prefixes, j: number): number {
  for (let k = 0; k < 4; k++) {
    const x = a.words[4 * i + k]!;
    const y = b.words[4 * j + k]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.len[i]! - b.len[j]!;
}

function mergeV6(a: Ipv6Prefixes, b: Ipv6Prefixes, keep: Keep): Ipv6Prefixes {
  const na = a.len.length;
  const nb = b.len.length;
  const words = new Uint32Array(4 * (na + nb));
  const len = new Uint8Array(na + nb);
  let n = 0;
  const take = (src: Ipv6Prefixes, i: number): void => {
    words.set(src.words.subarray(4 * i, 4 * i + 4), 4 * n);
    len[n++] = src.len[i]!;
  };
  let i = 0;
  let j = 0;
  while (i < na || j < nb) {
    const c = i >= na ? 1 : j >= nb ? -1 : compareV6Across(a, i, b, j);
    if (c < 0) {
      if (keep.onlyA) take(a, i);
      i++;
    } else if (c > 0) {
      if (keep.onlyB) take(b, j);
      j++;
    } else {
      if (keep.both) take(a, i);
      i++;
      j++;
    }
  }
  return { words: words.slice(0, 4 * n), len: len.slice(0, n) };
}

function merge(a: PrefixList, b: PrefixList, keep: Keep): PrefixList {
  const v4 = mergeV4(a.v4, b.v4, keep);
  const v6 = mergeV6(a.v6, b.v6, keep);
  return makePrefixList(v4.addr, v4.len, v6.words, v6.len);
}

/** Entries of a not present as the same prefix in b. */
export function exactDifference(a: PrefixList, b: PrefixList): PrefixList {
  return merge(a, b, { onlyA: true, both: false, onlyB: false });
}

/** Entries present as the same prefix in both a and b. */
export function exactIntersection(a: PrefixList, b: PrefixList): PrefixList {
  return merge(a, b, { onlyA: false, both: true, onlyB: false });
}

/** Entries of a or b (each prefix once). */
export function exactUnion(a: PrefixList, b: PrefixList): PrefixList {
  return merge(a, b, { onlyA: true, both: true, onlyB: true });
}

/** True when a and b hold exactly the same prefixes. */
export function exactEquals(a: PrefixList, b: PrefixList): boolean {
  if (a.v4.len.length !== b.v4.len.length || a.v6.len.length !== b.v6.len.length) return false;
  for (let i = 0; i < a.v4.len.length; i++) {
    if (a.v4.addr[i] !== b.v4.addr[i] || a.v4.len[i] !== b.v4.len[i]) return false;
  }
  for (let i = 0; i < a.v6.len.length; i++) {
    if (compareV6Across(a.v6, i, b.v6, i) !== 0) return false;
  }
  return true;
}

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

/** Compares entry i of a with entry j of b in list order (words, then length). */
export function compareV6Across(a: Ipv6Prefixes, i: number, b: Ipv6Prefixes, j: number): number {
  const x = a.words;
  const y = b.words;
  const p = 4 * i;
  const q = 4 * j;
  if (x[p] !== y[q]) return x[p]! < y[q]! ? -1 : 1;
  if (x[p + 1] !== y[q + 1]) return x[p + 1]! < y[q + 1]! ? -1 : 1;
  if (x[p + 2] !== y[q + 2]) return x[p + 2]! < y[q + 2]! ? -1 : 1;
  if (x[p + 3] !== y[q + 3]) return x[p + 3]! < y[q + 3]! ? -1 : 1;
  return a.len[i]! - b.len[j]!;
}

/** Copies entry i of src to slot n of (words, len). */
function putV6(words: Uint32Array, len: Uint8Array, n: number, src: Ipv6Prefixes, i: number): void {
  const w = src.words;
  words[4 * n] = w[4 * i]!;
  words[4 * n + 1] = w[4 * i + 1]!;
  words[4 * n + 2] = w[4 * i + 2]!;
  words[4 * n + 3] = w[4 * i + 3]!;
  len[n] = src.len[i]!;
}

function mergeV6(a: Ipv6Prefixes, b: Ipv6Prefixes, keep: Keep): Ipv6Prefixes {
  const na = a.len.length;
  const nb = b.len.length;
  // Sized for what the walk can keep, not na + nb: exactDifference of 1M lists needs one list's room.
  const cap = (keep.onlyA || keep.both ? na : 0) + (keep.onlyB ? nb : 0);
  const words = new Uint32Array(4 * cap);
  const len = new Uint8Array(cap);
  let n = 0;
  let i = 0;
  let j = 0;
  while (i < na && j < nb) {
    const c = compareV6Across(a, i, b, j);
    if (c < 0) {
      if (keep.onlyA) putV6(words, len, n++, a, i);
      i++;
    } else if (c > 0) {
      if (keep.onlyB) putV6(words, len, n++, b, j);
      j++;
    } else {
      if (keep.both) putV6(words, len, n++, a, i);
      i++;
      j++;
    }
  }
  if (keep.onlyA) for (; i < na; i++) putV6(words, len, n++, a, i);
  if (keep.onlyB) for (; j < nb; j++) putV6(words, len, n++, b, j);
  return { words: n === cap ? words : words.slice(0, 4 * n), len: n === cap ? len : len.slice(0, n) };
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

/**
 * Both exact differences, a - b and b - a, in one walk per family (a plan's adds and removes when tscm owns the
 * whole group: two walks of 700k-entry lists each hour otherwise).
 */
export function exactDifferences(a: PrefixList, b: PrefixList): [onlyA: PrefixList, onlyB: PrefixList] {
  const [onlyA, onlyB] = differencesV4(a.v4, b.v4);
  const [a6, b6] = differencesV6(a.v6, b.v6);
  return [
    makePrefixList(onlyA.addr, onlyA.len, a6.words, a6.len),
    makePrefixList(onlyB.addr, onlyB.len, b6.words, b6.len),
  ];
}

function differencesV4(a: Ipv4Prefixes, b: Ipv4Prefixes): [Ipv4Prefixes, Ipv4Prefixes] {
  const na = a.len.length;
  const nb = b.len.length;
  // Sized for the worst case; only the pages written are ever touched.
  const addrA = new Uint32Array(na);
  const lenA = new Uint8Array(na);
  const addrB = new Uint32Array(nb);
  const lenB = new Uint8Array(nb);
  let x = 0;
  let y = 0;
  let i = 0;
  let j = 0;
  while (i < na && j < nb) {
    const p = a.addr[i]!;
    const q = b.addr[j]!;
    const c = p !== q ? (p < q ? -1 : 1) : a.len[i]! - b.len[j]!;
    if (c < 0) {
      addrA[x] = p;
      lenA[x++] = a.len[i++]!;
    } else if (c > 0) {
      addrB[y] = q;
      lenB[y++] = b.len[j++]!;
    } else {
      i++;
      j++;
    }
  }
  for (; i < na; i++, x++) {
    addrA[x] = a.addr[i]!;
    lenA[x] = a.len[i]!;
  }
  for (; j < nb; j++, y++) {
    addrB[y] = b.addr[j]!;
    lenB[y] = b.len[j]!;
  }
  return [
    { addr: addrA.slice(0, x), len: lenA.slice(0, x) },
    { addr: addrB.slice(0, y), len: lenB.slice(0, y) },
  ];
}

function differencesV6(a: Ipv6Prefixes, b: Ipv6Prefixes): [Ipv6Prefixes, Ipv6Prefixes] {
  const na = a.len.length;
  const nb = b.len.length;
  const wa = a.words;
  const wb = b.words;
  const la = a.len;
  const lb = b.len;
  // Sized for the worst case; only the pages written are ever touched.
  const wordsA = new Uint32Array(4 * na);
  const lenA = new Uint8Array(na);
  const wordsB = new Uint32Array(4 * nb);
  const lenB = new Uint8Array(nb);
  let x = 0;
  let y = 0;
  let i = 0;
  let j = 0;
  while (i < na && j < nb) {
    const p = 4 * i;
    const q = 4 * j;
    // Words are below 2^32: their difference is exact, and its sign is the order.
    let c = wa[p]! - wb[q]!;
    if (c === 0) {
      c = wa[p + 1]! - wb[q + 1]!;
      if (c === 0) {
        c = wa[p + 2]! - wb[q + 2]!;
        if (c === 0) c = wa[p + 3]! - wb[q + 3]! || la[i]! - lb[j]!;
      }
    }
    if (c < 0) {
      putV6(wordsA, lenA, x++, a, i++);
    } else if (c > 0) {
      putV6(wordsB, lenB, y++, b, j++);
    } else {
      i++;
      j++;
    }
  }
  wordsA.set(wa.subarray(4 * i, 4 * na), 4 * x);
  lenA.set(la.subarray(i, na), x);
  x += na - i;
  wordsB.set(wb.subarray(4 * j, 4 * nb), 4 * y);
  lenB.set(lb.subarray(j, nb), y);
  y += nb - j;
  return [
    { words: wordsA.slice(0, 4 * x), len: lenA.slice(0, x) },
    { words: wordsB.slice(0, 4 * y), len: lenB.slice(0, y) },
  ];
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

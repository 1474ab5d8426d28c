// IPv4 address sets as sorted, disjoint, non-adjacent intervals [start, end] (inclusive) in Uint32Arrays: 8 bytes
// per interval, so a 1M-entry set costs 8 MB and little garbage. Every operation is one linear walk.
import { splitRangeV4, type PrefixSink } from './range.js';

const POW2: number[] = Array.from({ length: 33 }, (_, k) => 2 ** k);

export class IntervalsV4 {
  start: Uint32Array;
  end: Uint32Array;
  n = 0;

  constructor(capacity: number) {
    this.start = new Uint32Array(Math.max(capacity, 4));
    this.end = new Uint32Array(Math.max(capacity, 4));
  }

  /** Appends [s, e] (s not below the previous start), merging it into the last interval when they touch. */
  push(s: number, e: number): void {
    const n = this.n;
    if (n > 0 && s <= this.end[n - 1]! + 1) {
      if (e > this.end[n - 1]!) this.end[n - 1] = e;
      return;
    }
    if (n === this.start.length) this.grow();
    this.start[n] = s;
    this.end[n] = e;
    this.n = n + 1;
  }

  private grow(): void {
    const start = new Uint32Array(this.start.length * 2);
    start.set(this.start);
    const end = new Uint32Array(this.end.length * 2);
    end.set(this.end);
    this.start = start;
    this.end = end;
  }
}

/** The address set of a sorted prefix array (PrefixList order), merged. */
export function intervalsFromV4(addr: Uint32Array, len: Uint8Array): IntervalsV4 {
  const n = len.length;
  const out = new IntervalsV4(n);
  for (let i = 0; i < n; i++) {
    const a = addr[i]!;
    out.push(a, a + POW2[32 - len[i]!]! - 1);
  }
  return out;
}

/**
 * The address set of a sorted prefix array (PrefixList order) as minimal prefixes, in address order, straight into
 * sink: each merged interval is split as soon as it is complete, none is stored (a 1M-entry aggregate saves two
 * 4 MB arrays and a pass).
 */
export function emitMergedV4(addr: Uint32Array, len: Uint8Array, sink: PrefixSink): void {
  const n = len.length;
  if (n === 0) return;
  let s = addr[0]!;
  let e = s + POW2[32 - len[0]!]! - 1;
  for (let i = 1; i < n; i++) {
    const a = addr[i]!;
    const end = a + POW2[32 - len[i]!]! - 1;
    if (a <= e + 1) {
      if (end > e) e = end;
      continue;
    }
    splitRangeV4(s, e, sink);
    s = a;
    e = end;
  }
  splitRangeV4(s, e, sink);
}

/**
 * The entries of `a` (sorted and disjoint: an aggregated list) that overlap an interval of `near`, as intervals:
 * a binary search per interval of `near`, so a few intervals against 1M entries touch a few entries.
 */
export function disjointNearV4(addr: Uint32Array, len: Uint8Array, near: IntervalsV4): IntervalsV4 {
  const out = new IntervalsV4(16);
  const n = len.length;
  let from = 0;
  for (let k = 0; k < near.n; k++) {
    const s = near.start[k]!;
    const e = near.end[k]!;
    // The last entry starting at or before s may reach into [s, e]; being disjoint, no earlier one does.
    let lo = from;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (addr[mid]! <= s) lo = mid + 1;
      else hi = mid;
    }
    let i = Math.max(from, lo - 1);
    for (; i < n && addr[i]! <= e; i++) out.push(addr[i]!, addr[i]! + POW2[32 - len[i]!]! - 1);
    // The last entry taken may reach into the next interval of `near` too (pushing it again merges).
    from = Math.max(from, i - 1);
  }
  return out;
}

export function unionV4(a: IntervalsV4, b: IntervalsV4): IntervalsV4 {
  const out = new IntervalsV4(a.n + b.n);
  let i = 0;
  let j = 0;
  while (i < a.n || j < b.n) {
    if (j >= b.n || (i < a.n && a.start[i]! <= b.start[j]!)) {
      out.push(a.start[i]!, a.end[i]!);
      i++;
    } else {
      out.push(b.start[j]!, b.end[j]!);
      j++;
    }
  }
  return out;
}

/** Addresses in a and not in b. */
export function subtractV4(a: IntervalsV4, b: IntervalsV4): IntervalsV4 {
  const out = new IntervalsV4(a.n);
  let j = 0;
  for (let i = 0; i < a.n; i++) {
    let s = a.start[i]!;
    const e = a.end[i]!;
    while (j < b.n && b.end[j]! < s) j++;
    // b intervals overlapping [s, e]; the last one may reach into the next a interval, so j stays on it.
    let k = j;
    while (k < b.n && b.start[k]! <= e) {
      if (b.start[k]! > s) out.push(s, b.start[k]! - 1);
      s = b.end[k]! + 1; // may be 2^32: a number, never stored
      if (s > e) break;
      k++;
    }
    if (s <= e) out.push(s, e);
    j = k;
  }
  return out;
}

/** Addresses in both a and b. */
export function intersectV4(a: IntervalsV4, b: IntervalsV4): IntervalsV4 {
  const out = new IntervalsV4(Math.min(a.n, b.n));
  let i = 0;
  let j = 0;
  while (i < a.n && j < b.n) {
    const lo = Math.max(a.start[i]!, b.start[j]!);
    const ae = a.end[i]!;
    const be = b.end[j]!;
    const hi = Math.min(ae, be);
    if (lo <= hi) out.push(lo, hi);
    if (ae <= be) i++;
    else j++;
  }
  return out;
}

/** Emits the minimal CIDR prefixes of the set, in address order. */
export function emitIntervalsV4(iv: IntervalsV4, sink: PrefixSink): void {
  for (let i = 0; i < iv.n; i++) splitRangeV4(iv.start[i]!, iv.end[i]!, sink);
}

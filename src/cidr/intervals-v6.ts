// IPv6 address sets as sorted, disjoint, non-adjacent intervals [start, end) of 128-bit BigInts. IPv6 block lists
// are small in practice, so this favours obviously-correct code over speed; the walks mirror intervals-v4.ts.
import { splitRangeV6, wordsToBigInt, type PrefixSink } from './range.js';

export class IntervalsV6 {
  readonly start: bigint[] = [];
  readonly end: bigint[] = [];

  get n(): number {
    return this.start.length;
  }

  /** Appends [s, e) (s not below the previous start), merging it into the last interval when they touch. */
  push(s: bigint, e: bigint): void {
    const last = this.start.length - 1;
    if (last >= 0 && s <= this.end[last]!) {
      if (e > this.end[last]!) this.end[last] = e;
      return;
    }
    this.start.push(s);
    this.end.push(e);
  }
}

/** The address set of a sorted IPv6 prefix array (PrefixList order), merged. */
export function intervalsFromV6(words: Uint32Array, len: Uint8Array): IntervalsV6 {
  const out = new IntervalsV6();
  for (let i = 0; i < len.length; i++) {
    const s = wordsToBigInt(words[4 * i]!, words[4 * i + 1]!, words[4 * i + 2]!, words[4 * i + 3]!);
    out.push(s, s + (1n << BigInt(128 - len[i]!)));
  }
  return out;
}

export function unionV6(a: IntervalsV6, b: IntervalsV6): IntervalsV6 {
  const out = new IntervalsV6();
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
export function subtractV6(a: IntervalsV6, b: IntervalsV6): IntervalsV6 {
  const out = new IntervalsV6();
  let j = 0;
  for (let i = 0; i < a.n; i++) {
    let s = a.start[i]!;
    const e = a.end[i]!;
    while (j < b.n && b.end[j]! <= s) j++;
    let k = j;
    while (k < b.n && b.start[k]! < e) {
      if (b.start[k]! > s) out.push(s, b.start[k]!);
      s = b.end[k]!;
      if (s >= e) break;
      k++;
    }
    if (s < e) out.push(s, e);
    j = k;
  }
  return out;
}

/** Addresses in both a and b. */
export function intersectV6(a: IntervalsV6, b: IntervalsV6): IntervalsV6 {
  const out = new IntervalsV6();
  let i = 0;
  let j = 0;
  while (i < a.n && j < b.n) {
    const as = a.start[i]!;
    const bs = b.start[j]!;
    const ae = a.end[i]!;
    const be = b.end[j]!;
    const lo = as > bs ? as : bs;
    const hi = ae < be ? ae : be;
    if (lo < hi) out.push(lo, hi);
    if (ae <= be) i++;
    else j++;
  }
  return out;
}

/** Emits the minimal CIDR prefixes of the set, in address order. */
export function emitIntervalsV6(iv: IntervalsV6, sink: PrefixSink): void {
  for (let i = 0; i < iv.n; i++) splitRangeV6(iv.start[i]!, iv.end[i]! - 1n, sink);
}

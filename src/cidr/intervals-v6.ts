// IPv6 address-space operations over sorted prefix arrays. A list is read as its merged intervals [start, end]
// (inclusive, so the end of the space fits) of 128-bit values as four 32-bit words, most significant first; each
// operation is one walk over its inputs' intervals that emits minimal prefixes as it goes: no BigInt, no object
// per entry, no interval arrays (at 1M entries those cost 32 MB each and the garbage collection that comes with
// them). 128-bit compare, +1 and -1 are done word by word.
import { splitRangeV6, type PrefixSink } from './range.js';
import type { Ipv6Prefixes } from './types.js';

const TWO32 = 4294967296;

/** Compares the values at word offsets i (of a) and j (of b). */
function cmp(a: Uint32Array, i: number, b: Uint32Array, j: number): number {
  if (a[i] !== b[j]) return a[i]! < b[j]! ? -1 : 1;
  if (a[i + 1] !== b[j + 1]) return a[i + 1]! < b[j + 1]! ? -1 : 1;
  if (a[i + 2] !== b[j + 2]) return a[i + 2]! < b[j + 2]! ? -1 : 1;
  if (a[i + 3] !== b[j + 3]) return a[i + 3]! < b[j + 3]! ? -1 : 1;
  return 0;
}

/** dst[di..] = src[si..] + delta (delta is 1 or -1; the caller guarantees no overflow or underflow). */
function addOne(dst: Uint32Array, di: number, src: Uint32Array, si: number, delta: 1 | -1): void {
  let carry: number = delta;
  for (let k = 3; k >= 0; k--) {
    let v = src[si + k]! + carry;
    carry = 0;
    if (v >= TWO32) {
      v -= TWO32;
      carry = 1;
    } else if (v < 0) {
      v += TWO32;
      carry = -1;
    }
    dst[di + k] = v;
  }
}

function copy(dst: Uint32Array, di: number, src: Uint32Array, si: number): void {
  dst[di] = src[si]!;
  dst[di + 1] = src[si + 1]!;
  dst[di + 2] = src[si + 2]!;
  dst[di + 3] = src[si + 3]!;
}

// HOST_MASK[4 * len + k]: the host bits of word k of a /len (all ones past the prefix).
const HOST_MASK = new Uint32Array(129 * 4);
for (let len = 0; len <= 128; len++) {
  for (let k = 0; k < 4; k++) {
    const bits = len - 32 * k;
    HOST_MASK[4 * len + k] = bits >= 32 ? 0 : bits <= 0 ? 0xffffffff : 0xffffffff >>> bits;
  }
}

const ONES = 0xffffffff;

/** a <= b + 1 for 128-bit values as words (when b is the last address, b + 1 is past the space: true). */
function touches(a0: number, a1: number, a2: number, a3: number, b0: number, b1: number, b2: number, b3: number) {
  if (a0 !== b0)
    return a0 < b0 || (a0 === b0 + 1 && a1 === 0 && a2 === 0 && a3 === 0 && b1 === ONES && b2 === ONES && b3 === ONES);
  if (a1 !== b1) return a1 < b1 || (a1 === b1 + 1 && a2 === 0 && a3 === 0 && b2 === ONES && b3 === ONES);
  if (a2 !== b2) return a2 < b2 || (a2 === b2 + 1 && a3 === 0 && b3 === ONES);
  return a3 <= b3 + 1;
}

/** a > b for 128-bit values as words. */
function greater(a0: number, a1: number, a2: number, a3: number, b0: number, b1: number, b2: number, b3: number) {
  if (a0 !== b0) return a0 > b0;
  if (a1 !== b1) return a1 > b1;
  if (a2 !== b2) return a2 > b2;
  return a3 > b3;
}

/** True when x (a 32-bit word) is 0...01...1. */
function isLowOnes(x: number): boolean {
  return (x & (x + 1)) === 0;
}

/**
 * Emits [s, e] (inclusive) as prefixes: as one prefix when it is one (e = s with all bits under some length set,
 * the usual case after merging a list), else by the greedy split.
 */
function emitRange(
  s0: number,
  s1: number,
  s2: number,
  s3: number,
  e0: number,
  e1: number,
  e2: number,
  e3: number,
  sink: PrefixSink,
): void {
  const x0 = (s0 ^ e0) >>> 0;
  const x1 = (s1 ^ e1) >>> 0;
  const x2 = (s2 ^ e2) >>> 0;
  const x3 = (s3 ^ e3) >>> 0;
  if ((s0 & x0) === 0 && (s1 & x1) === 0 && (s2 & x2) === 0 && (s3 & x3) === 0) {
    let len = -1;
    if (x0 !== 0) {
      if (isLowOnes(x0) && x1 === ONES && x2 === ONES && x3 === ONES) len = Math.clz32(x0);
    } else if (x1 !== 0) {
      if (isLowOnes(x1) && x2 === ONES && x3 === ONES) len = 32 + Math.clz32(x1);
    } else if (x2 !== 0) {
      if (isLowOnes(x2) && x3 === ONES) len = 64 + Math.clz32(x2);
    } else if (x3 !== 0) {
      if (isLowOnes(x3)) len = 96 + Math.clz32(x3);
    } else len = 128;
    if (len !== -1) {
      sink.addV6(s0, s1, s2, s3, len);
      return;
    }
  }
  splitRangeV6(s0, s1, s2, s3, e0, e1, e2, e3, sink);
}

/**
 * A cursor over the merged intervals of a sorted prefix array: cur holds [s0..s3, e0..e3] of the current interval
 * (inclusive), so a walk over two lists needs no interval arrays (at 1M entries those cost 32 MB each and the
 * garbage collection that comes with them).
 */
class MergedCursor {
  readonly cur = new Uint32Array(8);
  done = false;
  private i = 0;

  constructor(private readonly list: Ipv6Prefixes) {
    this.advance();
  }

  advance(): void {
    const { words, len } = this.list;
    const n = len.length;
    let i = this.i;
    if (i >= n) {
      this.done = true;
      return;
    }
    const o = 4 * i;
    const h = 4 * len[i]!;
    const s0 = words[o]!;
    const s1 = words[o + 1]!;
    const s2 = words[o + 2]!;
    const s3 = words[o + 3]!;
    let e0 = (s0 | HOST_MASK[h]!) >>> 0;
    let e1 = (s1 | HOST_MASK[h + 1]!) >>> 0;
    let e2 = (s2 | HOST_MASK[h + 2]!) >>> 0;
    let e3 = (s3 | HOST_MASK[h + 3]!) >>> 0;
    for (i++; i < n; i++) {
      const q = 4 * i;
      const a0 = words[q]!;
      const a1 = words[q + 1]!;
      const a2 = words[q + 2]!;
      const a3 = words[q + 3]!;
      if (!touches(a0, a1, a2, a3, e0, e1, e2, e3)) break;
      const g = 4 * len[i]!;
      const x0 = (a0 | HOST_MASK[g]!) >>> 0;
      const x1 = (a1 | HOST_MASK[g + 1]!) >>> 0;
      const x2 = (a2 | HOST_MASK[g + 2]!) >>> 0;
      const x3 = (a3 | HOST_MASK[g + 3]!) >>> 0;
      if (greater(x0, x1, x2, x3, e0, e1, e2, e3)) {
        e0 = x0;
        e1 = x1;
        e2 = x2;
        e3 = x3;
      }
    }
    this.i = i;
    const c = this.cur;
    c[0] = s0;
    c[1] = s1;
    c[2] = s2;
    c[3] = s3;
    c[4] = e0;
    c[5] = e1;
    c[6] = e2;
    c[7] = e3;
  }
}

function emitFrom(s: Uint32Array, si: number, e: Uint32Array, ei: number, sink: PrefixSink): void {
  emitRange(s[si]!, s[si + 1]!, s[si + 2]!, s[si + 3]!, e[ei]!, e[ei + 1]!, e[ei + 2]!, e[ei + 3]!, sink);
}

/**
 * Addresses in a and not in b (any sorted prefix arrays), emitted as minimal prefixes in address order. The pieces
 * of one interval of a are separated by b's intervals and a's intervals never touch, so nothing needs merging.
 */
export function subtractV6(a: Ipv6Prefixes, b: Ipv6Prefixes, sink: PrefixSink): void {
  const A = new MergedCursor(a);
  const B = new MergedCursor(b);
  const s = new Uint32Array(4); // the part of a's interval not yet handled starts here
  const t = new Uint32Array(4);
  const ac = A.cur;
  const bc = B.cur;
  for (; !A.done; A.advance()) {
    copy(s, 0, ac, 0);
    while (!B.done && cmp(bc, 4, s, 0) < 0) B.advance();
    let rest = true;
    // b intervals overlapping [s, a's end]; the last one may reach into a's next interval, so B stays on it.
    while (!B.done && cmp(bc, 0, ac, 4) <= 0) {
      if (cmp(bc, 0, s, 0) > 0) {
        addOne(t, 0, bc, 0, -1);
        emitFrom(s, 0, t, 0, sink);
      }
      if (cmp(bc, 4, ac, 4) >= 0) {
        rest = false;
        break;
      }
      addOne(s, 0, bc, 4, 1);
      B.advance();
    }
    if (rest) emitFrom(s, 0, ac, 4, sink);
  }
}

/**
 * Addresses in a or b: the intervals of both in start order, merged into a pending interval that is emitted when
 * the next one neither overlaps nor touches it.
 */
export function unionV6(a: Ipv6Prefixes, b: Ipv6Prefixes, sink: PrefixSink): void {
  const A = new MergedCursor(a);
  const B = new MergedCursor(b);
  const p = new Uint32Array(8); // pending [start, end]
  let pending = false;
  while (!A.done || !B.done) {
    const from = B.done || (!A.done && cmp(A.cur, 0, B.cur, 0) <= 0) ? A : B;
    const c = from.cur;
    if (pending && touches(c[0]!, c[1]!, c[2]!, c[3]!, p[4]!, p[5]!, p[6]!, p[7]!)) {
      if (cmp(c, 4, p, 4) > 0) copy(p, 4, c, 4);
    } else {
      if (pending) emitFrom(p, 0, p, 4, sink);
      p.set(c);
      pending = true;
    }
    from.advance();
  }
  if (pending) emitFrom(p, 0, p, 4, sink);
}

/** Addresses in both a and b. Pieces never touch: each ends where one list's interval ends, before its gap. */
export function intersectV6(a: Ipv6Prefixes, b: Ipv6Prefixes, sink: PrefixSink): void {
  const A = new MergedCursor(a);
  const B = new MergedCursor(b);
  const ac = A.cur;
  const bc = B.cur;
  while (!A.done && !B.done) {
    const lo = cmp(ac, 0, bc, 0) >= 0 ? ac : bc;
    const aEndsFirst = cmp(ac, 4, bc, 4) <= 0;
    const hi = aEndsFirst ? ac : bc;
    if (cmp(lo, 0, hi, 4) <= 0) emitFrom(lo, 0, hi, 4, sink);
    if (aEndsFirst) A.advance();
    else B.advance();
  }
}

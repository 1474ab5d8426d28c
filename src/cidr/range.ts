// Splitting an address range into the minimal list of CIDR prefixes (the canonical greedy split: at each step the
// largest aligned block that still fits). Used for `a-b` lines and to turn merged intervals back into prefixes.
// IPv6 values are four unsigned 32-bit words, most significant first (as in types.ts), never BigInt.

export interface PrefixSink {
  addV4(addr: number, len: number): void;
  addV6(w0: number, w1: number, w2: number, w3: number, len: number): void;
}

const TWO32 = 4294967296;
const POW2: number[] = Array.from({ length: 33 }, (_, k) => 2 ** k);

/** Emits the prefixes covering start..end (inclusive, unsigned 32-bit numbers, start <= end) in address order. */
export function splitRangeV4(start: number, end: number, sink: PrefixSink): void {
  let s = start;
  while (s <= end) {
    const count = end - s + 1;
    let k = count >= TWO32 ? 32 : 31 - Math.clz32(count);
    if (s !== 0) {
      const tz = 31 - Math.clz32((s & -s) >>> 0);
      if (tz < k) k = tz;
    }
    sink.addV4(s, 32 - k);
    s += POW2[k]!;
  }
}

/** Number of significant bits of a 128-bit value given as four words (0 for zero). */
function bitLength128(w0: number, w1: number, w2: number, w3: number): number {
  if (w0 !== 0) return 128 - Math.clz32(w0);
  if (w1 !== 0) return 96 - Math.clz32(w1);
  if (w2 !== 0) return 64 - Math.clz32(w2);
  return 32 - Math.clz32(w3);
}

/** Trailing zero bits of a 128-bit value (128 for zero). */
function trailingZeros128(w0: number, w1: number, w2: number, w3: number): number {
  if (w3 !== 0) return 31 - Math.clz32(w3 & -w3);
  if (w2 !== 0) return 63 - Math.clz32(w2 & -w2);
  if (w1 !== 0) return 95 - Math.clz32(w1 & -w1);
  if (w0 !== 0) return 127 - Math.clz32(w0 & -w0);
  return 128;
}

/** The low `bits` bits of word k (0..3, most significant first) of the 128-bit value 2^bits - 1. */
function lowMaskWord(bits: number, k: number): number {
  const b = bits - 32 * (3 - k);
  return b >= 32 ? 0xffffffff : b <= 0 ? 0 : POW2[b]! - 1;
}

/**
 * Emits the prefixes covering start..end (inclusive; 128-bit values as four unsigned words, most significant
 * first; start <= end) in address order. Word arithmetic, no BigInt: at each step the largest aligned block at s
 * that fits is 2^k with k = min(trailing zeros of s, bit length of end - s), less one unless end - s is all ones.
 */
export function splitRangeV6(
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
  for (;;) {
    // d = end - start, word by word with borrow (non-negative since start <= end).
    let d3 = e3 - s3;
    let borrow = d3 < 0 ? 1 : 0;
    d3 += borrow * TWO32;
    let d2 = e2 - s2 - borrow;
    borrow = d2 < 0 ? 1 : 0;
    d2 += borrow * TWO32;
    let d1 = e1 - s1 - borrow;
    borrow = d1 < 0 ? 1 : 0;
    d1 += borrow * TWO32;
    const d0 = e0 - s0 - borrow;
    const b = bitLength128(d0, d1, d2, d3);
    const t = trailingZeros128(s0, s1, s2, s3);
    let k = t < b ? t : b;
    let last = false;
    if (k === b) {
      if (
        d0 === lowMaskWord(b, 0) &&
        d1 === lowMaskWord(b, 1) &&
        d2 === lowMaskWord(b, 2) &&
        d3 === lowMaskWord(b, 3)
      ) {
        last = true;
      } else {
        k--;
      }
    }
    sink.addV6(s0, s1, s2, s3, 128 - k);
    if (last) return;
    // s += 2^k (k < 128; no overflow: the range goes on past this block).
    const step = POW2[k & 31]!;
    const word = 3 - (k >>> 5);
    if (word === 3) {
      s3 += step;
      if (s3 < TWO32) continue;
      s3 -= TWO32;
      s2 += 1;
    } else if (word === 2) s2 += step;
    else if (word === 1) s1 += step;
    else s0 += step;
    if (s2 >= TWO32) {
      s2 -= TWO32;
      s1 += 1;
    }
    if (s1 >= TWO32) {
      s1 -= TWO32;
      s0 += 1;
    }
  }
}

/** Compares two 128-bit values given as four words each. */
export function compareWordsV6(a: readonly number[], b: readonly number[]): number {
  for (let k = 0; k < 4; k++) if (a[k] !== b[k]) return a[k]! < b[k]! ? -1 : 1;
  return 0;
}

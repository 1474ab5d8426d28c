// Splitting an address range into the minimal list of CIDR prefixes (the canonical greedy split: at each step the
// largest aligned block that still fits). Used for `a-b` lines and to turn merged intervals back into prefixes.

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

const MASK32 = 0xffffffffn;

export function wordsToBigInt(w0: number, w1: number, w2: number, w3: number): bigint {
  return (BigInt(w0) << 96n) | (BigInt(w1) << 64n) | (BigInt(w2) << 32n) | BigInt(w3);
}

export function bigIntToWords(v: bigint): [number, number, number, number] {
  return [Number((v >> 96n) & MASK32), Number((v >> 64n) & MASK32), Number((v >> 32n) & MASK32), Number(v & MASK32)];
}

function bitLength(v: bigint): number {
  return v === 0n ? 0 : v.toString(2).length;
}

function trailingZeros(v: bigint): number {
  return bitLength(v & -v) - 1;
}

/** IPv6 counterpart of splitRangeV4 over 128-bit BigInts. */
export function splitRangeV6(start: bigint, end: bigint, sink: PrefixSink): void {
  let s = start;
  while (s <= end) {
    let k = bitLength(end - s + 1n) - 1;
    if (s !== 0n) k = Math.min(k, trailingZeros(s));
    const [w0, w1, w2, w3] = bigIntToWords(s);
    sink.addV6(w0, w1, w2, w3, 128 - k);
    s += 1n << BigInt(k);
  }
}

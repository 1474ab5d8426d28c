// Sort order of raw IPv6 prefix arrays (address as four 32-bit words, then length ascending) without a comparator.
// Most significant word first: the entries are radix-sorted on one word (an LSD radix sort of (word, index) pairs,
// 16-bit digits for large ranges, 8-bit for smaller ones, skipping digits that are the same everywhere), then each
// run of equal words is sorted on the next word the same way, and runs of a few entries by insertion. Real lists
// cluster (providers' /32s, hot /48s and /64s), so most entries are placed after one or two words.

const SMALL = 24; // ranges this short: insertion sort
const BIG = 1 << 16; // ranges at least this long: 16-bit digits (fewer passes); shorter: 8-bit (smaller counts)

// Histograms for every digit of one word, filled in one read pass: 2 x 65536 or 4 x 256 buckets (+1 for offsets).
let count16: Uint32Array | undefined; // 512 KB, made on first use (only lists of 65,536+ entries need it)
const COUNT8 = new Uint32Array(4 * 257);

/** True when the first n entries are already in PrefixList order (common: files written by us). */
function isSortedV6(words: Uint32Array, len: Uint8Array, n: number): boolean {
  for (let i = 1; i < n; i++) {
    if (compareEntries(words, len, i - 1, i, 0) > 0) return false;
  }
  return true;
}

/** Compares entries a and b from word k on (words before k are equal), then by length. */
function compareEntries(words: Uint32Array, len: Uint8Array, a: number, b: number, k: number): number {
  for (let j = k; j < 4; j++) {
    const x = words[4 * a + j]!;
    const y = words[4 * b + j]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return len[a]! - len[b]!;
}

class V6Sorter {
  private readonly key: Uint32Array;
  private readonly tmpKey: Uint32Array;
  private readonly tmpIdx: Uint32Array;

  constructor(
    private readonly words: Uint32Array,
    private readonly len: Uint8Array,
    readonly idx: Uint32Array,
  ) {
    const n = idx.length;
    this.key = new Uint32Array(n);
    this.tmpKey = new Uint32Array(n);
    this.tmpIdx = new Uint32Array(n);
  }

  /** Sorts idx[lo, hi) by words k..3 then length (the words before k are equal across the range). */
  sortRange(lo: number, hi: number, k: number): void {
    if (hi - lo <= SMALL) {
      this.insertion(lo, hi, k);
      return;
    }
    const { key, idx, words, len } = this;
    if (k === 4) for (let i = lo; i < hi; i++) key[i] = len[idx[i]!]!;
    else for (let i = lo; i < hi; i++) key[i] = words[4 * idx[i]! + k]!;
    if (hi - lo >= BIG && k < 4) this.radix16(lo, hi);
    else this.radix8(lo, hi, k === 4 ? 1 : 4);
    if (k === 4) return;
    // Runs of equal words: sort them on the next word.
    for (let i = lo; i < hi;) {
      const v = key[i]!;
      let j = i + 1;
      while (j < hi && key[j] === v) j++;
      if (j - i > 1) this.sortRange(i, j, k + 1);
      i = j;
    }
  }

  private insertion(lo: number, hi: number, k: number): void {
    const { idx, words, len } = this;
    for (let i = lo + 1; i < hi; i++) {
      const v = idx[i]!;
      let j = i - 1;
      while (j >= lo && compareEntries(words, len, idx[j]!, v, k) > 0) {
        idx[j + 1] = idx[j]!;
        j--;
      }
      idx[j + 1] = v;
    }
  }

  /** Two stable passes of 16 bits over (key, idx)[lo, hi). */
  private radix16(lo: number, hi: number): void {
    const { key } = this;
    const c = (count16 ??= new Uint32Array(2 * 65537));
    c.fill(0);
    for (let i = lo; i < hi; i++) {
      const v = key[i]!;
      c[(v & 0xffff) + 1]!++;
      c[65537 + (v >>> 16) + 1]!++;
    }
    let inTmp = false;
    for (let d = 0; d < 2; d++) {
      if (this.prefixSums(c, d * 65537, 65536, hi - lo)) continue;
      this.scatter(lo, hi, inTmp, c, d * 65537, 16 * d, 0xffff);
      inTmp = !inTmp;
    }
    if (inTmp) this.copyBack(lo, hi);
  }

  /** `digits` stable passes of 8 bits over (key, idx)[lo, hi). */
  private radix8(lo: number, hi: number, digits: number): void {
    const { key } = this;
    const c = COUNT8;
    c.fill(0);
    for (let i = lo; i < hi; i++) {
      const v = key[i]!;
      c[(v & 255) + 1]!++;
      c[257 + ((v >>> 8) & 255) + 1]!++;
      c[514 + ((v >>> 16) & 255) + 1]!++;
      c[771 + (v >>> 24) + 1]!++;
    }
    let inTmp = false;
    for (let d = 0; d < digits; d++) {
      if (this.prefixSums(c, d * 257, 256, hi - lo)) continue;
      this.scatter(lo, hi, inTmp, c, d * 257, 8 * d, 255);
      inTmp = !inTmp;
    }
    if (inTmp) this.copyBack(lo, hi);
  }

  /** Turns counts c[base+1 ..] into start offsets; true when one bucket holds all m entries (pass not needed). */
  private prefixSums(c: Uint32Array, base: number, buckets: number, m: number): boolean {
    for (let b = 1; b <= buckets; b++) if (c[base + b] === m) return true;
    for (let b = 1; b <= buckets; b++) c[base + b]! += c[base + b - 1]!;
    return false;
  }

  private scatter(lo: number, hi: number, inTmp: boolean, c: Uint32Array, base: number, shift: number, mask: number) {
    const srcKey = inTmp ? this.tmpKey : this.key;
    const srcIdx = inTmp ? this.tmpIdx : this.idx;
    const dstKey = inTmp ? this.key : this.tmpKey;
    const dstIdx = inTmp ? this.idx : this.tmpIdx;
    for (let i = lo; i < hi; i++) {
      const v = srcKey[i]!;
      const pos = lo + c[base + ((v >>> shift) & mask)]!++;
      dstKey[pos] = v;
      dstIdx[pos] = srcIdx[i]!;
    }
  }

  private copyBack(lo: number, hi: number): void {
    this.key.set(this.tmpKey.subarray(lo, hi), lo);
    this.idx.set(this.tmpIdx.subarray(lo, hi), lo);
  }
}

/**
 * Sorts the first n IPv6 entries of (words, len) in place into PrefixList order. The entries are first moved into
 * the bucket of their top 16 bits in place (cycles of swaps, American flag style: few buckets in real lists, since
 * allocated space is a handful of /16s, so the writes stream); each bucket is then copied to a scratch area the size
 * of the largest bucket, ordered there as a permutation (V6Sorter) and gathered back, reads staying inside the
 * bucket. No scratch the size of the list: at 1M entries that was 17 MB of fresh pages per sort.
 */
export function sortV6(words: Uint32Array, len: Uint8Array, n: number): void {
  if (n < 2 || isSortedV6(words, len, n)) return;
  const start = new Uint32Array(65537);
  for (let i = 0; i < n; i++) start[(words[4 * i]! >>> 16) + 1]!++;
  for (let b = 1; b <= 65536; b++) start[b]! += start[b - 1]!;
  const fill = start.slice(0, 65536);
  for (let b = 0; b < 65536; b++) {
    const end = start[b + 1]!;
    while (fill[b]! < end) {
      // Carry the entry at the bucket's fill point to where it belongs, swapping, until one of bucket b comes back.
      const i = fill[b]!;
      const o = 4 * i;
      let w0 = words[o]!;
      let w1 = words[o + 1]!;
      let w2 = words[o + 2]!;
      let w3 = words[o + 3]!;
      let l = len[i]!;
      let d = w0 >>> 16;
      while (d !== b) {
        const j = fill[d]!++;
        const q = 4 * j;
        const t0 = words[q]!;
        const t1 = words[q + 1]!;
        const t2 = words[q + 2]!;
        const t3 = words[q + 3]!;
        const tl = len[j]!;
        words[q] = w0;
        words[q + 1] = w1;
        words[q + 2] = w2;
        words[q + 3] = w3;
        len[j] = l;
        w0 = t0;
        w1 = t1;
        w2 = t2;
        w3 = t3;
        l = tl;
        d = w0 >>> 16;
      }
      words[o] = w0;
      words[o + 1] = w1;
      words[o + 2] = w2;
      words[o + 3] = w3;
      len[i] = l;
      fill[b]!++;
    }
  }
  let largest = 0;
  for (let b = 0; b < 65536; b++) largest = Math.max(largest, start[b + 1]! - start[b]!);
  const scratchWords = new Uint32Array(4 * largest);
  const scratchLen = new Uint8Array(largest);
  const idx = new Uint32Array(largest);
  const sorter = new V6Sorter(scratchWords, scratchLen, idx);
  for (let b = 0; b < 65536; b++) {
    const lo = start[b]!;
    const hi = start[b + 1]!;
    const m = hi - lo;
    if (m < 2) continue;
    scratchWords.set(words.subarray(4 * lo, 4 * hi));
    scratchLen.set(len.subarray(lo, hi));
    for (let k = 0; k < m; k++) idx[k] = k;
    sorter.sortRange(0, m, 0);
    for (let k = 0; k < m; k++) {
      const j = idx[k]!;
      const o = 4 * j;
      const q = 4 * (lo + k);
      words[q] = scratchWords[o]!;
      words[q + 1] = scratchWords[o + 1]!;
      words[q + 2] = scratchWords[o + 2]!;
      words[q + 3] = scratchWords[o + 3]!;
      len[lo + k] = scratchLen[j]!;
    }
  }
}

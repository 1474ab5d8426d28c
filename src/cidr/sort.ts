// Sorting of raw prefix arrays into PrefixList order (address, then length ascending) without per-entry objects.
// IPv4 uses an LSD radix sort on the address (two stable 16-bit passes, skipped for sorted input), several times
// faster than a comparison sort at 1M entries. IPv6: sort-v6.ts.

/** True when the first n addresses are in ascending order (common: files written by us or by iprange). */
function isSortedByAddress(addr: Uint32Array, n: number): boolean {
  for (let i = 1; i < n; i++) if (addr[i - 1]! > addr[i]!) return false;
  return true;
}

// At most this share of out-of-order entries (1/16) takes the nearly-sorted path; the index of each must fit in
// the 21 bits under the address in a float64 sort key.
const NEARLY_SORTED_SHIFT = 4;
const MAX_OUT_OF_ORDER = (1 << 21) - 1;

/**
 * Input sorted but for a few entries (a sorted file where some entries had host bits, masked down once parsed): the
 * entries not below the last kept one stay in order at the front, the others are set aside, sorted (stable: the
 * key is address, then input index) and merged in from the back. Returns false, having changed nothing, when more
 * than 1/16 of the entries are out of order.
 */
function sortNearlySorted(addr: Uint32Array, len: Uint8Array, n: number): boolean {
  const limit = Math.min(n >>> NEARLY_SORTED_SHIFT, MAX_OUT_OF_ORDER);
  let out = 0;
  let last = addr[0]!;
  for (let i = 1; i < n; i++) {
    const a = addr[i]!;
    if (a >= last) last = a;
    else if (++out > limit) return false;
  }
  const keys = new Float64Array(out);
  const asideLen = new Uint8Array(out);
  let kept = 1;
  let o = 0;
  last = addr[0]!;
  for (let i = 1; i < n; i++) {
    const a = addr[i]!;
    if (a >= last) {
      last = a;
      addr[kept] = a;
      len[kept++] = len[i]!;
    } else {
      keys[o] = a * 2097152 + o;
      asideLen[o++] = len[i]!;
    }
  }
  keys.sort();
  // Backwards merge: an aside entry goes after the kept ones of its address (they all came before it in the input).
  let i = kept - 1;
  let w = n - 1;
  for (let j = out - 1; j >= 0; j--) {
    const a = Math.floor(keys[j]! / 2097152);
    while (i >= 0 && addr[i]! > a) {
      addr[w] = addr[i]!;
      len[w--] = len[i--]!;
    }
    addr[w] = a;
    len[w--] = asideLen[keys[j]! % 2097152]!;
  }
  return true;
}

/** Up to this many entries an insertion sort: the radix path's two 256 KiB histograms cost more than the sort. */
const SMALL_SORT = 32;

function insertionSortV4(addr: Uint32Array, len: Uint8Array, n: number): void {
  for (let i = 1; i < n; i++) {
    const a = addr[i]!;
    const l = len[i]!;
    let j = i - 1;
    for (; j >= 0 && addr[j]! > a; j--) {
      addr[j + 1] = addr[j]!;
      len[j + 1] = len[j]!;
    }
    addr[j + 1] = a;
    len[j + 1] = l;
  }
}

/**
 * Sorts the first n entries of (addr, len) in place by address (stable: equal addresses keep their order).
 * Already sorted input costs one linear check, nearly sorted input two linear passes and a small sort. Otherwise two stable 16-bit LSD passes, both histograms counted in
 * one read pass.
 */
export function sortV4ByAddress(addr: Uint32Array, len: Uint8Array, n: number): void {
  if (n < 2 || isSortedByAddress(addr, n)) return;
  if (n <= SMALL_SORT) return insertionSortV4(addr, len, n);
  if (sortNearlySorted(addr, len, n)) return;
  const tmpAddr = new Uint32Array(n);
  const tmpLen = new Uint8Array(n);
  const low = new Uint32Array(65536);
  const high = new Uint32Array(65536);
  for (let i = 0; i < n; i++) {
    const a = addr[i]!;
    low[a & 0xffff]!++;
    high[a >>> 16]!++;
  }
  // Counts -> start offsets.
  let sumLow = 0;
  let sumHigh = 0;
  for (let b = 0; b < 65536; b++) {
    const l = low[b]!;
    low[b] = sumLow;
    sumLow += l;
    const h = high[b]!;
    high[b] = sumHigh;
    sumHigh += h;
  }
  // Pass 1: by low 16 bits, main -> tmp.
  for (let i = 0; i < n; i++) {
    const a = addr[i]!;
    const pos = low[a & 0xffff]!++;
    tmpAddr[pos] = a;
    tmpLen[pos] = len[i]!;
  }
  // Pass 2: by high 16 bits, tmp -> main.
  for (let i = 0; i < n; i++) {
    const a = tmpAddr[i]!;
    const pos = high[a >>> 16]!++;
    addr[pos] = a;
    len[pos] = tmpLen[i]!;
  }
}

/**
 * Sorts the first n entries of (addr, len) in place by address then length: by address, then each run of equal
 * addresses (short and rare in real lists) is put in order by sorting its lengths alone.
 */
export function sortV4(addr: Uint32Array, len: Uint8Array, n: number): void {
  sortV4ByAddress(addr, len, n);
  for (let i = 1; i < n; i++) {
    if (addr[i] !== addr[i - 1]) continue;
    const start = i - 1;
    let unsorted = false;
    while (i < n && addr[i] === addr[start]) {
      if (len[i]! < len[i - 1]!) unsorted = true;
      i++;
    }
    if (unsorted) len.subarray(start, i).sort();
  }
}

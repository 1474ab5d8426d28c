// Sorting of raw prefix arrays into PrefixList order (address, then length ascending) without per-entry objects.
// IPv4 uses an LSD radix sort on the address (two stable 16-bit passes, skipped for sorted input), several times
// faster than a comparison sort at 1M entries. IPv6: sort-v6.ts.

/** True when the first n addresses are in ascending order (common: files written by us or by iprange). */
function isSortedByAddress(addr: Uint32Array, n: number): boolean {
  for (let i = 1; i < n; i++) if (addr[i - 1]! > addr[i]!) return false;
  return true;
}

/**
 * Sorts the first n entries of (addr, len) in place by address (stable: equal addresses keep their order).
 * Already sorted input costs one linear check. Otherwise two stable 16-bit LSD passes, both histograms counted in
 * one read pass.
 */
export function sortV4ByAddress(addr: Uint32Array, len: Uint8Array, n: number): void {
  if (n < 2 || isSortedByAddress(addr, n)) return;
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

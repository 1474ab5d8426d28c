// validatePrefixList: checks the PrefixList invariants of types.ts. For data read from outside the process (a
// cache file, a hand-made list) before it is trusted as a PrefixList, and for tests.
import type { PrefixList } from './types.js';

function compareWords(w: Uint32Array, i: number, j: number): number {
  for (let k = 0; k < 4; k++) {
    const a = w[4 * i + k]!;
    const b = w[4 * j + k]!;
    if (a !== b) return a < b ? -1 : 1;
  }
  return 0;
}

/** Returns null when list satisfies every invariant, else a description of the first violation. */
export function validatePrefixList(list: PrefixList): string | null {
  const { addr, len } = list.v4;
  if (addr.length !== len.length) return `IPv4 arrays differ in length (${addr.length} vs ${len.length})`;
  for (let i = 0; i < len.length; i++) {
    const l = len[i]!;
    if (l > 32) return `IPv4 entry ${i}: length ${l} > 32`;
    if (l < 32 && addr[i]! % 2 ** (32 - l) !== 0) return `IPv4 entry ${i}: host bits set`;
    if (i > 0) {
      const p = addr[i - 1]!;
      const a = addr[i]!;
      if (p > a || (p === a && len[i - 1]! >= l)) return `IPv4 entry ${i}: out of order or duplicate`;
    }
  }
  const w = list.v6.words;
  const l6 = list.v6.len;
  if (w.length !== 4 * l6.length) return `IPv6 arrays differ in length (${w.length} words, ${l6.length} lengths)`;
  for (let i = 0; i < l6.length; i++) {
    const l = l6[i]!;
    if (l > 128) return `IPv6 entry ${i}: length ${l} > 128`;
    for (let k = 0; k < 4; k++) {
      const bits = l - 32 * k; // network bits inside word k
      if (bits < 32 && w[4 * i + k]! % 2 ** (32 - Math.max(bits, 0)) !== 0) return `IPv6 entry ${i}: host bits set`;
    }
    if (i > 0) {
      const c = compareWords(w, i - 1, i);
      if (c > 0 || (c === 0 && l6[i - 1]! >= l)) return `IPv6 entry ${i}: out of order or duplicate`;
    }
  }
  return null;
}

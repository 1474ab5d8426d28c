// capPrefixes: cut a list to a device's maximum group size with a deterministic rule (see README.md): keep the
// widest prefixes first — IPv4 before IPv6, then shorter prefix length first, then lower address.
import { InternalError } from '../errors.js';
import { EMPTY_PREFIXES, makePrefixList } from './builder.js';
import type { PrefixList } from './types.js';

export interface CapResult {
  /** At most `limit` entries, in list order. */
  readonly kept: PrefixList;
  /** The rest, in list order. */
  readonly dropped: PrefixList;
}

/**
 * Marks which entries of one family to keep when `budget` of them may stay: all entries shorter than a threshold
 * length, then entries of exactly that length from the lowest address (list order is address order) until full.
 */
function keepMask(len: Uint8Array, budget: number, maxLen: number): Uint8Array {
  const n = len.length;
  const mask = new Uint8Array(n);
  if (budget >= n) return mask.fill(1);
  if (budget <= 0) return mask;
  const histogram = new Uint32Array(maxLen + 1);
  for (let i = 0; i < n; i++) histogram[len[i]!]!++;
  let threshold = 0;
  let below = 0; // entries with length < threshold
  while (below + histogram[threshold]! <= budget) {
    below += histogram[threshold]!;
    threshold++;
  }
  let atThreshold = budget - below;
  for (let i = 0; i < n; i++) {
    const l = len[i]!;
    if (l < threshold) mask[i] = 1;
    else if (l === threshold && atThreshold > 0) {
      mask[i] = 1;
      atThreshold--;
    }
  }
  return mask;
}

function splitV4(list: PrefixList, mask: Uint8Array, want: number): [Uint32Array, Uint8Array] {
  const { addr, len } = list.v4;
  const outAddr = new Uint32Array(len.length);
  const outLen = new Uint8Array(len.length);
  let n = 0;
  for (let i = 0; i < len.length; i++) {
    if (mask[i] === want) {
      outAddr[n] = addr[i]!;
      outLen[n++] = len[i]!;
    }
  }
  return [outAddr.slice(0, n), outLen.slice(0, n)];
}

function splitV6(list: PrefixList, mask: Uint8Array, want: number): [Uint32Array, Uint8Array] {
  const { words, len } = list.v6;
  const outWords = new Uint32Array(words.length);
  const outLen = new Uint8Array(len.length);
  let n = 0;
  for (let i = 0; i < len.length; i++) {
    if (mask[i] === want) {
      outWords.set(words.subarray(4 * i, 4 * i + 4), 4 * n);
      outLen[n++] = len[i]!;
    }
  }
  return [outWords.slice(0, 4 * n), outLen.slice(0, n)];
}

/** Splits list into the `limit` entries to keep and the rest. limit must be a non-negative integer. */
export function capPrefixes(list: PrefixList, limit: number): CapResult {
  if (!Number.isInteger(limit) || limit < 0)
    throw new InternalError(`cap limit must be a non-negative integer: ${limit}`);
  const n4 = list.v4.len.length;
  // Under the limit (the usual case): everything is kept, no copy.
  if (n4 + list.v6.len.length <= limit) return { kept: list, dropped: EMPTY_PREFIXES };
  const mask4 = keepMask(list.v4.len, limit, 32);
  const mask6 = keepMask(list.v6.len, Math.max(0, limit - n4), 128);
  return {
    kept: makePrefixList(...splitV4(list, mask4, 1), ...splitV6(list, mask6, 1)),
    dropped: makePrefixList(...splitV4(list, mask4, 0), ...splitV6(list, mask6, 0)),
  };
}

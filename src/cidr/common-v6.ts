// Dropping the entries two IPv6 lists share before subtracting one from the other. Two versions of one feed (the
// hourly case: ~2% changed) share almost every entry, and comparing entries is cheaper than walking both lists'
// merged intervals. Valid when a's entries do not overlap (a canonical list): with C the shared blocks,
// (a \ C) \ (b \ C) = a \ b because C is inside b, and a's other entries keep exactly the addresses of a \ C.
import { compareV6Across as order } from './exact-ops.js';
import type { Ipv6Prefixes } from './types.js';

/** Only worth it when at most this share of the entries is left: otherwise the plain walk is as fast. */
const MAX_LEFT_SHARE = 0.25;

/** UNSHARED = [entries only in a, entries only in b], as countUnshared found them. */
const UNSHARED = new Float64Array(2);

/** Counts the entries of a and of b that are not in both into UNSHARED; false once more than budget are. */
function countUnshared(a: Ipv6Prefixes, b: Ipv6Prefixes, budget: number): boolean {
  const na = a.len.length;
  const nb = b.len.length;
  let i = 0;
  let j = 0;
  let onlyA = 0;
  let onlyB = 0;
  while (i < na && j < nb) {
    const c = order(a, i, b, j);
    if (c === 0) {
      i++;
      j++;
      continue;
    }
    if (c < 0) {
      i++;
      onlyA++;
    } else {
      j++;
      onlyB++;
    }
    if (onlyA + onlyB > budget) return false;
  }
  onlyA += na - i;
  onlyB += nb - j;
  UNSHARED[0] = onlyA;
  UNSHARED[1] = onlyB;
  return onlyA + onlyB <= budget;
}

function keep(from: Ipv6Prefixes, i: number, to: { words: Uint32Array; len: Uint8Array }, k: number): void {
  to.words.set(from.words.subarray(4 * i, 4 * i + 4), 4 * k);
  to.len[k] = from.len[i]!;
}

/**
 * a and b without the entries they share, or null when they share too little for that to pay. a must be
 * canonical (non-overlapping entries); b any sorted list.
 */
export function withoutSharedV6(a: Ipv6Prefixes, b: Ipv6Prefixes): [Ipv6Prefixes, Ipv6Prefixes] | null {
  const na = a.len.length;
  const nb = b.len.length;
  if (na + nb < 1024) return null;
  if (!countUnshared(a, b, Math.floor((na + nb) * MAX_LEFT_SHARE))) return null;
  const ra = { words: new Uint32Array(4 * UNSHARED[0]!), len: new Uint8Array(UNSHARED[0]!) };
  const rb = { words: new Uint32Array(4 * UNSHARED[1]!), len: new Uint8Array(UNSHARED[1]!) };
  let ka = 0;
  let kb = 0;
  for (let i = 0, j = 0; i < na || j < nb;) {
    const c = i === na ? 1 : j === nb ? -1 : order(a, i, b, j);
    if (c === 0) {
      i++;
      j++;
    } else if (c < 0) keep(a, i++, ra, ka++);
    else keep(b, j++, rb, kb++);
  }
  return [ra, rb];
}

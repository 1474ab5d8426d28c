// Is a list already the canonical minimal CIDR list (what aggregate returns)? A linear pass, so aggregate can hand
// back an already aggregated list as it is: pipelines aggregate a zone once for its figures and again inside the
// desired state, and a 1M-entry re-aggregation costs tens of milliseconds.
//
// A sorted list of disjoint prefixes is minimal exactly when no two buddies (the two halves of one parent prefix)
// are both in it: if a member q were not a maximal block, its buddy's range would be covered by members inside
// it, and the longest member there has its own buddy present. Buddies are neighbours in a sorted list, so one
// pass over the typed arrays decides it.

import type { Ipv4Prefixes } from './types.js';

/** SIZE[len] = the number of addresses in a /len. */
const SIZE = Float64Array.from({ length: 33 }, (_, len) => 2 ** (32 - len));

export function isCanonicalV4(v4: Ipv4Prefixes): boolean {
  const { addr, len } = v4;
  const last = addr.length - 1;
  for (let i = 0; i < last; i++) {
    const a = addr[i]!;
    const l = len[i]!;
    const size = SIZE[l]!;
    const next = addr[i + 1]!;
    if (next < a + size) return false; // overlap or duplicate
    // next is a's buddy: same length, right after a, and a is the left half of its parent
    if (len[i + 1] === l && next === a + size && l > 0 && a % (2 * size) === 0) return false;
  }
  return true;
}

// Lists made canonical by construction (aggregate's results, parseCidrText { aggregate }): aggregate hands them
// back without the linear check. PrefixLists are values nobody writes into, so the mark stays true.
const KNOWN_CANONICAL = new WeakSet<object>();

export function markCanonical<T extends object>(list: T): T {
  KNOWN_CANONICAL.add(list);
  return list;
}

export function isMarkedCanonical(list: object): boolean {
  return KNOWN_CANONICAL.has(list);
}

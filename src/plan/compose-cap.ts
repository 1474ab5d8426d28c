// The priority cap (issue 12): a list's sources as disjoint parts in priority order, cut to a budget so that the
// lowest-priority part loses its entries first; within a part, capPrefixes' rule (widest first). Pure.

import { aggregate, capPrefixes, EMPTY_PREFIXES, prefixCount, subtract, union } from '../cidr/index.js';
import type { PrefixList } from '../cidr/types.js';

/** The union of lists, aggregated. */
export function unionAll(lists: readonly PrefixList[]): PrefixList {
  // One list (the usual case): aggregate returns an aggregated list as it is, without a copy.
  if (lists.length === 1) return aggregate(lists[0]!);
  return lists.reduce((a, b) => union(a, b), EMPTY_PREFIXES);
}

/**
 * Each (aggregated) source minus every source of higher priority: disjoint parts whose union is the merged list,
 * so an address belongs to (and is counted for) the highest-priority source that names it.
 */
export function disjointParts(lists: readonly PrefixList[]): PrefixList[] {
  let seen = EMPTY_PREFIXES;
  return lists.map((list, i) => {
    const part = i === 0 ? list : subtract(list, seen);
    seen = i === 0 ? list : union(seen, list);
    return part;
  });
}

export interface PartsCap {
  /** What each part keeps and what the cap left out of it, in the parts' order. */
  readonly kept: PrefixList[];
  readonly dropped: PrefixList[];
  /** The kept parts merged (aggregated): at most `budget` entries. */
  readonly members: PrefixList;
}

/**
 * The parts cut to `budget` entries. Under budget once merged (entries of different sources may merge into one):
 * nothing is dropped. Over it: the parts are filled in priority order, each with what the parts before it left,
 * so the cap takes from the lowest priority first.
 */
export function capParts(parts: readonly PrefixList[], budget: number): PartsCap {
  const merged = unionAll(parts);
  if (prefixCount(merged) <= budget) {
    return { kept: [...parts], dropped: parts.map(() => EMPTY_PREFIXES), members: merged };
  }
  let left = budget;
  const kept: PrefixList[] = [];
  const dropped: PrefixList[] = [];
  for (const part of parts) {
    const cut = capPrefixes(part, left);
    left -= prefixCount(cut.kept);
    kept.push(cut.kept);
    dropped.push(cut.dropped);
  }
  return { kept, dropped, members: unionAll(kept) };
}

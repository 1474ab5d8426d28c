// Address-space set operations. Every result is aggregated: the canonical minimal CIDR list (no overlaps,
// adjacent blocks merged), exactly what `iprange --optimize` prints for the same address set.
import {
  emitIntervalsV4,
  intersectV4,
  intervalsFromV4,
  subtractV4,
  unionV4,
  type IntervalsV4,
} from './intervals-v4.js';
import {
  emitIntervalsV6,
  intersectV6,
  intervalsFromV6,
  subtractV6,
  unionV6,
  type IntervalsV6,
} from './intervals-v6.js';
import { isCanonicalV4, isMarkedCanonical, markCanonical } from './canonical.js';
import { SortedPrefixWriter } from './sorted-writer.js';
import type { PrefixList } from './types.js';

function v4Of(list: PrefixList): IntervalsV4 {
  return intervalsFromV4(list.v4.addr, list.v4.len);
}

function v6Of(list: PrefixList): IntervalsV6 {
  return intervalsFromV6(list.v6.words, list.v6.len);
}

function toList(v4: IntervalsV4, v6: IntervalsV6): PrefixList {
  // Splitting merged intervals in order yields sorted, unique, normalised prefixes: no sort needed.
  const out = new SortedPrefixWriter(v4.n * 1.25);
  emitIntervalsV4(v4, out);
  emitIntervalsV6(v6, out);
  return markCanonical(out.finish());
}

/** The canonical minimal CIDR list covering the same addresses as list. */
export function aggregate(list: PrefixList): PrefixList {
  // Already canonical (a list aggregated earlier): the same list, after one linear check. IPv6 takes the full path.
  if (isMarkedCanonical(list) || (list.v6.len.length === 0 && isCanonicalV4(list.v4))) return list;
  return toList(v4Of(list), v6Of(list));
}

/** Addresses in a or b, aggregated. */
export function union(a: PrefixList, b: PrefixList): PrefixList {
  return toList(unionV4(v4Of(a), v4Of(b)), unionV6(v6Of(a), v6Of(b)));
}

/** Addresses in a and not in b, aggregated. */
export function subtract(a: PrefixList, b: PrefixList): PrefixList {
  return toList(subtractV4(v4Of(a), v4Of(b)), subtractV6(v6Of(a), v6Of(b)));
}

/** Addresses in both a and b, aggregated. */
export function intersect(a: PrefixList, b: PrefixList): PrefixList {
  return toList(intersectV4(v4Of(a), v4Of(b)), intersectV6(v6Of(a), v6Of(b)));
}

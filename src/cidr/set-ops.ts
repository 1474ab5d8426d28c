// Address-space set operations. Every result is aggregated: the canonical minimal CIDR list (no overlaps,
// adjacent blocks merged), exactly what `iprange --optimize` prints for the same address set.
import {
  disjointNearV4,
  emitIntervalsV4,
  emitMergedV4,
  intersectV4,
  intervalsFromV4,
  subtractV4,
  unionV4,
  type IntervalsV4,
} from './intervals-v4.js';
import { withoutSharedV6 } from './common-v6.js';
import { intersectV6, subtractV6, unionV6 } from './intervals-v6.js';
import { aggregateV6Kernel } from './v6-kernel.js';
import { isCanonicalV4, isMarkedCanonical, markCanonical } from './canonical.js';
import type { PrefixSink } from './range.js';
import { SortedPrefixWriter } from './sorted-writer.js';
import type { Ipv6Prefixes, PrefixList } from './types.js';
import { V4Kernel } from './v4-kernel.js';
import { makePrefixList } from './builder.js';

/**
 * From this many IPv4 entries aggregate runs in the WebAssembly kernel: a zone's 1M entries are aggregated once
 * per run, and the JavaScript loop ran mostly before V8 had optimised it (~45 ms against ~10).
 */
export const KERNEL_AGGREGATE_MIN = 4096;

function v4Of(list: PrefixList): IntervalsV4 {
  return intervalsFromV4(list.v4.addr, list.v4.len);
}

/**
 * The IPv4 intervals split into prefixes, then the IPv6 operation's prefixes (it walks the lists and emits as it
 * goes, see intervals-v6.ts). Splitting merged intervals in order yields sorted, unique, normalised prefixes: no
 * sort needed.
 */
function toList(v4: IntervalsV4, v6Hint: number, v6: (sink: PrefixSink) => void): PrefixList {
  return toListFrom((sink) => emitIntervalsV4(v4, sink), v4.n * 1.25, v6Hint, v6);
}

function toListFrom(
  v4: (sink: PrefixSink) => void,
  v4Hint: number,
  v6Hint: number,
  v6: (sink: PrefixSink) => void,
): PrefixList {
  const out = new SortedPrefixWriter(v4Hint, v6Hint);
  v4(out);
  v6(out);
  return markCanonical(out.finish());
}

const v6Op =
  (op: (a: Ipv6Prefixes, b: Ipv6Prefixes, sink: PrefixSink) => void, a: PrefixList, b: PrefixList) =>
  (sink: PrefixSink): void =>
    op(a.v6, b.v6, sink);

/** The canonical minimal CIDR list covering the same addresses as list. */
export function aggregate(list: PrefixList): PrefixList {
  // Already canonical (a list aggregated earlier): the same list, after one linear check. IPv6 takes the full path.
  if (isMarkedCanonical(list) || (list.v6.len.length === 0 && isCanonicalV4(list.v4))) return list;
  const { addr, len } = list.v4;
  if (len.length >= KERNEL_AGGREGATE_MIN) return aggregateInKernel(list);
  const v4 = toListFrom(
    (sink) => emitMergedV4(addr, len, sink),
    len.length,
    0,
    () => undefined,
  ).v4;
  // IPv6: the kernel's merge and split (v6-kernel.wat), into arrays of their own.
  return markCanonical(makePrefixList(v4.addr, v4.len, ...aggregateV6Kernel(list.v6)));
}

/**
 * The IPv4 entries copied into a kernel job and aggregated there in place (a sorted list skips the sort after one
 * pass); the result is views of the job's memory, which only they keep alive. IPv6 takes its own kernel's path.
 */
function aggregateInKernel(list: PrefixList): PrefixList {
  const n = list.v4.len.length;
  const job = new V4Kernel({ entries: n, sort: true });
  job.addr.set(list.v4.addr);
  job.len.set(list.v4.len);
  const m = job.aggregate(n);
  return markCanonical(makePrefixList(job.addr.subarray(0, m), job.len.subarray(0, m), ...aggregateV6Kernel(list.v6)));
}

/** Addresses in a or b, aggregated. */
export function union(a: PrefixList, b: PrefixList): PrefixList {
  return toList(unionV4(v4Of(a), v4Of(b)), a.v6.len.length + b.v6.len.length, v6Op(unionV6, a, b));
}

/** Addresses in a and not in b, aggregated. */
export function subtract(a: PrefixList, b: PrefixList): PrefixList {
  // IPv6: two versions of one feed share most entries; without them the walk is over the few that differ.
  const [a6, b6] = (isMarkedCanonical(a) ? withoutSharedV6(a.v6, b.v6) : null) ?? [a.v6, b.v6];
  return toList(subtractV4(v4Of(a), v4Of(b)), a6.len.length, (sink) => subtractV6(a6, b6, sink));
}

/** Addresses in both a and b, aggregated. */
export function intersect(a: PrefixList, b: PrefixList): PrefixList {
  const v6Hint = Math.min(a.v6.len.length, b.v6.len.length);
  return toList(intersectV4(nearOf(a, b), nearOf(b, a)), v6Hint, v6Op(intersectV6, a, b));
}

/** A list this much longer than the other, and aggregated, is searched near the other's entries, not walked. */
const NEAR_RATIO = 64;

/** The intervals of `list` that matter to an intersection with `other`. */
function nearOf(list: PrefixList, other: PrefixList): IntervalsV4 {
  const { addr, len } = list.v4;
  if (len.length > NEAR_RATIO * other.v4.len.length && (isMarkedCanonical(list) || isCanonicalV4(list.v4))) {
    return disjointNearV4(addr, len, v4Of(other));
  }
  return v4Of(list);
}

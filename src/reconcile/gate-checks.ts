// The integrity gates of one source's new version against the version last applied to the device (issue 12), pure:
// serial backwards (RFC 1982), more malformed records than maxRejected, a shrink past maxShrink, a churn past
// maxChurn. Entries are counted on aggregated lists, so a feed re-ordered or re-split into the same prefixes changes
// nothing. Churn is the entries added plus removed over the entries of either version (|last ∪ next|): 0 unchanged,
// 1 replaced outright, so a feed that grows a lot is not churn, and maxChurn 1 turns the gate off.

import { aggregate, prefixCount } from '../cidr/index.js';
import type { PrefixList } from '../cidr/types.js';
import type { SourceGates } from '../config/types.js';
import type { GateFinding } from '../plan/model.js';

/** A version of a source: what the gates compare. `members` aggregated. */
export interface SourceVersion {
  readonly serial: number | null;
  readonly sha256: string;
  readonly records: number;
  readonly rejected: number;
  readonly members: PrefixList;
}

/** RFC 1982 serial arithmetic (32 bits): is `s1` before `s2`? Serials 2^31 apart are undefined: not before. */
export function serialBefore(s1: number, s2: number): boolean {
  if (s1 === s2) return false;
  const HALF = 2 ** 31;
  return (s1 < s2 && s2 - s1 < HALF) || (s1 > s2 && s1 - s2 > HALF);
}

/** The aggregated entries of a decoded list. */
export function entriesOf(list: PrefixList): PrefixList {
  return aggregate(list);
}

/**
 * The gates the new version trips, in order (serial, rejected, shrink, churn); empty when it passes. `last` null:
 * nothing applied to compare with, only the rejected gate applies. An unchanged version (same hash) passes.
 */
export function checkGates(next: SourceVersion, last: SourceVersion | null, gates: SourceGates): GateFinding[] {
  if (last !== null && last.sha256 === next.sha256) return [];
  const found: GateFinding[] = [];
  if (last !== null && next.serial !== null && last.serial !== null && serialBefore(next.serial, last.serial)) {
    found.push({
      gate: 'serial',
      detail: `serial went backwards from ${last.serial} to ${next.serial} (RFC 1982)`,
    });
  }
  const limit = rejectedLimit(gates, next.records);
  if (next.rejected > limit.count) {
    found.push({
      gate: 'rejected',
      detail: `${next.rejected} of ${next.records} records malformed (${pct(next.rejected, next.records)}) > maxRejected ${limit.text}`,
    });
  }
  if (last === null) return found;
  const before = prefixCount(last.members);
  const after = prefixCount(next.members);
  if (before > 0 && (before - after) / before > gates.maxShrink) {
    found.push({
      gate: 'shrink',
      detail: `shrank from ${before} to ${after} entries: ${pct(before - after, before)} > maxShrink ${pct(gates.maxShrink, 1)}`,
    });
  }
  if (before > 0) {
    // Entries in both, counted in one walk: the added and removed entries follow without building either list.
    const common = commonEntries(last.members, next.members);
    const added = after - common;
    const removed = before - common;
    const either = before + added;
    if ((added + removed) / either > gates.maxChurn) {
      found.push({
        gate: 'churn',
        detail: `${added} entries added and ${removed} removed of ${either} in either version: ${pct(added + removed, either)} > maxChurn ${pct(gates.maxChurn, 1)}`,
      });
    }
  }
  return found;
}

/** How many entries (prefix and length) two lists in PrefixList order have in common: one merge walk per family. */
export function commonEntries(a: PrefixList, b: PrefixList): number {
  let common = 0;
  const [aa, al, ba, bl] = [a.v4.addr, a.v4.len, b.v4.addr, b.v4.len];
  for (let i = 0, j = 0; i < al.length && j < bl.length;) {
    const d = aa[i]! - ba[j]! || al[i]! - bl[j]!;
    if (d === 0) common++;
    if (d <= 0) i++;
    if (d >= 0) j++;
  }
  const [aw, a6, bw, b6] = [a.v6.words, a.v6.len, b.v6.words, b.v6.len];
  for (let i = 0, j = 0; i < a6.length && j < b6.length;) {
    let d = 0;
    for (let k = 0; k < 4 && d === 0; k++) d = aw[4 * i + k]! - bw[4 * j + k]!;
    if (d === 0) d = a6[i]! - b6[j]!;
    if (d === 0) common++;
    if (d <= 0) i++;
    if (d >= 0) j++;
  }
  return common;
}

function rejectedLimit(gates: SourceGates, records: number): { count: number; text: string } {
  const m = gates.maxRejected;
  if ('count' in m) return { count: m.count, text: String(m.count) };
  return {
    count: Math.floor(m.share * records),
    text: `${pct(m.share, 1)} (${Math.floor(m.share * records)} records)`,
  };
}

/** A share as a percentage, one decimal when it is not whole ("12.5%"). */
function pct(part: number, whole: number): string {
  const p = whole === 0 ? 0 : (part / whole) * 100;
  return `${Number.isInteger(p) ? p : p.toFixed(1)}%`;
}

// A zone as a multiset, so IXFR can delete records: the decoded prefix list plus, per prefix, how many records of
// the zone give it (an rpz-ip owner with several RRs, or an A record and a trigger for the same host). Skip counts
// per reason and the record count complete it. Counts are null when every prefix comes from exactly one record
// (the usual RPZ feed), so the common case costs no array.
import type { PrefixList } from '../cidr/types.js';
import type { DecodedZone } from './axfr.js';
import type { TriggerOut } from './rpz-ip.js';
import { ZoneRecordDecoder } from './zone-records.js';
import type { DecodedRecords } from './zone-records.js';

/** Records per prefix, parallel to the list's v4 and v6 entries; null: one each. */
export interface PrefixCounts {
  readonly v4: Uint32Array | null;
  readonly v6: Uint32Array | null;
}

/** A decoded zone that can take IXFR differences. */
export interface CountedZone extends DecodedZone {
  readonly counts: PrefixCounts;
}

export const ONE_EACH: PrefixCounts = Object.freeze({ v4: null, v6: null });

/** Records that gave a prefix: all records minus the skipped ones. */
export function prefixRecords(z: Pick<DecodedRecords, 'records' | 'skipped'>): number {
  let n = z.records;
  for (const k of Object.keys(z.skipped)) n -= z.skipped[k]!;
  return n;
}

/** Skip counts in the order a full transfer reports them (sorted reasons, no zero entries). */
export function sortedSkips(skips: Map<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [reason, n] of [...skips].sort((a, b) => a[0].localeCompare(b[0]))) if (n > 0) out[reason] = n;
  return out;
}

/** First index in [from, end) of a sorted IPv4 list whose entry is not before (a, l). */
export function lowerBoundV4(addr: Uint32Array, len: Uint8Array, a: number, l: number, from = 0): number {
  let lo = from;
  let hi = len.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const ma = addr[mid]!;
    if (ma < a || (ma === a && len[mid]! < l)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of (addr, len) in a sorted IPv4 list, or -1. */
export function findV4(addr: Uint32Array, len: Uint8Array, a: number, l: number): number {
  const i = lowerBoundV4(addr, len, a, l);
  return i < len.length && addr[i] === a && len[i] === l ? i : -1;
}

/** Compares IPv6 entry i of (words, len) with w[0..3]/l in list order. */
export function compareV6At(words: Uint32Array, len: Uint8Array, i: number, w: Uint32Array, l: number): number {
  for (let k = 0; k < 4; k++) {
    const a = words[4 * i + k]!;
    const b = w[k]!;
    if (a !== b) return a < b ? -1 : 1;
  }
  return len[i]! - l;
}

/** First index in [from, end) of a sorted IPv6 list whose entry is not before w/l. */
export function lowerBoundV6(words: Uint32Array, len: Uint8Array, w: Uint32Array, l: number, from = 0): number {
  let lo = from;
  let hi = len.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareV6At(words, len, mid, w, l) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of w/l in a sorted IPv6 list, or -1. */
export function findV6(words: Uint32Array, len: Uint8Array, w: Uint32Array, l: number): number {
  const i = lowerBoundV6(words, len, w, l);
  return i < len.length && compareV6At(words, len, i, w, l) === 0 ? i : -1;
}

/**
 * The AXFR decoder when a cache is kept: decodes exactly as ZoneRecordDecoder (it is one) and also keeps each
 * record's prefix, so counts() can tell how many records give each prefix.
 */
export class CountingRecordDecoder extends ZoneRecordDecoder {
  private raw4 = new Uint32Array(1024);
  private rawLen4 = new Uint8Array(1024);
  private n4 = 0;
  private raw6: number[] = [];

  protected override addPrefix(t: TriggerOut): void {
    super.addPrefix(t);
    const w = t.w;
    if (t.v6) {
      this.raw6.push(w[0]!, w[1]!, w[2]!, w[3]!, t.len);
      return;
    }
    if (this.n4 === this.raw4.length) {
      const a = new Uint32Array(this.n4 * 2);
      a.set(this.raw4);
      const l = new Uint8Array(this.n4 * 2);
      l.set(this.rawLen4);
      this.raw4 = a;
      this.rawLen4 = l;
    }
    this.raw4[this.n4] = w[0]!;
    this.rawLen4[this.n4++] = t.len;
  }

  /** The records per prefix of `list` (what finish() returned); drops the kept prefixes. */
  counts(list: PrefixList): PrefixCounts {
    const n6 = this.raw6.length / 5;
    const ones4 = this.n4 === list.v4.len.length;
    const ones6 = n6 === list.v6.len.length;
    let v4: Uint32Array | null = null;
    let v6: Uint32Array | null = null;
    if (!ones4) {
      v4 = new Uint32Array(list.v4.len.length);
      for (let i = 0; i < this.n4; i++) v4[findV4(list.v4.addr, list.v4.len, this.raw4[i]!, this.rawLen4[i]!)]!++;
    }
    if (!ones6) {
      v6 = new Uint32Array(list.v6.len.length);
      const w = new Uint32Array(4);
      for (let i = 0; i < n6; i++) {
        for (let k = 0; k < 4; k++) w[k] = this.raw6[5 * i + k]!;
        v6[findV6(list.v6.words, list.v6.len, w, this.raw6[5 * i + 4]!)]!++;
      }
    }
    this.raw4 = new Uint32Array(0);
    this.rawLen4 = new Uint8Array(0);
    this.n4 = 0;
    this.raw6 = [];
    return v4 || v6 ? { v4, v6 } : ONE_EACH;
  }
}

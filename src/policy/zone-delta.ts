// Applies IXFR difference sequences to a cached zone multiset. Each deleted and added record is classified exactly
// as a full transfer would classify it (RecordClassifier); only the touched prefixes live in maps, and finish()
// merges them, sorted, into the cached arrays in one linear walk (a 2% change to 1M entries is no rebuild).
// A deletion of something the cache does not hold throws DeltaMismatch: the caller falls back to a full transfer.
import { hashPrefixes, makePrefixList } from '../cidr/index.js';
import { makeTriggerOut } from './rpz-ip.js';
import { RecordClassifier } from './zone-records.js';
import type { WireName } from './wire-walk.js';
import { compareV6At, findV4, findV6, ONE_EACH, sortedSkips } from './zone-tally.js';
import type { CountedZone } from './zone-tally.js';

/** The differences do not fit the cached zone. */
export class DeltaMismatch extends Error {
  override readonly name = 'DeltaMismatch';
}

/** v4 key: address and length in one exact double (addr * 64 + len sorts like the list). */
const key4 = (addr: number, len: number): number => addr * 64 + len;

interface Touched6 {
  readonly w: Uint32Array;
  readonly len: number;
  count: number;
}

export class ZoneDelta {
  private readonly classifier: RecordClassifier;
  private readonly trigger = makeTriggerOut();
  private readonly touched4 = new Map<number, number>();
  private readonly touched6 = new Map<string, Touched6>();
  private readonly skips: Map<string, number>;
  private records: number;
  /** Records deleted and added, SOAs that delimit the sequences not included. */
  removed = 0;
  added = 0;

  constructor(
    zone: string,
    private readonly base: CountedZone,
  ) {
    this.classifier = new RecordClassifier(zone);
    this.skips = new Map(Object.entries(base.skipped));
    this.records = base.records;
  }

  isApex(name: WireName): boolean {
    return this.classifier.isApex(name);
  }

  remove(name: WireName, type: number, buf: Uint8Array, rdata: number, rdlength: number, cls: number): void {
    this.apply(name, type, buf, rdata, rdlength, cls, -1);
    this.removed++;
  }

  add(name: WireName, type: number, buf: Uint8Array, rdata: number, rdlength: number, cls: number): void {
    this.apply(name, type, buf, rdata, rdlength, cls, 1);
    this.added++;
  }

  private apply(
    name: WireName,
    type: number,
    buf: Uint8Array,
    rdata: number,
    rdlength: number,
    cls: number,
    step: 1 | -1,
  ): void {
    const t = this.trigger;
    const reason = this.classifier.classify(name, type, buf, rdata, rdlength, cls, t);
    if (step < 0 && this.records === 0) throw new DeltaMismatch('deletes a record from an empty zone');
    this.records += step;
    if (reason !== null) {
      const n = (this.skips.get(reason) ?? 0) + step;
      if (n < 0) throw new DeltaMismatch(`deletes a ${reason} record the cached zone does not hold`);
      this.skips.set(reason, n);
      return;
    }
    const { list, counts } = this.base;
    if (!t.v6) {
      const a = t.w[0]!;
      const k = key4(a, t.len);
      let n = this.touched4.get(k);
      if (n === undefined) {
        const i = findV4(list.v4.addr, list.v4.len, a, t.len);
        n = i < 0 ? 0 : counts.v4 ? counts.v4[i]! : 1;
      }
      if (n + step < 0)
        throw new DeltaMismatch(`deletes a record of ${describeV4(a, t.len)}, which the cache does not hold`);
      this.touched4.set(k, n + step);
      return;
    }
    const id = `${t.w[0]},${t.w[1]},${t.w[2]},${t.w[3]},${t.len}`;
    let e = this.touched6.get(id);
    if (!e) {
      const i = findV6(list.v6.words, list.v6.len, t.w, t.len);
      e = { w: Uint32Array.from(t.w), len: t.len, count: i < 0 ? 0 : counts.v6 ? counts.v6[i]! : 1 };
      this.touched6.set(id, e);
    }
    if (e.count + step < 0) throw new DeltaMismatch('deletes a record of an IPv6 prefix the cache does not hold');
    e.count += step;
  }

  /** The zone after the differences, at `serial`. */
  finish(serial: number): CountedZone {
    const v4 = this.mergeV4();
    const v6 = this.mergeV6();
    const list = makePrefixList(v4.addr, v4.len, v6.words, v6.len);
    const counts = v4.counts || v6.counts ? { v4: v4.counts, v6: v6.counts } : ONE_EACH;
    return {
      list,
      counts,
      records: this.records,
      decoded: v4.len.length + v6.len.length,
      skipped: sortedSkips(this.skips),
      serial,
      sha256: hashPrefixes(list),
    };
  }

  private mergeV4(): { addr: Uint32Array; len: Uint8Array; counts: Uint32Array | null } {
    const { addr: bAddr, len: bLen } = this.base.list.v4;
    const bCounts = this.base.counts.v4;
    const keys = Float64Array.from(this.touched4.keys()).sort();
    const cap = bLen.length + keys.length;
    const addr = new Uint32Array(cap);
    const len = new Uint8Array(cap);
    const counts = new Uint32Array(cap);
    let out = 0;
    let i = 0;
    let k = 0;
    let ones = true;
    const emit = (a: number, l: number, c: number): void => {
      if (c === 0) return;
      if (c !== 1) ones = false;
      addr[out] = a;
      len[out] = l;
      counts[out++] = c;
    };
    while (i < bLen.length || k < keys.length) {
      const bk = i < bLen.length ? key4(bAddr[i]!, bLen[i]!) : Infinity;
      const tk = k < keys.length ? keys[k]! : Infinity;
      if (bk < tk) {
        emit(bAddr[i]!, bLen[i]!, bCounts ? bCounts[i]! : 1);
        i++;
      } else {
        emit(Math.floor(tk / 64), tk % 64, this.touched4.get(tk)!);
        if (bk === tk) i++;
        k++;
      }
    }
    return { addr: addr.slice(0, out), len: len.slice(0, out), counts: ones ? null : counts.slice(0, out) };
  }

  private mergeV6(): { words: Uint32Array; len: Uint8Array; counts: Uint32Array | null } {
    const { words: bWords, len: bLen } = this.base.list.v6;
    const bCounts = this.base.counts.v6;
    const touched = [...this.touched6.values()].sort((x, y) => {
      for (let j = 0; j < 4; j++) if (x.w[j] !== y.w[j]) return x.w[j]! < y.w[j]! ? -1 : 1;
      return x.len - y.len;
    });
    const cap = bLen.length + touched.length;
    const words = new Uint32Array(4 * cap);
    const len = new Uint8Array(cap);
    const counts = new Uint32Array(cap);
    let out = 0;
    let ones = true;
    const emit = (src: Uint32Array, at: number, l: number, c: number): void => {
      if (c === 0) return;
      if (c !== 1) ones = false;
      for (let j = 0; j < 4; j++) words[4 * out + j] = src[at + j]!;
      len[out] = l;
      counts[out++] = c;
    };
    let i = 0;
    let k = 0;
    while (i < bLen.length || k < touched.length) {
      const t = touched[k];
      const cmp = !t ? -1 : i >= bLen.length ? 1 : compareV6At(bWords, bLen, i, t.w, t.len);
      if (cmp < 0) {
        emit(bWords, 4 * i, bLen[i]!, bCounts ? bCounts[i]! : 1);
        i++;
      } else {
        emit(t!.w, 0, t!.len, t!.count);
        if (cmp === 0) i++;
        k++;
      }
    }
    return {
      words: words.slice(0, 4 * out),
      len: len.slice(0, out),
      counts: ones ? null : counts.slice(0, out),
    };
  }
}

function describeV4(addr: number, len: number): string {
  return `${addr >>> 24}.${(addr >>> 16) & 255}.${(addr >>> 8) & 255}.${addr & 255}/${len}`;
}

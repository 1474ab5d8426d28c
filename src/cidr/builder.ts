// PrefixListBuilder: the one way to make a PrefixList from raw entries. Growable typed arrays; build() zeroes
// host bits, sorts and removes duplicates so every list it returns satisfies the invariants in types.ts.
import { InternalError } from '../errors.js';
import { maskV4, maskV6Word } from './mask.js';
import { sortV4 } from './sort.js';
import { sortUniqueV6 } from './sort-v6.js';
import type { PrefixList } from './types.js';

const INITIAL_CAPACITY = 64;

export const EMPTY_PREFIXES: PrefixList = Object.freeze({
  v4: Object.freeze({ addr: new Uint32Array(0), len: new Uint8Array(0) }),
  v6: Object.freeze({ words: new Uint32Array(0), len: new Uint8Array(0) }),
});

/** Number of entries, IPv4 plus IPv6. */
export function prefixCount(list: PrefixList): number {
  return list.v4.len.length + list.v6.len.length;
}

export function isEmptyList(list: PrefixList): boolean {
  return list.v4.len.length === 0 && list.v6.len.length === 0;
}

/** Builds a PrefixList directly from arrays the caller guarantees are already normalised, sorted and unique. */
export function makePrefixList(
  v4addr: Uint32Array,
  v4len: Uint8Array,
  v6words: Uint32Array,
  v6len: Uint8Array,
): PrefixList {
  return { v4: { addr: v4addr, len: v4len }, v6: { words: v6words, len: v6len } };
}

/**
 * The first n entries of (addr, len), already normalised, sorted into PrefixList order without duplicates, as new
 * arrays of the exact size (the inputs are reordered in place).
 */
export function sortedUniqueV4(addr: Uint32Array, len: Uint8Array, n: number): [Uint32Array, Uint8Array] {
  sortV4(addr, len, n);
  let out = 0;
  for (let i = 0; i < n; i++) {
    const a = addr[i]!;
    const l = len[i]!;
    if (out > 0 && addr[out - 1] === a && len[out - 1] === l) continue;
    addr[out] = a;
    len[out] = l;
    out++;
  }
  return [addr.slice(0, out), len.slice(0, out)];
}

export class PrefixListBuilder {
  private v4addr: Uint32Array;
  private v4len: Uint8Array;
  private n4 = 0;
  private v6words = new Uint32Array(4 * INITIAL_CAPACITY);
  private v6len = new Uint8Array(INITIAL_CAPACITY);
  private n6 = 0;

  /** v4CapacityHint: expected IPv4 entries (saves regrowing and its garbage when the caller can estimate). */
  constructor(v4CapacityHint = INITIAL_CAPACITY) {
    const cap = Math.max(INITIAL_CAPACITY, Math.ceil(v4CapacityHint));
    this.v4addr = new Uint32Array(cap);
    this.v4len = new Uint8Array(cap);
  }

  /** Number of entries added since the last build(), duplicates included. */
  get size(): number {
    return this.n4 + this.n6;
  }

  addV4(addr: number, len: number): void {
    if (!(len >= 0 && len <= 32) || len !== Math.floor(len)) throw new InternalError(`bad IPv4 prefix length ${len}`);
    if (this.n4 === this.v4len.length) this.growV4();
    const n = this.n4++;
    this.v4addr[n] = (addr & maskV4(len)) >>> 0;
    this.v4len[n] = len;
  }

  addV6(w0: number, w1: number, w2: number, w3: number, len: number): void {
    if (!(len >= 0 && len <= 128) || len !== Math.floor(len)) throw new InternalError(`bad IPv6 prefix length ${len}`);
    if (this.n6 === this.v6len.length) this.growV6();
    const n = this.n6++;
    const w = this.v6words;
    w[4 * n] = w0 & maskV6Word(len, 0);
    w[4 * n + 1] = w1 & maskV6Word(len, 1);
    w[4 * n + 2] = w2 & maskV6Word(len, 2);
    w[4 * n + 3] = w3 & maskV6Word(len, 3);
    this.v6len[n] = len;
  }

  /** Adds a block of IPv6 entries already normalised (a parser's output): words as Ipv6Prefixes.words. */
  appendV6(words: Uint32Array, len: Uint8Array): void {
    const m = len.length;
    if (this.n6 + m > this.v6len.length) this.resizeV6(Math.max(this.n6 + m, 2 * this.v6len.length));
    this.v6words.set(words, 4 * this.n6);
    this.v6len.set(len, this.n6);
    this.n6 += m;
  }

  /** Makes room for count more IPv6 entries: a parser that sees a run coming grows once instead of repeatedly. */
  reserveV6(count: number): void {
    if (this.n6 + count > this.v6len.length) this.resizeV6(this.n6 + count);
  }

  /** Adds every entry of an existing list (already normalised). */
  addList(list: PrefixList): void {
    const { addr, len } = list.v4;
    for (let i = 0; i < len.length; i++) this.addV4(addr[i]!, len[i]!);
    const w = list.v6.words;
    for (let i = 0; i < list.v6.len.length; i++) {
      this.addV6(w[4 * i]!, w[4 * i + 1]!, w[4 * i + 2]!, w[4 * i + 3]!, list.v6.len[i]!);
    }
  }

  /** Returns the sorted, de-duplicated list and resets the builder for reuse. */
  build(): PrefixList {
    const list = makePrefixList(...this.buildV4(), ...this.buildV6());
    this.n4 = 0;
    this.n6 = 0;
    return list;
  }

  private buildV4(): [Uint32Array, Uint8Array] {
    return sortedUniqueV4(this.v4addr, this.v4len, this.n4);
  }

  private buildV6(): [Uint32Array, Uint8Array] {
    const n = this.n6;
    const words = this.v6words;
    const len = this.v6len;
    const out = sortUniqueV6(words, len, n);
    // At least half full (a parse that reserved for its run): the arrays themselves, the builder starting afresh; a
    // copy would touch another 17 MB of fresh pages per 1M entries. Otherwise a copy, not to pin a large buffer.
    if (out >= 1024 && 2 * out >= len.length) {
      this.v6words = new Uint32Array(4 * INITIAL_CAPACITY);
      this.v6len = new Uint8Array(INITIAL_CAPACITY);
      return [words.subarray(0, 4 * out), len.subarray(0, out)];
    }
    return [words.slice(0, 4 * out), len.slice(0, out)];
  }

  private growV4(): void {
    const cap = this.v4len.length * 2;
    const addr = new Uint32Array(cap);
    addr.set(this.v4addr);
    const len = new Uint8Array(cap);
    len.set(this.v4len);
    this.v4addr = addr;
    this.v4len = len;
  }

  private growV6(): void {
    // Past the first 64 entries, jump to half the IPv4 hint (a list file's size / 24: IPv6 lines are about twice
    // as long as IPv4 ones), so a 1M-line IPv6 file grows once more at most, not 14 times.
    this.resizeV6(Math.max(this.v6len.length * 2, Math.floor(this.v4len.length / 2)));
  }

  private resizeV6(cap: number): void {
    const words = new Uint32Array(4 * cap);
    words.set(this.v6words.subarray(0, 4 * this.n6));
    const len = new Uint8Array(cap);
    len.set(this.v6len.subarray(0, this.n6));
    this.v6words = words;
    this.v6len = len;
  }
}

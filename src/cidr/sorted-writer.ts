// SortedPrefixWriter: collects prefixes that are produced already normalised, sorted and unique (the splits of
// merged intervals), so set operations skip the builder's sort and dedup passes. Growable typed arrays.
import { makePrefixList } from './builder.js';
import type { PrefixSink } from './range.js';
import type { PrefixList } from './types.js';

export class SortedPrefixWriter implements PrefixSink {
  private v4addr: Uint32Array;
  private v4len: Uint8Array;
  private n4 = 0;
  private v6words: Uint32Array;
  private v6len: Uint8Array;
  private n6 = 0;

  constructor(v4CapacityHint: number, v6CapacityHint = 16) {
    const cap = Math.max(16, Math.ceil(v4CapacityHint));
    this.v4addr = new Uint32Array(cap);
    this.v4len = new Uint8Array(cap);
    const cap6 = Math.max(16, Math.ceil(v6CapacityHint));
    this.v6words = new Uint32Array(4 * cap6);
    this.v6len = new Uint8Array(cap6);
  }

  addV4(addr: number, len: number): void {
    if (this.n4 === this.v4len.length) {
      this.v4addr = grow32(this.v4addr, this.v4addr.length * 2);
      this.v4len = grow8(this.v4len, this.v4len.length * 2);
    }
    this.v4addr[this.n4] = addr;
    this.v4len[this.n4++] = len;
  }

  addV6(w0: number, w1: number, w2: number, w3: number, len: number): void {
    if (this.n6 === this.v6len.length) {
      this.v6words = grow32(this.v6words, this.v6words.length * 2);
      this.v6len = grow8(this.v6len, this.v6len.length * 2);
    }
    const k = 4 * this.n6;
    this.v6words[k] = w0;
    this.v6words[k + 1] = w1;
    this.v6words[k + 2] = w2;
    this.v6words[k + 3] = w3;
    this.v6len[this.n6++] = len;
  }

  finish(): PrefixList {
    return makePrefixList(this.v4addr.slice(0, this.n4), this.v4len.slice(0, this.n4), ...this.finishV6());
  }

  /**
   * The IPv6 arrays: views when at least 3/4 full (an aggregate of 1M entries sized by its input; a copy would touch
   * another 17 MB of fresh memory), copies otherwise so a small result does not pin a large buffer.
   */
  private finishV6(): [Uint32Array, Uint8Array] {
    const n = this.n6;
    if (n >= 1024 && 4 * n >= 3 * this.v6len.length)
      return [this.v6words.subarray(0, 4 * n), this.v6len.subarray(0, n)];
    return [this.v6words.slice(0, 4 * n), this.v6len.slice(0, n)];
  }
}

function grow32(a: Uint32Array, size: number): Uint32Array {
  const b = new Uint32Array(size);
  b.set(a);
  return b;
}

function grow8(a: Uint8Array, size: number): Uint8Array {
  const b = new Uint8Array(size);
  b.set(a);
  return b;
}

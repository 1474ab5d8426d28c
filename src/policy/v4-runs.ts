// The IPv4 prefixes of a zone transfer, sorted while they arrive. NSD and Knot send a zone in DNS canonical order,
// so the rpz-ip triggers of an RPZ zone come grouped by first octet (in string order: 0, 1, 10, 100, ..., 2, ...).
// Each group (a run) is sorted (native typed-array sort of one 30-bit key per entry), de-duplicated and encoded for
// the sha256 when the next run begins, while the server is still sending. At the end the runs are put in numeric
// order with block copies and the hash is fed the runs' bytes in that order: little is left after the last
// message. Any other order (an octet whose run comes twice) falls back to one full sort and hashPrefixes.
import { createHash } from 'node:crypto';
import { maskV4 } from '../cidr/mask.js';
import { sortV4 } from '../cidr/sort.js';

const RUN_CAPACITY = 1 << 14;
const INITIAL_CAPACITY = 1 << 18;
/** Bytes per IPv4 entry in hashPrefixes' encoding: family 4, length, address (big-endian). */
const HASH_BYTES = 6;

export interface CollectedV4 {
  /** Sorted by address then length, normalised, unique. */
  readonly addr: Uint32Array;
  readonly len: Uint8Array;
  /** sha256 (hex) of the list in hashPrefixes' encoding, as if it held no IPv6; null when it was not kept. */
  readonly sha256: string | null;
}

export class V4RunCollector {
  /** The open run: (address & 0xffffff) * 64 + length, the first octet being the run's. */
  private keys = new Uint32Array(RUN_CAPACITY);
  private k = 0;
  /** Closed runs, sorted and unique each, at their arrival position; hashPrefixes' bytes beside them. */
  private addr = new Uint32Array(INITIAL_CAPACITY);
  private len = new Uint8Array(INITIAL_CAPACITY);
  private bytes = new Uint8Array(HASH_BYTES * INITIAL_CAPACITY);
  private n = 0;
  private runOctet = -1;
  /** Per first octet, where its run lies in addr/len; -1: none yet. */
  private readonly runFrom = new Int32Array(256).fill(-1);
  private readonly runTo = new Int32Array(256);
  /** No octet had two runs: the runs in numeric octet order are the sorted list. */
  private grouped = true;

  /** `addr` as an unsigned or a signed 32-bit integer (the same bits). */
  add(addr: number, len: number): void {
    const a = addr & maskV4(len);
    const octet = a >>> 24;
    if (octet !== this.runOctet) {
      this.closeRun();
      this.runOctet = octet;
    }
    if (this.k === this.keys.length) {
      const keys = new Uint32Array(2 * this.k);
      keys.set(this.keys);
      this.keys = keys;
    }
    this.keys[this.k++] = (a & 0xffffff) * 64 + len;
  }

  /** The sorted list; the collector is spent. */
  finish(): CollectedV4 {
    this.closeRun();
    const n = this.n;
    if (!this.grouped) {
      const addr = this.addr;
      const len = this.len;
      sortV4(addr, len, n);
      let out = 0;
      for (let i = 0; i < n; i++) {
        if (out > 0 && addr[out - 1] === addr[i] && len[out - 1] === len[i]) continue;
        addr[out] = addr[i]!;
        len[out++] = len[i]!;
      }
      return { addr: addr.slice(0, out), len: len.slice(0, out), sha256: null };
    }
    const addr = new Uint32Array(n);
    const len = new Uint8Array(n);
    const hash = createHash('sha256');
    let pos = 0;
    for (let octet = 0; octet < 256; octet++) {
      const from = this.runFrom[octet]!;
      if (from < 0) continue;
      const to = this.runTo[octet]!;
      addr.set(this.addr.subarray(from, to), pos);
      len.set(this.len.subarray(from, to), pos);
      hash.update(this.bytes.subarray(HASH_BYTES * from, HASH_BYTES * to));
      pos += to - from;
    }
    return { addr, len, sha256: hash.digest('hex') };
  }

  /** Sorts, de-duplicates and encodes the open run in place. */
  private closeRun(): void {
    const octet = this.runOctet;
    if (octet < 0) return;
    this.runOctet = -1;
    const count = this.k;
    this.k = 0;
    const start = this.n;
    if (start + count > this.len.length) this.grow(start + count);
    const keys = this.keys;
    if (count > 1) keys.subarray(0, count).sort();
    const addr = this.addr;
    const len = this.len;
    const bytes = this.bytes;
    // (octet << 24) stays a 32-bit integer (negative from octet 128 on; the stores below take it modulo 2^32): a sum
    // past 2^31 made V8 drop its optimised code and compile it again in the middle of a transfer.
    const high = octet << 24;
    let out = start;
    let prev = -1;
    for (let i = 0; i < count; i++) {
      const k = keys[i]!;
      if (k === prev) continue;
      prev = k;
      const a = high | (k >>> 6);
      const l = k & 63;
      addr[out] = a;
      len[out] = l;
      const b = HASH_BYTES * out;
      bytes[b] = 4;
      bytes[b + 1] = l;
      bytes[b + 2] = octet;
      bytes[b + 3] = a >>> 16;
      bytes[b + 4] = a >>> 8;
      bytes[b + 5] = a;
      out++;
    }
    this.n = out;
    if (this.runFrom[octet]! >= 0) {
      this.grouped = false;
      return;
    }
    this.runFrom[octet] = start;
    this.runTo[octet] = out;
  }

  private grow(atLeast: number): void {
    const cap = Math.max(atLeast, 2 * this.len.length);
    const addr = new Uint32Array(cap);
    addr.set(this.addr);
    this.addr = addr;
    const len = new Uint8Array(cap);
    len.set(this.len);
    this.len = len;
    const bytes = new Uint8Array(HASH_BYTES * cap);
    bytes.set(this.bytes);
    this.bytes = bytes;
  }
}

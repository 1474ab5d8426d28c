// State format 5 keeps member lists as fixed-size binary records, base64 inside the JSON, each distinct list once
// (content-addressed: the inventory's list and the source's last good set are usually equal). At 1M entries the
// text form cost ~260 ms to read and 25 MB of file; this is 8 MB and one table-driven pass.
// Records: IPv4 6 bytes (address big-endian, length, 0), IPv6 18 bytes (address, length, 0). Both are multiples
// of 3 bytes, so each record is its own 8 or 24 base64 characters and an hourly change of 2% leaves the rest of the
// text as it was (git's deltas between state versions stay small).
// The id is the sha256 of the text `v4.v6`; reading checks it and every record (the file is untrusted).

import { createHash } from 'node:crypto';
import { makePrefixList } from '../cidr/index.js';
import type { PrefixList } from '../cidr/types.js';
import { ConfigError } from '../errors.js';

const V4_BYTES = 6;
const V6_BYTES = 18;
const V4_CHARS = 8;
const V6_CHARS = 24;
const DOT = Buffer.from('.', 'latin1');

/** One distinct member list as the file holds it. */
export interface MemberSetEntry {
  readonly sha256: string;
  readonly v4: string;
  readonly v6: string;
}

// Base64 digit values; 255 for any other byte.
const DIGIT = new Uint8Array(256).fill(255);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split('').forEach((c, i) => {
  DIGIT[c.charCodeAt(0)] = i;
});

/** The entries of `lists`, one per distinct content in first-use order, and each list's id. */
export function encodeMemberSets(lists: readonly PrefixList[]): { ids: string[]; sets: MemberSetEntry[] } {
  const byId = new Map<string, MemberSetEntry>();
  const known = new Map<PrefixList, string>();
  const ids = lists.map((list) => {
    const seen = known.get(list);
    if (seen !== undefined) return seen;
    const v4 = encodeV4(list).toString('base64');
    const v6 = encodeV6(list).toString('base64');
    const id = createHash('sha256').update(v4, 'latin1').update(DOT).update(v6, 'latin1').digest('hex');
    if (!byId.has(id)) byId.set(id, { sha256: id, v4, v6 });
    known.set(list, id);
    return id;
  });
  return { ids, sets: [...byId.values()] };
}

function encodeV4(list: PrefixList): Buffer {
  const { addr, len } = list.v4;
  const out = Buffer.alloc(addr.length * V4_BYTES);
  for (let i = 0, o = 0; i < addr.length; i++, o += V4_BYTES) {
    out.writeUInt32BE(addr[i]!, o);
    out[o + 4] = len[i]!;
  }
  return out;
}

function encodeV6(list: PrefixList): Buffer {
  const { words, len } = list.v6;
  const out = Buffer.alloc(len.length * V6_BYTES);
  for (let i = 0, o = 0; i < len.length; i++, o += V6_BYTES) {
    for (let w = 0; w < 4; w++) out.writeUInt32BE(words[4 * i + w]!, o + 4 * w);
    out[o + 16] = len[i]!;
  }
  return out;
}

/**
 * The list of one entry, its base64 given as the file's bytes (or as a string when it was not lifted). `where`
 * names the file and the entry; nothing of the content is quoted in an error.
 */
export function decodeMemberSet(
  id: string,
  v4: Uint8Array | string,
  v6: Uint8Array | string,
  where: string,
  hint: string,
): PrefixList {
  const v4Bytes = typeof v4 === 'string' ? Buffer.from(v4, 'utf8') : v4;
  const v6Bytes = typeof v6 === 'string' ? Buffer.from(v6, 'utf8') : v6;
  const sum = createHash('sha256').update(v4Bytes).update(DOT).update(v6Bytes).digest('hex');
  if (sum !== id) {
    throw new ConfigError(`${where}: the content does not match its sha256 (edited or damaged)`, hint);
  }
  const four = decodeV4(v4Bytes, `${where}.v4`, hint);
  const six = decodeV6(v6Bytes, `${where}.v6`, hint);
  return makePrefixList(four.addr, four.len, six.words, six.len);
}

function recordError(where: string, hint: string, i: number, what: string): ConfigError {
  return new ConfigError(`${where}: record ${i + 1} ${what}`, hint);
}

function checkLength(b: Uint8Array, chars: number, where: string, hint: string): number {
  if (b.length % chars !== 0) {
    throw new ConfigError(`${where}: ${b.length} characters are not whole ${chars}-character records`, hint);
  }
  return b.length / chars;
}

function decodeV4(b: Uint8Array, where: string, hint: string): { addr: Uint32Array; len: Uint8Array } {
  const n = checkLength(b, V4_CHARS, where, hint);
  const addr = new Uint32Array(n);
  const lens = new Uint8Array(n);
  let prevAddr = -1;
  let prevLen = -1;
  for (let i = 0, o = 0; i < n; i++, o += V4_CHARS) {
    const d0 = DIGIT[b[o]!]!;
    const d1 = DIGIT[b[o + 1]!]!;
    const d2 = DIGIT[b[o + 2]!]!;
    const d3 = DIGIT[b[o + 3]!]!;
    const d4 = DIGIT[b[o + 4]!]!;
    const d5 = DIGIT[b[o + 5]!]!;
    const d6 = DIGIT[b[o + 6]!]!;
    const d7 = DIGIT[b[o + 7]!]!;
    if ((d0 | d1 | d2 | d3 | d4 | d5 | d6 | d7) > 63) throw recordError(where, hint, i, 'is not base64');
    const hi = (d0 << 18) | (d1 << 12) | (d2 << 6) | d3; // bytes 0-2
    const lo = (d4 << 18) | (d5 << 12) | (d6 << 6) | d7; // bytes 3-5
    const a = hi * 256 + (lo >>> 16);
    const len = (lo >>> 8) & 255;
    if ((lo & 255) !== 0 || len > 32) throw recordError(where, hint, i, 'is not an IPv4 prefix record');
    // Host bits: the address shifted left by len is 0 (a shift by 32 would be a shift by 0 in JS).
    if (len < 32 && a << len !== 0) throw recordError(where, hint, i, 'has host bits set');
    if (a < prevAddr || (a === prevAddr && len <= prevLen)) {
      throw recordError(where, hint, i, 'is out of order or repeated');
    }
    addr[i] = a;
    lens[i] = len;
    prevAddr = a;
    prevLen = len;
  }
  return { addr, len: lens };
}

function decodeV6(b: Uint8Array, where: string, hint: string): { words: Uint32Array; len: Uint8Array } {
  const n = checkLength(b, V6_CHARS, where, hint);
  const words = new Uint32Array(4 * n);
  const lens = new Uint8Array(n);
  const g = new Array<number>(6);
  for (let i = 0, o = 0; i < n; i++, o += V6_CHARS) {
    for (let k = 0; k < 6; k++) {
      const p = o + 4 * k;
      const d0 = DIGIT[b[p]!]!;
      const d1 = DIGIT[b[p + 1]!]!;
      const d2 = DIGIT[b[p + 2]!]!;
      const d3 = DIGIT[b[p + 3]!]!;
      if ((d0 | d1 | d2 | d3) > 63) throw recordError(where, hint, i, 'is not base64');
      g[k] = (d0 << 18) | (d1 << 12) | (d2 << 6) | d3;
    }
    const [g0, g1, g2, g3, g4, g5] = g as [number, number, number, number, number, number];
    const w = [
      g0 * 256 + (g1 >>> 16),
      (g1 & 0xffff) * 65536 + (g2 >>> 8),
      (g2 & 0xff) * 0x1000000 + g3,
      g4 * 256 + (g5 >>> 16),
    ];
    const len = (g5 >>> 8) & 255;
    if ((g5 & 255) !== 0 || len > 128) throw recordError(where, hint, i, 'is not an IPv6 prefix record');
    for (let k = 0; k < 4; k++) {
      const keep = Math.min(32, Math.max(0, len - 32 * k)); // the word's network bits
      if (keep < 32 && w[k]! << keep !== 0) throw recordError(where, hint, i, 'has host bits set');
    }
    if (i > 0 && compareV6(words, 4 * (i - 1), lens[i - 1]!, w, len) >= 0) {
      throw recordError(where, hint, i, 'is out of order or repeated');
    }
    words.set(w, 4 * i);
    lens[i] = len;
  }
  return { words, len: lens };
}

function compareV6(words: Uint32Array, at: number, prevLen: number, w: readonly number[], len: number): number {
  for (let k = 0; k < 4; k++) {
    const d = words[at + k]! - w[k]!;
    if (d !== 0) return d;
  }
  return prevLen - len;
}

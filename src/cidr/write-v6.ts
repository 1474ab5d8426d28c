// IPv6 lines of writePrefixes built directly as bytes (RFC 5952 text, as formatIpv6Address prints it: lower case,
// no leading zeros, the longest run of two or more zero groups as `::` (the first on a tie), IPv4-mapped addresses
// as `::ffff:a.b.c.d`), so a 1M-entry output makes no string per entry.
import type { Ipv6Prefixes } from './types.js';

/** The longest line: 8 groups of 4 hex digits, 7 colons, `/128`, newline. */
export const MAX_V6_LINE = 44;

const HEX_DIGITS = new Uint8Array([48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102]);
const COLON = 58;
const DOT = 46;
const SLASH = 47;
const NEWLINE = 10;
const GROUPS = new Uint32Array(8);

function putHexGroup(buf: Uint8Array, pos: number, v: number): number {
  if (v >= 0x1000) buf[pos++] = HEX_DIGITS[v >>> 12]!;
  if (v >= 0x100) buf[pos++] = HEX_DIGITS[(v >>> 8) & 15]!;
  if (v >= 0x10) buf[pos++] = HEX_DIGITS[(v >>> 4) & 15]!;
  buf[pos++] = HEX_DIGITS[v & 15]!;
  return pos;
}

function putDecimal(buf: Uint8Array, pos: number, v: number): number {
  if (v >= 100) buf[pos++] = 48 + Math.floor(v / 100);
  if (v >= 10) buf[pos++] = 48 + (Math.floor(v / 10) % 10);
  buf[pos++] = 48 + (v % 10);
  return pos;
}

/** The address of entry i at buf[pos..]; returns the position after it. */
function putAddress(buf: Uint8Array, pos: number, w: Uint32Array, o: number): number {
  const w0 = w[o]!;
  const w1 = w[o + 1]!;
  const w2 = w[o + 2]!;
  const w3 = w[o + 3]!;
  if (w0 === 0 && w1 === 0 && w2 === 0xffff) {
    buf[pos++] = COLON;
    buf[pos++] = COLON;
    pos = putHexGroup(buf, pos, 0xffff);
    buf[pos++] = COLON;
    pos = putDecimal(buf, pos, w3 >>> 24);
    buf[pos++] = DOT;
    pos = putDecimal(buf, pos, (w3 >>> 16) & 255);
    buf[pos++] = DOT;
    pos = putDecimal(buf, pos, (w3 >>> 8) & 255);
    buf[pos++] = DOT;
    return putDecimal(buf, pos, w3 & 255);
  }
  const g = GROUPS;
  g[0] = w0 >>> 16;
  g[1] = w0 & 0xffff;
  g[2] = w1 >>> 16;
  g[3] = w1 & 0xffff;
  g[4] = w2 >>> 16;
  g[5] = w2 & 0xffff;
  g[6] = w3 >>> 16;
  g[7] = w3 & 0xffff;
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  for (let k = 0; k < 8; k++) {
    if (k === best) {
      buf[pos++] = COLON;
      buf[pos++] = COLON;
      k += bestLen - 1;
      continue;
    }
    if (k > 0 && k !== best + bestLen) buf[pos++] = COLON;
    pos = putHexGroup(buf, pos, g[k]!);
  }
  return pos;
}

/** Writes one line per entry (`addr/len\n`, or `addr\n` for a /128 when bare) at buf[pos..]; returns the end. */
export function putV6Lines(buf: Uint8Array, pos: number, v6: Ipv6Prefixes, bare: boolean): number {
  const { words, len } = v6;
  for (let i = 0; i < len.length; i++) {
    pos = putAddress(buf, pos, words, 4 * i);
    const l = len[i]!;
    if (!(bare && l === 128)) {
      buf[pos++] = SLASH;
      pos = putDecimal(buf, pos, l);
    }
    buf[pos++] = NEWLINE;
  }
  return pos;
}

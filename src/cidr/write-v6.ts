// IPv6 lines of writePrefixes built directly as bytes (RFC 5952 text, as formatIpv6Address prints it: lower case,
// no leading zeros, the longest run of two or more zero groups as `::` (the first on a tie), IPv4-mapped addresses
// as `::ffff:a.b.c.d`), so a 1M-entry output makes no string per entry. Each group's text is one little-endian
// 32-bit store from a table (the bytes past its width are overwritten by what follows), and where `::` goes is
// looked up by the address's zero-group mask: no loop or branch per digit.
import { longestZeroRun } from './format.js';
import type { Ipv6Prefixes } from './types.js';

/**
 * LINE_BOUND[len]: the longest line of a /len (normalised: groups past ceil(len / 16) are zero, one hex digit at
 * most each): 4 digits per group that may be non-zero, 1 per other group, 7 colons, `/len`, newline. A /128 is
 * 44 bytes, a /64 32: the output buffer is sized by these, not 44 per line (memory never touched costs nothing,
 * but a smaller allocation is more often served from memory the allocator already has; fresh pages are slow).
 */
const LINE_BOUND = Uint8Array.from({ length: 129 }, (_, len) => {
  const groups = Math.ceil(len / 16);
  return 4 * groups + (8 - groups) + 7 + 1 + String(len).length + 1;
});

/** Bytes putV6Lines may need for these entries (at most 44 a line). */
export function v6LinesBound(v6: Ipv6Prefixes, bare: boolean): number {
  const { len } = v6;
  let total = 0;
  for (let i = 0; i < len.length; i++) {
    const l = len[i]!;
    total += LINE_BOUND[l]! - (bare && l === 128 ? 4 : 0);
  }
  return total;
}

const COLON = 58;
const DOT = 46;
const NEWLINE = 10;

interface Tables {
  /** HEX[v]: the hex text of 16-bit v (1-4 bytes), little-endian packed; HEX_WIDTH[v] its length. */
  hex: Int32Array;
  hexWidth: Uint8Array;
  /** `/len` (2-4 bytes) packed the same way, and its length. */
  slash: Int32Array;
  slashWidth: Uint8Array;
  /** For the mask of zero groups (bit k: group k is 0): where `::` starts (8: none) and where it ends. */
  gapStart: Uint8Array;
  gapEnd: Uint8Array;
}

let tables: Tables | undefined; // built on the first IPv6 line written (~1 ms; IPv4-only runs never pay it)

function pack(text: string): number {
  let v = 0;
  for (let k = text.length - 1; k >= 0; k--) v = (v << 8) | text.charCodeAt(k);
  return v;
}

function buildTables(): Tables {
  const t: Tables = {
    hex: new Int32Array(65536),
    hexWidth: new Uint8Array(65536),
    slash: new Int32Array(129),
    slashWidth: new Uint8Array(129),
    gapStart: new Uint8Array(256),
    gapEnd: new Uint8Array(256),
  };
  for (let v = 0; v < 65536; v++) {
    const s = v.toString(16);
    t.hex[v] = pack(s);
    t.hexWidth[v] = s.length;
  }
  for (let l = 0; l <= 128; l++) {
    t.slash[l] = pack(`/${l}`);
    t.slashWidth[l] = String(l).length + 1;
  }
  for (let z = 0; z < 256; z++) {
    const groups = Array.from({ length: 8 }, (_, k) => ((z >>> k) & 1 ? 0 : 1));
    const { start, length } = longestZeroRun(groups);
    t.gapStart[z] = start === -1 ? 8 : start;
    t.gapEnd[z] = start === -1 ? 8 : start + length;
  }
  return t;
}

function putDecimal(buf: Uint8Array, pos: number, v: number): number {
  if (v >= 100) buf[pos++] = 48 + Math.floor(v / 100);
  if (v >= 10) buf[pos++] = 48 + (Math.floor(v / 10) % 10);
  buf[pos++] = 48 + (v % 10);
  return pos;
}

/** `::ffff:a.b.c.d` (rare: kept simple). */
function putMapped(buf: Uint8Array, pos: number, w3: number): number {
  buf[pos++] = COLON;
  buf[pos++] = COLON;
  for (let k = 0; k < 4; k++) buf[pos++] = 102; // ffff
  buf[pos++] = COLON;
  pos = putDecimal(buf, pos, w3 >>> 24);
  buf[pos++] = DOT;
  pos = putDecimal(buf, pos, (w3 >>> 16) & 255);
  buf[pos++] = DOT;
  pos = putDecimal(buf, pos, (w3 >>> 8) & 255);
  buf[pos++] = DOT;
  return putDecimal(buf, pos, w3 & 255);
}

/**
 * Writes one line per entry (`addr/len\n`, or `addr\n` for a /128 when bare) at buf[pos..]; returns the end. buf
 * must have v6LinesBound bytes from pos (a packed store writes up to 3 bytes past a short group, never past the
 * line's bound: a line that short leaves that much room).
 */
export function putV6Lines(buf: Uint8Array, pos: number, v6: Ipv6Prefixes, bare: boolean): number {
  const { words, len } = v6;
  const n = len.length;
  if (n === 0) return pos;
  const t = (tables ??= buildTables());
  const { hex, hexWidth, slash, slashWidth, gapStart, gapEnd } = t;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const g = new Int32Array(8);
  for (let i = 0; i < n; i++) {
    const o = 4 * i;
    const w0 = words[o]! | 0;
    const w1 = words[o + 1]! | 0;
    const w2 = words[o + 2]! | 0;
    const w3 = words[o + 3]! | 0;
    if (w0 === 0 && w1 === 0 && w2 === 0xffff) pos = putMapped(buf, pos, w3 >>> 0);
    else {
      g[0] = w0 >>> 16;
      g[1] = w0 & 0xffff;
      g[2] = w1 >>> 16;
      g[3] = w1 & 0xffff;
      g[4] = w2 >>> 16;
      g[5] = w2 & 0xffff;
      g[6] = w3 >>> 16;
      g[7] = w3 & 0xffff;
      let z = 0;
      for (let k = 0; k < 8; k++) if (g[k] === 0) z |= 1 << k;
      const gs = gapStart[z]!;
      let k = 0;
      for (; k < gs; k++) {
        if (k > 0) buf[pos++] = COLON;
        const v = g[k]!;
        view.setInt32(pos, hex[v]!, true);
        pos += hexWidth[v]!;
      }
      if (gs < 8) {
        buf[pos++] = COLON;
        buf[pos++] = COLON;
        for (k = gapEnd[z]!; k < 8; k++) {
          const v = g[k]!;
          view.setInt32(pos, hex[v]!, true);
          pos += hexWidth[v]!;
          if (k < 7) buf[pos++] = COLON;
        }
      }
    }
    const l = len[i]!;
    if (!(bare && l === 128)) {
      view.setInt32(pos, slash[l]!, true);
      pos += slashWidth[l]!;
    }
    buf[pos++] = NEWLINE;
  }
  return pos;
}

// writePrefixes: newline-terminated prefix lines built directly as bytes. At 1M entries this takes ~1/8 of the time
// of building and joining strings (perf-notes.md). With bareHosts the bytes match `iprange --optimize` output.
import type { FormatOptions } from './format.js';
import { putV6Lines, v6LinesBound } from './write-v6.js';
import type { PrefixList } from './types.js';

// Decimal digits of 0..255, three bytes per value, plus its digit count.
const OCTET_DIGITS = new Uint8Array(256 * 3);
const OCTET_WIDTH = new Uint8Array(256);
for (let v = 0; v < 256; v++) {
  const s = String(v);
  OCTET_WIDTH[v] = s.length;
  for (let k = 0; k < s.length; k++) OCTET_DIGITS[v * 3 + k] = s.charCodeAt(k);
}

const MAX_V4_LINE = 19; // 255.255.255.255/32\n
const DOT = 46;
const SLASH = 47;
const NEWLINE = 10;

function putOctet(buf: Uint8Array, pos: number, v: number): number {
  const w = OCTET_WIDTH[v]!;
  const base = v * 3;
  buf[pos] = OCTET_DIGITS[base]!;
  if (w > 1) buf[pos + 1] = OCTET_DIGITS[base + 1]!;
  if (w > 2) buf[pos + 2] = OCTET_DIGITS[base + 2]!;
  return pos + w;
}

/** One line per entry (IPv4 first, then IPv6), each ending in "\n". */
export function writePrefixes(list: PrefixList, opts?: FormatOptions): Buffer {
  const bare = opts?.bareHosts === true;
  const { addr, len } = list.v4;
  const n4 = len.length;
  const buf = Buffer.allocUnsafe(n4 * MAX_V4_LINE + v6LinesBound(list.v6, bare));
  // Addresses read as int32 (same bits): V8 keeps them untagged, with no deoptimisation at the first one above
  // 127.255.255.255 in a sorted list.
  const signed = new Int32Array(addr.buffer, addr.byteOffset, n4);
  let pos = 0;
  for (let i = 0; i < n4; i++) {
    const a = signed[i]!;
    pos = putOctet(buf, pos, a >>> 24);
    buf[pos++] = DOT;
    pos = putOctet(buf, pos, (a >>> 16) & 255);
    buf[pos++] = DOT;
    pos = putOctet(buf, pos, (a >>> 8) & 255);
    buf[pos++] = DOT;
    pos = putOctet(buf, pos, a & 255);
    const l = len[i]!;
    if (!(bare && l === 32)) {
      buf[pos++] = SLASH;
      if (l >= 10) {
        buf[pos++] = 48 + Math.floor(l / 10);
        buf[pos++] = 48 + (l % 10);
      } else {
        buf[pos++] = 48 + l;
      }
    }
    buf[pos++] = NEWLINE;
  }
  pos = putV6Lines(buf, pos, list.v6, bare); // write-v6.ts
  return buf.subarray(0, pos);
}

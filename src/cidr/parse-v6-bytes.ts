// Byte-level IPv6 entry parser for list files: `addr[/len]` read straight from the file's bytes, no string per line
// (the IPv6 counterpart of parse-text.ts's IPv4 fast path). It accepts only what parsePrefix accepts and defers
// everything else (ranges, zone ids, errors, unusual blanks) to the string path, which stays the authority.
import { maskV6Word } from './mask.js';
import type { PrefixSink } from './range.js';

const NL = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const HASH = 35;
const DOT = 46;
const SLASH = 47;
const COLON = 58;

// HEX[c] = value of hex digit byte c, or 255.
const HEX = new Uint8Array(256).fill(255);
for (let c = 0; c < 10; c++) HEX[48 + c] = c;
for (let c = 0; c < 6; c++) {
  HEX[65 + c] = 10 + c;
  HEX[97 + c] = 10 + c;
}

const GROUPS = new Uint32Array(8); // the 16-bit groups before and after `::`, in text order
/** Counters of the last call: [entries with host bits set (cleared), lines taken] (see parseV6Lines). */
export const V6_LINE = new Float64Array(2);

/** A strict dotted quad at buf[i..] (no leading zeros, octets <= 255); stores two groups at GROUPS[g]. */
function scanEmbeddedV4(buf: Uint8Array, i: number, n: number, g: number): number {
  let value = 0;
  for (let octet = 0; octet < 4; octet++) {
    if (octet > 0) {
      if (i >= n || buf[i] !== DOT) return -1;
      i++;
    }
    let v = i < n ? buf[i]! - 48 : -1;
    if (v < 0 || v > 9) return -1;
    i++;
    for (let k = 0; k < 2 && i < n; k++) {
      const d = buf[i]! - 48;
      if (d < 0 || d > 9) break;
      if (v === 0) return -1; // leading zero
      v = v * 10 + d;
      i++;
    }
    if (v > 255) return -1;
    value = value * 256 + v;
  }
  GROUPS[g] = Math.floor(value / 65536);
  GROUPS[g + 1] = value % 65536;
  return i;
}

/** Parses the address at buf[i..]; returns the index after it (or -1) and the group count and gap in SHAPE. */
const SHAPE = new Int32Array(2); // [groups, gap index or -1]
function scanAddress(buf: Uint8Array, i: number, n: number): number {
  let groups = 0;
  let gap = -1;
  if (i < n && buf[i] === COLON) {
    if (i + 1 >= n || buf[i + 1] !== COLON) return -1;
    gap = 0;
    i += 2;
    if (i >= n || HEX[buf[i]!] === 255) {
      SHAPE[0] = 0;
      SHAPE[1] = 0;
      return i;
    }
  }
  for (;;) {
    const groupStart = i;
    let v = 0;
    let digits = 0;
    while (i < n && digits < 5) {
      const h = HEX[buf[i]!]!;
      if (h === 255) break;
      v = v * 16 + h;
      digits++;
      i++;
    }
    if (digits === 0 || digits > 4) return -1;
    if (i < n && buf[i] === DOT) {
      // Embedded IPv4: the last field, two groups.
      if (groups > 6) return -1;
      i = scanEmbeddedV4(buf, groupStart, n, groups);
      if (i === -1) return -1;
      groups += 2;
      break;
    }
    if (groups === 8) return -1;
    GROUPS[groups++] = v;
    if (i >= n || buf[i] !== COLON) break;
    if (i + 1 < n && buf[i + 1] === COLON) {
      if (gap !== -1) return -1;
      gap = groups;
      i += 2;
      if (i >= n || HEX[buf[i]!] === 255) break;
    } else {
      i++;
    }
  }
  if (gap === -1 ? groups !== 8 : groups > 7) return -1;
  SHAPE[0] = groups;
  SHAPE[1] = gap;
  return i;
}

const EXPANDED = new Uint32Array(8);

/** The 8 groups of an address with a `::` at gap (groups of them written), the gap filled with zeros. */
function expand(groups: number, gap: number): Uint32Array {
  const fill = 8 - groups;
  for (let k = 0; k < gap; k++) EXPANDED[k] = GROUPS[k]!;
  for (let k = gap; k < gap + fill; k++) EXPANDED[k] = 0;
  for (let k = gap + fill; k < 8; k++) EXPANDED[k] = GROUPS[k - fill]!;
  return EXPANDED;
}

// Masks of every prefix length, word by word: V6_MASK[4 * len + k] (no call per entry).
const V6_MASK = new Int32Array(4 * 129);
for (let len = 0; len <= 128; len++) for (let k = 0; k < 4; k++) V6_MASK[4 * len + k] = maskV6Word(len, k) | 0;

/**
 * Parses one IPv6 entry at buf[i..] (the line's first non-blank byte): `addr` or `addr/len`, then blanks (space,
 * tab, CR) and end of line, end of input or a `#` comment. Adds it to sink and returns where the next line starts;
 * returns -1, adding nothing, for anything else. V6_LINE[0] is 1 when the entry had host bits set.
 */
export function parseV6Line(buf: Uint8Array, i: number, n: number, sink: PrefixSink): number {
  V6_LINE[0] = 0;
  return parseOne(buf, i, n, sink);
}

/** A sink that can make room for a run of entries at once (PrefixListBuilder does). */
export type V6RunSink = PrefixSink & { reserveV6?(count: number): void };

/**
 * parseV6Line over consecutive lines: takes IPv6 entry lines from buf[i..] (i at the first line's first non-blank
 * byte) until a line it does not take, in one call (a 1M-line IPv6 file is one call, not one per line). Returns
 * where that line starts (or n), or -1 when it took no line. V6_LINE[0] is the number of entries with host bits
 * set, V6_LINE[1] the number of lines taken.
 */
export function parseV6Lines(buf: Uint8Array, i: number, n: number, sink: V6RunSink): number {
  V6_LINE[0] = 0;
  V6_LINE[1] = 0;
  let next = parseOne(buf, i, n, sink);
  if (next === -1) return -1;
  // IPv6 lines average ~30 bytes: room for the rest of the input at 24 bytes a line grows once at most.
  sink.reserveV6?.(Math.ceil((n - next) / 24));
  let lines = 1;
  while (next < n) {
    let j = next;
    while (j < n && (buf[j] === SPACE || buf[j] === TAB || buf[j] === CR)) j++;
    const after = parseOne(buf, j, n, sink);
    if (after === -1) break;
    next = after;
    lines++;
  }
  V6_LINE[1] = lines;
  return next;
}

function parseOne(buf: Uint8Array, i: number, n: number, sink: PrefixSink): number {
  const start = i;
  i = scanAddress(buf, i, n);
  if (i === -1 || i - start > 45) return -1;
  let len = 128;
  if (i < n && buf[i] === SLASH) {
    i++;
    const d1 = i < n ? buf[i]! - 48 : -1;
    if (d1 < 0 || d1 > 9) return -1;
    len = d1;
    i++;
    for (let k = 0; k < 2 && i < n; k++) {
      const d = buf[i]! - 48;
      if (d < 0 || d > 9) break;
      if (len === 0) return -1; // leading zero
      len = len * 10 + d;
      i++;
    }
    if (len > 128 || (i < n && buf[i]! >= 48 && buf[i]! <= 57)) return -1;
  }
  while (i < n && (buf[i] === SPACE || buf[i] === TAB || buf[i] === CR)) i++;
  let next: number;
  if (i >= n) next = n;
  else if (buf[i] === NL) next = i + 1;
  else if (buf[i] === HASH) {
    const eol = buf.indexOf(NL, i);
    next = eol === -1 ? n : eol + 1;
  } else return -1;
  const gap = SHAPE[1]!;
  const g = gap === -1 ? GROUPS : expand(SHAPE[0]!, gap);
  const w0 = ((g[0]! << 16) | g[1]!) >>> 0;
  const w1 = ((g[2]! << 16) | g[3]!) >>> 0;
  const w2 = ((g[4]! << 16) | g[5]!) >>> 0;
  const w3 = ((g[6]! << 16) | g[7]!) >>> 0;
  const m = 4 * len;
  if (
    (w0 & ~V6_MASK[m]!) !== 0 ||
    (w1 & ~V6_MASK[m + 1]!) !== 0 ||
    (w2 & ~V6_MASK[m + 2]!) !== 0 ||
    (w3 & ~V6_MASK[m + 3]!) !== 0
  ) {
    V6_LINE[0]!++;
  }
  sink.addV6(w0, w1, w2, w3, len);
  return next;
}

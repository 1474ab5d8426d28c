// parseCidrText: a CIDR list file (one entry per line, `#` comments, blank lines, CRLF, `a-b` ranges) to a
// PrefixList. IPv4 lines go through a byte-level fast path with no string per line (the hot path of
// `tscm policy DEVICE --cidrs` over a 1M-line file); anything the fast path does not fully accept is re-parsed by
// the string path, which is the authority and produces the error reasons.
import { PrefixListBuilder } from './builder.js';
import { maskV4 } from './mask.js';
import { describePrefixError, parseIpv4Address, parseIpv6Address, parsePrefix } from './parse-prefix.js';
import { parseV6Line, V6_LINE } from './parse-v6-bytes.js';
import { compareWordsV6, splitRangeV4, splitRangeV6 } from './range.js';
import type { PrefixList } from './types.js';

export interface CidrParseError {
  readonly source: string;
  /** 1-based line number. */
  readonly line: number;
  /**
   * The offending entry, only when it is address-shaped (see isAddressShaped): a line of a file named as a list
   * may be anything (a password, the environment), and errors must never echo it. Absent otherwise.
   */
  readonly token?: string;
  /** Why the entry was refused, in words that never quote the entry. */
  readonly reason: string;
}

export interface CidrParseResult {
  readonly list: PrefixList;
  readonly errors: CidrParseError[];
  /** Entries that had host bits set (`10.0.0.1/8`) and were normalised; callers may warn. */
  readonly hostBitsCount: number;
}

const NL = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const HASH = 35;
const DOT = 46;
const SLASH = 47;
const DASH = 45;

// Results of scanV4 / scanFastV4, kept in a module scratch array so the hot loop allocates nothing (a typed
// array slot is also cheaper than a module-level `let`, which V8 guards with a TDZ check on every access).
const SCAN = new Float64Array(4);
const ADDR = 0;
const LEN = 1;
const END = 2;
const IS_RANGE = 3;

/** Parses a strict dotted quad at bytes[i..]; returns the index after it, or -1. Sets SCAN[ADDR]. */
function scanV4(bytes: Uint8Array, i: number, n: number): number {
  let value = 0;
  for (let octetIndex = 0; octetIndex < 4; octetIndex++) {
    if (octetIndex > 0) {
      if (i >= n || bytes[i] !== DOT) return -1;
      i++;
    }
    let c = i < n ? bytes[i]! - 48 : -1;
    if (c < 0 || c > 9) return -1;
    let octet = c;
    i++;
    c = i < n ? bytes[i]! - 48 : -1;
    if (c >= 0 && c <= 9) {
      if (octet === 0) return -1; // leading zero
      octet = octet * 10 + c;
      i++;
      c = i < n ? bytes[i]! - 48 : -1;
      if (c >= 0 && c <= 9) {
        octet = octet * 10 + c;
        if (octet > 255) return -1;
        i++;
      }
    }
    value = value * 256 + octet;
  }
  SCAN[ADDR] = value;
  return i;
}

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB || c === CR;
}

/**
 * Accepts only a well-formed IPv4 entry: `a.b.c.d[/len]` or `a.b.c.d - e.f.g.h` (start <= end), followed by blanks
 * and then end of line, end of input or `#`. Returns the index of that terminator, or -1 to defer to the string
 * path. Sets SCAN (ADDR, LEN, END, IS_RANGE).
 */
function scanFastV4(buf: Uint8Array, i: number, n: number): number {
  let j = scanV4(buf, i, n);
  if (j === -1) return -1;
  const addr = SCAN[ADDR]!;
  let len = 32;
  let hadSlash = false;
  if (j < n && buf[j] === SLASH) {
    hadSlash = true;
    const d1 = j + 1 < n ? buf[j + 1]! - 48 : -1;
    if (d1 < 0 || d1 > 9) return -1;
    const d2 = j + 2 < n ? buf[j + 2]! - 48 : -1;
    if (d2 >= 0 && d2 <= 9) {
      if (d1 === 0) return -1;
      len = d1 * 10 + d2;
      if (len > 32) return -1;
      j += 3;
    } else {
      len = d1;
      j += 2;
    }
  }
  while (j < n && isBlank(buf[j]!)) j++;
  SCAN[IS_RANGE] = 0;
  if (j < n && buf[j] === DASH) {
    if (hadSlash) return -1;
    j++;
    while (j < n && isBlank(buf[j]!)) j++;
    j = scanV4(buf, j, n);
    if (j === -1 || SCAN[ADDR]! < addr) return -1;
    SCAN[END] = SCAN[ADDR]!;
    SCAN[IS_RANGE] = 1;
    while (j < n && isBlank(buf[j]!)) j++;
  }
  if (j < n && buf[j] !== NL && buf[j] !== HASH) return -1;
  SCAN[ADDR] = addr;
  SCAN[LEN] = len;
  return j;
}

export function parseCidrText(input: string | Uint8Array, source: string): CidrParseResult {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = buf.length;
  // The shortest IPv4 line is 8 bytes ("1.2.3.4\n"); typical feeds average ~15, so n/12 rarely regrows.
  const builder = new PrefixListBuilder(Math.min(n / 12, 1 << 24));
  const errors: CidrParseError[] = [];
  let hostBitsCount = 0;
  let lineNo = 0;
  // Skip a UTF-8 byte order mark.
  let pos = n >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  while (pos < n) {
    lineNo++;
    const lineStart = pos;
    let i = pos;
    let c = 0;
    while (i < n && isBlank((c = buf[i]!))) i++;
    if (i >= n || c === NL) {
      pos = i + 1;
      continue;
    }
    if (c === HASH) {
      const eol = buf.indexOf(NL, i);
      pos = eol === -1 ? n : eol + 1;
      continue;
    }
    // Fast path: a.b.c.d[/len] or a.b.c.d - e.f.g.h, then optional blanks and # comment.
    const j = scanFastV4(buf, i, n);
    if (j !== -1) {
      if (SCAN[IS_RANGE] === 1) {
        splitRangeV4(SCAN[ADDR]!, SCAN[END]!, builder);
      } else {
        if ((SCAN[ADDR]! & ~maskV4(SCAN[LEN]!)) !== 0) hostBitsCount++;
        builder.addV4(SCAN[ADDR]!, SCAN[LEN]!);
      }
      let next = j;
      if (next < n && buf[next] === HASH) {
        const eol = buf.indexOf(NL, next);
        next = eol === -1 ? n : eol;
      }
      pos = next + 1;
      continue;
    }
    // IPv6 byte path (parse-v6-bytes.ts): `addr[/len]`, blanks, comment; returns the next line's start or -1.
    const next6 = parseV6Line(buf, i, n, builder);
    if (next6 !== -1) {
      hostBitsCount += V6_LINE[0]!;
      pos = next6;
      continue;
    }
    // String path: ranges, errors, and anything unusual.
    let eol = buf.indexOf(NL, lineStart);
    if (eol === -1) eol = n;
    const lineText = buf.toString('utf8', lineStart, eol);
    const hash = lineText.indexOf('#');
    const entry = (hash === -1 ? lineText : lineText.slice(0, hash)).trim();
    const reason = parseEntry(entry, builder);
    if (reason === HOST_BITS) hostBitsCount++;
    else if (reason !== null) {
      errors.push({ source, line: lineNo, reason, ...(isAddressShaped(entry) ? { token: entry } : {}) });
    }
    pos = eol + 1;
  }
  return { list: builder.build(), errors, hostBitsCount };
}

/** parseEntry's result for an entry that was added after clearing its host bits (not an error). */
const HOST_BITS = Symbol('host bits cleared');

/** Adds one entry (no comment, trimmed); returns null (added), HOST_BITS (added, normalised), or an error reason. */
function parseEntry(entry: string, builder: PrefixListBuilder): string | typeof HOST_BITS | null {
  if (entry === '') return null;
  const dash = entry.indexOf('-');
  if (dash !== -1) return parseRange(entry.slice(0, dash).trim(), entry.slice(dash + 1).trim(), builder);
  const p = parsePrefix(entry);
  if (p === null) return describePrefixError(entry);
  if (p.family === 'ipv4') builder.addV4(p.addr, p.len);
  else builder.addV6(p.words[0], p.words[1], p.words[2], p.words[3], p.len);
  return p.hostBits ? HOST_BITS : null;
}

function parseRange(from: string, to: string, builder: PrefixListBuilder): string | null {
  if (from.includes('/') || to.includes('/')) return 'a range is written first-last with plain addresses, no /len';
  if (from.includes(':') !== to.includes(':')) return 'range mixes IPv4 and IPv6';
  if (from.includes(':')) {
    const a = parseIpv6Address(from);
    const b = parseIpv6Address(to);
    if (a === null || b === null) return `range ${a === null ? 'start' : 'end'}: not a valid IPv6 address`;
    if (compareWordsV6(a, b) > 0) return 'range start is after its end';
    splitRangeV6(...a, ...b, builder);
    return null;
  }
  const a = parseIpv4Address(from);
  const b = parseIpv4Address(to);
  if (a < 0) return `range start: ${describePrefixError(from)}`;
  if (b < 0) return `range end: ${describePrefixError(to)}`;
  if (a > b) return 'range start is after its end';
  splitRangeV4(a, b, builder);
  return null;
}

const IPV4_SHAPE = /^\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,3})?$/;
const IPV6_SHAPE = /^[0-9A-Fa-f:]{2,39}(?:\d{1,3}(?:\.\d{1,3}){3})?(?:\/\d{1,3})?$/;

/**
 * Whether an entry looks like an IP address, a CIDR or an `a - b` range of those (valid or not: `300.1.2.3/40`),
 * and so may be quoted in an error. Anything else (a word, a password, a line of another file) is never quoted.
 */
export function isAddressShaped(entry: string): boolean {
  const dash = entry.indexOf('-');
  if (dash !== -1) {
    const from = entry.slice(0, dash).trim();
    const to = entry.slice(dash + 1).trim();
    return !from.includes('-') && !to.includes('-') && isAddressShaped(from) && isAddressShaped(to);
  }
  if (IPV4_SHAPE.test(entry)) return true;
  if (!IPV6_SHAPE.test(entry)) return false;
  // At least two colons, and no group longer than four hex digits.
  const groups = entry.replace(/\/\d+$/, '').split(':');
  return groups.length >= 3 && groups.every((g, i) => g.length <= 4 || (i === groups.length - 1 && g.includes('.')));
}

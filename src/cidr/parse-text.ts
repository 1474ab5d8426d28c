// parseCidrText: a CIDR list file (one entry per line, `#` comments, blank lines, CRLF, `a-b` ranges) to a
// PrefixList. IPv4 lines (bare addresses, `/n`, blanks, CR, trailing comments) go through a byte-level fast path
// with no string and no call per line (the hot path of `tscm policy DEVICE --cidrs` over a 1M-line file);
// anything the fast path does not fully accept is re-parsed by the string path, which is the authority and
// produces the error reasons.
import { aggregateRawV4 } from './aggregate-raw-v4.js';
import { EMPTY_PREFIXES, makePrefixList, PrefixListBuilder, sortedUniqueV4 } from './builder.js';
import { markCanonical } from './canonical.js';
import { maskV4 } from './mask.js';
import { aggregate } from './set-ops.js';
import { describePrefixError, parseIpv4Address, parseIpv6Address, parsePrefix } from './parse-prefix.js';
import { parseV6Lines, V6_LINE } from './parse-v6-bytes.js';
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

export interface CidrParseOptions {
  /**
   * Return the list aggregated (the canonical minimal CIDR list, as `aggregate` makes it) instead of as written:
   * the IPv4 entries go from the parse arrays straight to the merged blocks, skipping the dedup pass and the
   * intermediate list. For callers that aggregate anyway (`tscm policy --cidrs`).
   */
  readonly aggregate?: boolean;
}

const NL = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const HASH = 35;
const DOT = 46;
const SLASH = 47;

/** MASK[len]: the IPv4 network mask of /len as a signed 32-bit integer (the scan keeps addresses in int32). */
const MASK = Int32Array.from({ length: 33 }, (_, len) => maskV4(len) | 0);

// scanLines' counters, kept in a typed array between calls (no object per call, no module-level `let`).
const STATE = new Float64Array(3);
const COUNT = 0;
const LINE = 1;
const HOST_BITS_SET = 2;

/**
 * The byte-level fast path: takes lines from pos on while they are blank, comments, or a strict IPv4 entry (a
 * dotted quad without leading zeros, optional /len without leading zero, blanks or CR, then end of line or a #
 * comment), writing entries to addr/lens. Returns the start of the first line it did not take (or n); it stops
 * there when the arrays are full too. Small on purpose: V8 compiles it early and quickly.
 */
function scanLines(buf: Uint8Array, pos: number, n: number, addr: Uint32Array, lens: Uint8Array): number {
  let count = STATE[COUNT]!;
  let line = STATE[LINE]!;
  let hostBits = STATE[HOST_BITS_SET]!;
  const cap = addr.length;
  // `c` is the current byte, NL past the end (the end of input ends the last line).
  while (pos < n && count < cap) {
    let i = pos;
    let c = buf[i]!;
    while (c === SPACE || c === TAB || c === CR) c = ++i < n ? buf[i]! : NL;
    if (c === NL || c === HASH) {
      const eol = c === NL ? i : buf.indexOf(NL, i);
      pos = eol === -1 ? n : eol + 1;
      line++;
      continue;
    }
    // The address is built as an int32 ((a << 8) | octet): the same bits as the unsigned value, and never a heap
    // number, so V8's optimised code does not deoptimise at the first address above 127.255.255.255.
    let a = 0;
    let octets = 0;
    for (; octets < 4; octets++) {
      if (octets > 0) {
        if (c !== DOT) break;
        c = ++i < n ? buf[i]! : NL;
      }
      let d = c - 48;
      if (d < 0 || d > 9) break;
      let octet = d;
      c = ++i < n ? buf[i]! : NL;
      d = c - 48;
      if (d >= 0 && d <= 9) {
        if (octet === 0) break;
        octet = octet * 10 + d;
        c = ++i < n ? buf[i]! : NL;
        d = c - 48;
        if (d >= 0 && d <= 9) {
          octet = octet * 10 + d;
          if (octet > 255) break;
          c = ++i < n ? buf[i]! : NL;
        }
      }
      a = (a << 8) | octet;
    }
    if (octets !== 4) break;
    let len = 32;
    if (c === SLASH) {
      c = ++i < n ? buf[i]! : NL;
      const d1 = c - 48;
      if (d1 < 0 || d1 > 9) break;
      c = ++i < n ? buf[i]! : NL;
      const d2 = c - 48;
      if (d2 < 0 || d2 > 9) len = d1;
      else {
        len = d1 * 10 + d2;
        if (d1 === 0 || len > 32) break;
        c = ++i < n ? buf[i]! : NL;
      }
    }
    while (c === SPACE || c === TAB || c === CR) c = ++i < n ? buf[i]! : NL;
    if (c !== NL && c !== HASH) break;
    const network = a & MASK[len]!;
    if (network !== a) hostBits++;
    addr[count] = network;
    lens[count++] = len;
    if (c === HASH) {
      const eol = buf.indexOf(NL, i);
      i = eol === -1 ? n : eol;
    }
    pos = i + 1;
    line++;
  }
  STATE[COUNT] = count;
  STATE[LINE] = line;
  STATE[HOST_BITS_SET] = hostBits;
  return pos;
}

export function parseCidrText(
  input: string | Uint8Array,
  source: string,
  opts: CidrParseOptions = {},
): CidrParseResult {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = buf.length;
  // The shortest IPv4 line is 8 bytes ("1.2.3.4\n"), so n/8 + 1 entries regrow only when blank lines are mixed in.
  let addr: Uint32Array = new Uint32Array(Math.max(64, Math.min(Math.ceil(n / 8) + 1, 1 << 24)));
  let lens: Uint8Array = new Uint8Array(addr.length);
  // Everything the fast path does not take (IPv6, ranges, errors) goes through the string path into here.
  const rest = new PrefixListBuilder();
  const errors: CidrParseError[] = [];
  let hostBitsCount = 0;
  STATE.fill(0);
  // Skip a UTF-8 byte order mark.
  let pos = n >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  for (;;) {
    pos = scanLines(buf, pos, n, addr, lens);
    if (pos >= n) break;
    if (STATE[COUNT] === addr.length) {
      addr = grow32(addr, addr.length * 2);
      lens = grow8(lens, lens.length * 2);
      continue;
    }
    const lineNo = ++STATE[LINE]!;
    // IPv6 byte path (parse-v6-bytes.ts): a run of `addr[/len]` lines; returns the next line's start or -1.
    let i = pos;
    while (i < n && (buf[i] === SPACE || buf[i] === TAB || buf[i] === CR)) i++;
    const next6 = parseV6Lines(buf, i, n, rest);
    if (next6 !== -1) {
      hostBitsCount += V6_LINE[0]!;
      STATE[LINE]! += V6_LINE[1]! - 1;
      pos = next6;
      continue;
    }
    // The string path: ranges, errors, and anything unusual.
    let eol = buf.indexOf(NL, pos);
    if (eol === -1) eol = n;
    const lineText = buf.toString('utf8', pos, eol);
    const hash = lineText.indexOf('#');
    const entry = (hash === -1 ? lineText : lineText.slice(0, hash)).trim();
    const reason = parseEntry(entry, rest);
    if (reason === HOST_BITS) hostBitsCount++;
    else if (reason !== null) {
      errors.push({ source, line: lineNo, reason, ...(isAddressShaped(entry) ? { token: entry } : {}) });
    }
    pos = eol + 1;
  }
  let count = STATE[COUNT]!;
  hostBitsCount += STATE[HOST_BITS_SET]!;
  const others = rest.build();
  if (others.v4.len.length > 0) {
    const total = count + others.v4.len.length;
    addr = grow32(addr, total);
    lens = grow8(lens, total);
    addr.set(others.v4.addr, count);
    lens.set(others.v4.len, count);
    count = total;
  }
  const list =
    opts.aggregate === true
      ? markCanonical(
          makePrefixList(
            ...aggregateRawV4(addr, lens, count),
            ...v6Of(aggregate({ v4: EMPTY_PREFIXES.v4, v6: others.v6 })),
          ),
        )
      : makePrefixList(...sortedUniqueV4(addr, lens, count), others.v6.words, others.v6.len);
  return { list, errors, hostBitsCount };
}

function v6Of(list: PrefixList): [Uint32Array, Uint8Array] {
  return [list.v6.words, list.v6.len];
}

function grow32(a: Uint32Array, size: number): Uint32Array {
  const b = new Uint32Array(size);
  b.set(a.subarray(0, Math.min(a.length, size)));
  return b;
}

function grow8(a: Uint8Array, size: number): Uint8Array {
  const b = new Uint8Array(size);
  b.set(a.subarray(0, Math.min(a.length, size)));
  return b;
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

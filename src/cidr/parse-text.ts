// parseCidrText: a CIDR list file (one entry per line, `#` comments, blank lines, CRLF, `a-b` ranges) to a
// PrefixList. IPv4 lines (bare addresses, `/n`, blanks, CR, trailing comments) go through a byte-level fast path
// with no string and no call per line (the hot path of `tscm policy DEVICE --cidrs` over a 1M-line file);
// anything the fast path does not fully accept is re-parsed by the string path, which is the authority and
// produces the error reasons.
import { EMPTY_PREFIXES, makePrefixList, PrefixListBuilder, sortedUniqueV4 } from './builder.js';
import { markCanonical } from './canonical.js';
import { aggregate } from './set-ops.js';
import { describePrefixError, parseIpv4Address, parseIpv6Address, parsePrefix } from './parse-prefix.js';
import { parseV6Lines, V6_LINE } from './parse-v6-bytes.js';
import { compareWordsV6, splitRangeV4, splitRangeV6 } from './range.js';
import type { PrefixList } from './types.js';
import { CHUNK_BYTES, V4Kernel } from './v4-kernel.js';

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
/** Entries a job holds when not aggregating (then it is drained into the list's arrays). */
const BATCH = 65536;
const SPACE = 32;
const TAB = 9;

export function parseCidrText(
  input: string | Uint8Array,
  source: string,
  opts: CidrParseOptions = {},
): CidrParseResult {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const parser = new CidrTextParser(source, bytes.length, opts);
  for (let off = 0; off < bytes.length;) {
    const space = parser.space();
    const m = Math.min(space.length, bytes.length - off);
    space.set(bytes.subarray(off, off + m));
    parser.took(m);
    off += m;
  }
  return parser.finish();
}

/**
 * parseCidrText in pieces, for a caller that reads a large file into space() as it goes: the text is scanned a
 * chunk at a time (lines split across reads are carried over), so no buffer of the whole file is ever touched.
 */
export class CidrTextParser {
  // The IPv4 byte path runs in WebAssembly (v4-kernel.wat) in a job sized for the file: an entry line is at
  // least 8 bytes with its newline ("1.2.3.4\n"), so sizeHint/8 + 2 entries hold what it takes (a file longer
  // than its size said grows the job).
  private k: V4Kernel;
  /** Bytes in the input region not scanned yet (the start of a line and what follows). */
  private have = 0;
  private started = false;
  // Everything the fast path does not take (IPv6, ranges, errors) goes through the string path into here.
  private readonly rest = new PrefixListBuilder();
  private readonly errors: CidrParseError[] = [];
  private hostBitsCount = 0;
  /** The file offset of the input region's first byte. */
  private base = 0;
  private reservedV6 = false;
  /** Not aggregating: the entries scanned in earlier batches. */
  private readonly drained: { addr: Uint32Array; len: Uint8Array; n: number };

  constructor(
    private readonly source: string,
    private readonly sizeHint: number,
    private readonly opts: CidrParseOptions = {},
  ) {
    this.k = new V4Kernel({
      input: Math.max(64, Math.min(sizeHint, CHUNK_BYTES)),
      // Not aggregating: a batch at a time, drained into `drained` (see drain).
      entries: opts.aggregate === true ? Math.floor(sizeHint / 8) + 2 : Math.min(BATCH, Math.floor(sizeHint / 8) + 2),
      sort: opts.aggregate === true,
    });
    const size = opts.aggregate === true ? 0 : Math.floor(sizeHint / 8) + 2;
    this.drained = { addr: new Uint32Array(size), len: new Uint8Array(size), n: 0 };
  }

  /** Where the next bytes go (never empty). */
  space(): Uint8Array {
    const room = this.k.input.length - 1;
    if (this.have === room) this.k = this.k.grown({ input: 2 * room });
    return this.k.input.subarray(this.have, this.k.input.length - 1);
  }

  /** Takes `bytes` bytes just put into space(): scans the whole lines, keeps the last partial one. */
  took(bytes: number): void {
    const end = this.have + bytes;
    const lastNl = this.k.input.lastIndexOf(NL, end - 1);
    this.have = end;
    if (lastNl < 0) return;
    this.scan(lastNl + 1);
    this.k.input.copyWithin(0, lastNl + 1, end);
    this.have = end - lastNl - 1;
    this.base += lastNl + 1;
  }

  finish(): CidrParseResult {
    if (this.have > 0) {
      this.k.input[this.have] = NL; // the sentinel that ends the last line
      this.scan(this.have);
      this.have = 0;
    }
    const { k, rest, errors } = this;
    const count = k.count;
    const hostBitsCount = this.hostBitsCount + k.hostBits;
    const others = rest.build();
    const extra = others.v4.len.length;
    if (this.opts.aggregate !== true) {
      this.drain(extra);
      const { drained } = this;
      const total = drained.n + extra;
      drained.addr.set(others.v4.addr, drained.n);
      drained.len.set(others.v4.len, drained.n);
      const list = makePrefixList(...sortedUniqueV4(drained.addr, drained.len, total), others.v6.words, others.v6.len);
      return { list, errors, hostBitsCount };
    }
    // Entries of the string path (ranges) join the scanned ones, in a larger job when they do not fit.
    const job = count + extra > k.addr.length ? k.grown({ entries: count + extra }) : k;
    job.addr.set(others.v4.addr, count);
    job.len.set(others.v4.len, count);
    const m = job.aggregate(count + extra);
    // Views of the job's memory, not copies: a copy would touch another 5 bytes per entry of fresh memory.
    const list = markCanonical(
      makePrefixList(
        job.addr.subarray(0, m),
        job.len.subarray(0, m),
        ...v6Of(aggregate({ v4: EMPTY_PREFIXES.v4, v6: others.v6 })),
      ),
    );
    return { list, errors, hostBitsCount };
  }

  /** Scans input[0, n), which ends with a newline. */
  private scan(n: number): void {
    let pos = 0;
    if (!this.started) {
      this.started = true;
      const b = this.k.input;
      // Skip a UTF-8 byte order mark.
      if (n >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) pos = 3;
    }
    for (;;) {
      pos = this.k.scan(pos, n);
      if (pos >= n) return;
      if (this.k.count < this.k.addr.length) pos = this.slowLine(this.k.input.subarray(0, n), pos, n);
      else if (this.opts.aggregate === true) this.k = this.k.grown({ entries: 2 * this.k.addr.length });
      else this.drain(0);
    }
  }

  /**
   * Not aggregating, the entries scanned so far move to growable JavaScript arrays (sized from the size hint, as
   * the list's own arrays would be) and the job's batch starts again: a job per parse, sized for the whole file,
   * would be fresh memory on every call of a long-running process. Leaves room for `extra` more entries.
   */
  private drain(extra: number): void {
    const { k, drained } = this;
    const count = k.count;
    const need = drained.n + count + extra;
    if (need > drained.addr.length) {
      const size = Math.max(need, 2 * drained.addr.length);
      const addr = new Uint32Array(size);
      const len = new Uint8Array(size);
      addr.set(drained.addr.subarray(0, drained.n));
      len.set(drained.len.subarray(0, drained.n));
      drained.addr = addr;
      drained.len = len;
    }
    drained.addr.set(k.addr.subarray(0, count), drained.n);
    drained.len.set(k.len.subarray(0, count), drained.n);
    drained.n += count;
    k.count = 0;
  }

  /** The line at pos, which the fast path did not take: IPv6, or the string path. Returns the next line's start. */
  private slowLine(buf: Buffer, pos: number, n: number): number {
    const lineNo = ++this.k.line;
    // IPv6 byte path (parse-v6-bytes.ts): a run of `addr[/len]` lines; returns the next line's start or -1.
    let i = pos;
    while (i < n && (buf[i] === SPACE || buf[i] === TAB || buf[i] === CR)) i++;
    if (!this.reservedV6) {
      // Room for the rest of the file at once (parseV6Lines reserves only for the chunk at hand: per chunk, the
      // builder would regrow, and copy, once per chunk).
      this.reservedV6 = true;
      this.rest.reserveV6(Math.ceil(Math.max(0, this.sizeHint - this.base - i) / 24));
    }
    const next6 = parseV6Lines(buf, i, n, this.rest);
    if (next6 !== -1) {
      this.hostBitsCount += V6_LINE[0]!;
      this.k.line += V6_LINE[1]! - 1;
      return next6;
    }
    // The string path: ranges, errors, and anything unusual.
    let eol = buf.indexOf(NL, pos);
    if (eol === -1) eol = n;
    const lineText = buf.toString('utf8', pos, eol);
    const hash = lineText.indexOf('#');
    const entry = (hash === -1 ? lineText : lineText.slice(0, hash)).trim();
    const reason = parseEntry(entry, this.rest);
    if (reason === HOST_BITS) this.hostBitsCount++;
    else if (reason !== null) {
      this.errors.push({
        source: this.source,
        line: lineNo,
        reason,
        ...(isAddressShaped(entry) ? { token: entry } : {}),
      });
    }
    return eol + 1;
  }
}

function v6Of(list: PrefixList): [Uint32Array, Uint8Array] {
  return [list.v6.words, list.v6.len];
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

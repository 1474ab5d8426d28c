// Text forms of prefixes: IPv4 dotted quad, IPv6 in RFC 5952 canonical text (lowercase, longest zero run
// compressed, IPv4-mapped addresses in mixed notation). For large outputs use writePrefixes (bytes) instead.
import type { ParsedIpv4, ParsedIpv6 } from './parse-prefix.js';
import type { PrefixList } from './types.js';

/** One prefix as a value: a ParsedPrefix fits, the hostBits flag is not needed. */
export type PrefixValue = Pick<ParsedIpv4, 'family' | 'addr' | 'len'> | Pick<ParsedIpv6, 'family' | 'words' | 'len'>;

export interface FormatOptions {
  /** Print /32 and /128 prefixes as bare addresses (as FireHOL iprange does). */
  readonly bareHosts?: boolean;
}

export function formatIpv4Address(addr: number): string {
  return `${addr >>> 24}.${(addr >>> 16) & 255}.${(addr >>> 8) & 255}.${addr & 255}`;
}

/** RFC 5952 text of an IPv6 address given as four 32-bit words. */
export function formatIpv6Address(w0: number, w1: number, w2: number, w3: number): string {
  if (w0 === 0 && w1 === 0 && w2 === 0xffff) return `::ffff:${formatIpv4Address(w3)}`;
  const g = [w0 >>> 16, w0 & 0xffff, w1 >>> 16, w1 & 0xffff, w2 >>> 16, w2 & 0xffff, w3 >>> 16, w3 & 0xffff];
  const { start: bestStart, length: bestLen } = longestZeroRun(g);
  const hex = (from: number, to: number): string =>
    g
      .slice(from, to)
      .map((x) => x.toString(16))
      .join(':');
  if (bestStart === -1) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLen, 8)}`;
}

/**
 * The longest run of two or more zero groups in the 8 groups of an IPv6 address, the first one winning a tie
 * (RFC 5952 4.2.3): where `::` goes. start is -1 when there is none.
 */
export function longestZeroRun(groups: readonly number[]): { start: number; length: number } {
  let start = -1;
  let length = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > length) {
      start = i;
      length = j - i;
    }
    i = j;
  }
  return { start, length };
}

/** Text of one prefix, e.g. `192.0.2.0/24`, `2001:db8::/32`; hosts bare when opts.bareHosts. */
export function formatPrefix(prefix: PrefixValue, opts?: FormatOptions): string {
  if (prefix.family === 'ipv4') return formatV4Entry(prefix.addr, prefix.len, opts?.bareHosts === true);
  const [w0, w1, w2, w3] = prefix.words;
  return formatV6Entry(w0, w1, w2, w3, prefix.len, opts?.bareHosts === true);
}

function formatV4Entry(addr: number, len: number, bare: boolean): string {
  const a = formatIpv4Address(addr);
  return bare && len === 32 ? a : `${a}/${len}`;
}

function formatV6Entry(w0: number, w1: number, w2: number, w3: number, len: number, bare: boolean): string {
  const a = formatIpv6Address(w0, w1, w2, w3);
  return bare && len === 128 ? a : `${a}/${len}`;
}

/** Text of every entry: IPv4 first, then IPv6, each in list order. */
export function formatPrefixes(list: PrefixList, opts?: FormatOptions): string[] {
  const bare = opts?.bareHosts === true;
  const out: string[] = [];
  const { addr, len } = list.v4;
  for (let i = 0; i < len.length; i++) out.push(formatV4Entry(addr[i]!, len[i]!, bare));
  const w = list.v6.words;
  const l6 = list.v6.len;
  for (let i = 0; i < l6.length; i++) {
    out.push(formatV6Entry(w[4 * i]!, w[4 * i + 1]!, w[4 * i + 2]!, w[4 * i + 3]!, l6[i]!, bare));
  }
  return out;
}

/** Canonical strings for JSON files (always with the length: `192.0.2.1/32`). */
export function prefixesToStrings(list: PrefixList): string[] {
  return formatPrefixes(list);
}

// Longest-prefix membership of an address in a device's group entries (block or allow list), for every ACL line
// on the receive path. Entries may overlap (10.0.0.0/8 and 10.1.0.0/16 are two members): per prefix length
// present, a sorted array of the masked networks, binary-searched from the longest length down, so a lookup is
// at most (distinct lengths) x log2(n) comparisons and the arrays cost 4 bytes (IPv4) or 16 bytes (IPv6) per entry.

import { formatPrefix, parsePrefix, prefixesFromStrings, type PrefixList } from '../../cidr/index.js';
import { parseIpv4Address, parseIpv6Address } from '../../cidr/index.js';

export interface PrefixMatcher {
  /** The most specific entry holding `address` (canonical CIDR text), or null. */
  lookup(address: string): string | null;
  readonly size: number;
}

interface V4Level {
  readonly len: number;
  readonly mask: number;
  readonly nets: Uint32Array;
}

interface V6Level {
  readonly len: number;
  /** 4 words per network, networks sorted. */
  readonly words: Uint32Array;
}

/** Builds the matcher of canonical CIDR strings (as the state's inventory prints them); invalid ones are skipped. */
export function buildPrefixMatcher(entries: readonly string[]): { matcher: PrefixMatcher; invalid: number } {
  const valid: string[] = [];
  for (const e of entries) if (parsePrefix(e) !== null) valid.push(e);
  const list = prefixesFromStrings(valid);
  return { matcher: matcherOf(list), invalid: entries.length - valid.length };
}

function matcherOf(list: PrefixList): PrefixMatcher {
  const v4 = levelsV4(list);
  const v6 = levelsV6(list);
  return {
    size: list.v4.len.length + list.v6.len.length,
    lookup(address: string): string | null {
      if (address.includes(':')) {
        const w = parseIpv6Address(address);
        return w === null ? null : lookupV6(v6, w);
      }
      const a = parseIpv4Address(address);
      return a < 0 ? null : lookupV4(v4, a);
    },
  };
}

function maskOf(len: number): number {
  return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}

function levelsV4(list: PrefixList): V4Level[] {
  const byLen = new Map<number, number[]>();
  const { addr, len } = list.v4;
  for (let i = 0; i < len.length; i++) {
    const l = len[i]!;
    let nets = byLen.get(l);
    if (!nets) byLen.set(l, (nets = []));
    nets.push(addr[i]!);
  }
  return [...byLen.entries()]
    .sort((a, b) => b[0] - a[0])
    .map(([l, nets]) => ({ len: l, mask: maskOf(l), nets: Uint32Array.from(nets).sort() }));
}

function lookupV4(levels: readonly V4Level[], a: number): string | null {
  for (const { len, mask, nets } of levels) {
    const key = (a & mask) >>> 0;
    let lo = 0;
    let hi = nets.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = nets[mid]!;
      if (v === key) return formatPrefix({ family: 'ipv4', addr: key, len });
      if (v < key) lo = mid + 1;
      else hi = mid - 1;
    }
  }
  return null;
}

function maskWord(len: number, k: number): number {
  const bits = Math.min(32, Math.max(0, len - 32 * k));
  return maskOf(bits);
}

function compareV6(words: Uint32Array, i: number, key: readonly number[]): number {
  for (let k = 0; k < 4; k++) {
    const d = words[4 * i + k]! - key[k]!;
    if (d !== 0) return d;
  }
  return 0;
}

function levelsV6(list: PrefixList): V6Level[] {
  const byLen = new Map<number, number[]>();
  const { words, len } = list.v6;
  for (let i = 0; i < len.length; i++) {
    const l = len[i]!;
    let nets = byLen.get(l);
    if (!nets) byLen.set(l, (nets = []));
    // PrefixList order is by address: each level's networks stay sorted.
    nets.push(words[4 * i]!, words[4 * i + 1]!, words[4 * i + 2]!, words[4 * i + 3]!);
  }
  return [...byLen.entries()].sort((a, b) => b[0] - a[0]).map(([l, w]) => ({ len: l, words: Uint32Array.from(w) }));
}

function lookupV6(levels: readonly V6Level[], w: readonly number[]): string | null {
  for (const { len, words } of levels) {
    const key = [0, 1, 2, 3].map((k) => (w[k]! & maskWord(len, k)) >>> 0);
    let lo = 0;
    let hi = words.length / 4 - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = compareV6(words, mid, key);
      if (c === 0) {
        return formatPrefix({ family: 'ipv6', words: key as [number, number, number, number], len });
      }
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
  }
  return null;
}

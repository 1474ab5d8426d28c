// The entries of a prefix list that share an address with one prefix p, found by binary search (a block list can
// hold a million entries and the carve-out asks once per protected address). Prefixes never partly overlap: an
// entry either holds p (at most one per shorter length, found by an exact search each) or lies inside it (a run of
// the list from p's address to its last address). Reported in list order: the holders first, then the run.

import { formatPrefix, type ParsedPrefix } from '../cidr/index.js';
import { maskV4, maskV6Word } from '../cidr/mask.js';
import type { PrefixList } from '../cidr/types.js';

export interface CoveringEntries {
  /** How many entries share an address with p. */
  readonly count: number;
  /** The first of them (up to the number asked for), as CIDR text. */
  readonly first: readonly string[];
}

export function coveringEntries(list: PrefixList, p: ParsedPrefix, shown: number): CoveringEntries {
  return p.family === 'ipv4' ? coveringV4(list, p.addr, p.len, shown) : coveringV6(list, p.words, p.len, shown);
}

/** First index in [0, n) where `before(i)` is false; `before` must be true on a prefix of the range. */
function partition(n: number, before: (i: number) => boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function coveringV4(list: PrefixList, pAddr: number, pLen: number, shown: number): CoveringEntries {
  const { addr, len } = list.v4;
  const n = len.length;
  const holders: number[] = [];
  for (let l = 0; l < pLen; l++) {
    const a = (pAddr & maskV4(l)) >>> 0;
    const i = partition(n, (m) => addr[m]! < a || (addr[m] === a && len[m]! < l));
    if (i < n && addr[i] === a && len[i] === l) holders.push(i);
  }
  const last = (pAddr | ~maskV4(pLen)) >>> 0;
  const start = partition(n, (m) => addr[m]! < pAddr || (addr[m] === pAddr && len[m]! < pLen));
  const stop = partition(n, (m) => addr[m]! <= last);
  const at = (i: number): string => formatPrefix({ family: 'ipv4', addr: addr[i]!, len: len[i]! });
  return summary(holders, start, stop, shown, at);
}

function coveringV6(list: PrefixList, pWords: readonly number[], pLen: number, shown: number): CoveringEntries {
  const { words, len } = list.v6;
  const n = len.length;
  /** Entry m's address against key: negative, zero or positive. */
  const cmp = (m: number, key: readonly number[]): number => {
    for (let k = 0; k < 4; k++) {
      const w = words[4 * m + k]!;
      if (w !== key[k]) return w < key[k]! ? -1 : 1;
    }
    return 0;
  };
  const holders: number[] = [];
  for (let l = 0; l < pLen; l++) {
    const a = pWords.map((w, k) => (w & maskV6Word(l, k)) >>> 0);
    const i = partition(n, (m) => {
      const c = cmp(m, a);
      return c < 0 || (c === 0 && len[m]! < l);
    });
    if (i < n && cmp(i, a) === 0 && len[i] === l) holders.push(i);
  }
  const last = pWords.map((w, k) => (w | ~maskV6Word(pLen, k)) >>> 0);
  const start = partition(n, (m) => {
    const c = cmp(m, pWords);
    return c < 0 || (c === 0 && len[m]! < pLen);
  });
  const stop = partition(n, (m) => cmp(m, last) <= 0);
  const at = (i: number): string => {
    const w: [number, number, number, number] = [
      words[4 * i]!,
      words[4 * i + 1]!,
      words[4 * i + 2]!,
      words[4 * i + 3]!,
    ];
    return formatPrefix({ family: 'ipv6', words: w, len: len[i]! });
  };
  return summary(holders, start, stop, shown, at);
}

function summary(
  holders: readonly number[],
  start: number,
  stop: number,
  shown: number,
  at: (i: number) => string,
): CoveringEntries {
  const first = holders.slice(0, shown).map(at);
  for (let i = start; i < stop && first.length < shown; i++) first.push(at(i));
  return { count: holders.length + Math.max(0, stop - start), first };
}

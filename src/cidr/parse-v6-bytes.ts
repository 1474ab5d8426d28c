// Byte-level IPv6 entry parser for list files: `addr[/len]` read straight from the file's bytes, no string per line
// (the IPv6 counterpart of parse-text.ts's IPv4 fast path). It accepts only what parsePrefix accepts and defers
// everything else (ranges, zone ids, errors, unusual blanks) to the string path, which stays the authority. The
// loop is the IPv6 kernel's (v6-kernel.wat: parse), at speed from the first line of a one-shot run.
import { parseV6Run, type V6RunSink } from './v6-kernel.js';
import type { PrefixSink } from './range.js';

export type { V6RunSink } from './v6-kernel.js';

/** Counters of the last call: [entries with host bits set (cleared), lines taken] (see parseV6Lines). */
export const V6_LINE = new Float64Array(2);

/**
 * Parses one IPv6 entry at buf[i..] (the line's first non-blank byte): `addr` or `addr/len`, then blanks (space,
 * tab, CR) and end of line, end of input or a `#` comment. Adds it to sink and returns where the next line starts;
 * returns -1, adding nothing, for anything else. V6_LINE[0] is 1 when the entry had host bits set.
 */
export function parseV6Line(buf: Uint8Array, i: number, n: number, sink: PrefixSink): number {
  return run(buf, i, n, sink, 1);
}

/**
 * parseV6Line over consecutive lines: takes IPv6 entry lines from buf[i..] (i at the first line's first non-blank
 * byte) until a line it does not take, in one call (a 1M-line IPv6 file is one call, not one per line). Returns
 * where that line starts (or n), or -1 when it took no line. V6_LINE[0] is the number of entries with host bits
 * set, V6_LINE[1] the number of lines taken.
 */
export function parseV6Lines(buf: Uint8Array, i: number, n: number, sink: V6RunSink): number {
  return run(buf, i, n, sink, Infinity);
}

function run(buf: Uint8Array, i: number, n: number, sink: V6RunSink, maxLines: number): number {
  V6_LINE[0] = 0;
  V6_LINE[1] = 0;
  if (i >= n) return -1;
  const next = parseV6Run(buf, i, n, sink, maxLines, V6_LINE);
  return V6_LINE[1] === 0 ? -1 : next;
}

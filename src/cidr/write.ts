// writePrefixes: newline-terminated prefix lines built directly as bytes. At 1M entries this takes ~1/8 of the time
// of building and joining strings (perf-notes.md). With bareHosts the bytes match `iprange --optimize` output.
import type { FormatOptions } from './format.js';
import { MAX_V6_LINE, putV6Lines } from './write-v6.js';
import type { PrefixList } from './types.js';
import { MAX_V4_LINE, V4Kernel } from './v4-kernel.js';

/** One line per entry (IPv4 first, then IPv6), each ending in "\n". */
export function writePrefixes(list: PrefixList, opts?: FormatOptions): Buffer {
  const bare = opts?.bareHosts === true;
  const n4 = list.v4.len.length;
  // The IPv4 lines come from the WebAssembly kernel (v4-kernel.wat), into its memory, which is sized for the IPv6
  // lines too and never grows: the Buffer returned is a view of it.
  const k = new V4Kernel({ entries: n4, out: n4 * MAX_V4_LINE + 3 + list.v6.len.length * MAX_V6_LINE });
  k.addr.set(list.v4.addr);
  k.len.set(list.v4.len);
  const pos = putV6Lines(k.out, k.write(n4, bare), list.v6, bare); // write-v6.ts
  return k.out.subarray(0, pos);
}

/** Entries per piece of prefixTextPieces: ~1.2 MB of text, reused, so the output never touches fresh memory. */
const PIECE_ENTRIES = 65536;

/**
 * The text of writePrefixes in pieces of at most ~1.2 MB, for a caller that writes each piece out before asking
 * for the next: every piece is a view of one reused buffer, valid until the next one is asked for. A 1M-entry
 * list is ~10 MB of text, and touching that much fresh memory costs more than producing it.
 */
export function* prefixTextPieces(list: PrefixList, opts?: FormatOptions): Generator<Buffer, void, undefined> {
  const bare = opts?.bareHosts === true;
  const { addr, len } = list.v4;
  const n4 = len.length;
  const k = new V4Kernel({ entries: PIECE_ENTRIES, out: PIECE_ENTRIES * MAX_V4_LINE + 3 });
  for (let i = 0; i < n4; i += PIECE_ENTRIES) {
    const j = Math.min(n4, i + PIECE_ENTRIES);
    k.addr.set(addr.subarray(i, j));
    k.len.set(len.subarray(i, j));
    yield k.out.subarray(0, k.write(j - i, bare));
  }
  const { words, len: len6 } = list.v6;
  const n6 = len6.length;
  if (n6 === 0) return;
  const out = Buffer.allocUnsafe(Math.min(n6, PIECE_ENTRIES) * MAX_V6_LINE);
  for (let i = 0; i < n6; i += PIECE_ENTRIES) {
    const j = Math.min(n6, i + PIECE_ENTRIES);
    const v6 = { words: words.subarray(4 * i, 4 * j), len: len6.subarray(i, j) };
    yield out.subarray(0, putV6Lines(out, 0, v6, bare));
  }
}

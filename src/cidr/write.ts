// writePrefixes: newline-terminated prefix lines built directly as bytes. At 1M entries this takes ~1/8 of the time
// of building and joining strings (perf-notes.md). With bareHosts the bytes match `iprange --optimize` output.
import type { FormatOptions } from './format.js';
import { putV6Lines, v6LinesBound } from './write-v6.js';
import type { PrefixList } from './types.js';
import { MAX_V4_LINE, V4Kernel } from './v4-kernel.js';
import { v6TextPieces } from './v6-kernel.js';

/** One line per entry (IPv4 first, then IPv6), each ending in "\n". */
export function writePrefixes(list: PrefixList, opts?: FormatOptions): Buffer {
  const bare = opts?.bareHosts === true;
  const buf = Buffer.allocUnsafe(list.v4.len.length * MAX_V4_LINE + v6LinesBound(list.v6, bare));
  // The IPv4 lines come in pieces from the WebAssembly kernel (v4-kernel.wat), copied into buf.
  let pos = 0;
  for (const piece of v4Pieces(list, bare)) {
    buf.set(piece, pos);
    pos += piece.length;
  }
  pos = putV6Lines(buf, pos, list.v6, bare); // write-v6.ts
  return buf.subarray(0, pos);
}

/** Entries per piece of prefixTextPieces: ~1.2 MB of text, reused, so the output never touches fresh memory. */
const PIECE_ENTRIES = 65536;

/**
 * The text of writePrefixes in pieces of at most ~1.2 MB, for a caller that writes each piece out before asking
 * for the next: every piece is a view of one reused buffer, valid until the next one is asked for (for a list
 * that is a view of a kernel job, that job's buffer: one walk over such a list at a time). A 1M-entry list is
 * ~10 MB of text, and touching that much fresh memory costs more than producing it.
 */
export function* prefixTextPieces(list: PrefixList, opts?: FormatOptions): Generator<Buffer, void, undefined> {
  const bare = opts?.bareHosts === true;
  yield* v4Pieces(list, bare);
  // The IPv6 lines: views of the IPv6 kernel's text region (v6-kernel.ts), so no buffer of their own either.
  yield* v6TextPieces(list.v6, bare);
}

/** The IPv4 lines in pieces of one reused kernel buffer. */
function* v4Pieces(list: PrefixList, bare: boolean): Generator<Buffer, void, undefined> {
  const { addr, len } = list.v4;
  const n4 = len.length;
  if (n4 === 0) return;
  // A list that is a view of a finished kernel job (parseCidrText's aggregated result) is written from where it
  // is, through that job's input region: no copy and no fresh memory.
  const job = V4Kernel.holding(addr, len);
  if (job !== undefined) {
    const per = job.textRoom();
    for (let i = 0; i < n4; i += per) yield job.writeViews(addr, len, i, Math.min(n4, i + per), bare);
    return;
  }
  const size = Math.min(n4, PIECE_ENTRIES);
  const k = new V4Kernel({ entries: size, out: size * MAX_V4_LINE + 3 });
  for (let i = 0; i < n4; i += PIECE_ENTRIES) {
    const j = Math.min(n4, i + PIECE_ENTRIES);
    k.addr.set(addr.subarray(i, j));
    k.len.set(len.subarray(i, j));
    yield k.out.subarray(0, k.write(j - i, bare));
  }
}

// The IPv6 kernel (v6-kernel.wat): parse, aggregate and write of IPv6 prefix lists in WebAssembly, a piece at a
// time, its sort (v6-sort.wat) and its writer (v6-write.wat), two more modules on the same memory. One instance serves the process: its memory is small (PIECE entries in and out) and reused, so a call touches
// no fresh memory but its result's; every call is synchronous and leaves nothing behind, so no caller sees
// another's state.
import { V6_KERNEL_WASM } from './v6-kernel-wasm.js';
import { V6_SORT_WASM } from './v6-sort-wasm.js';
import { V6_WRITE_WASM } from './v6-write-wasm.js';
import type { PrefixSink } from './range.js';
import type { Ipv6Prefixes } from './types.js';

// The few WebAssembly API pieces used (the project's TypeScript lib has no DOM, where its types live).
interface WasmGlobal {
  value: number;
}
interface WasmExports {
  aggregate(words: number, lens: number, n: number): void;
  finish(): void;
  parse(pos: number, end: number, max: number, scratch: number, norm: number): number;
  open: WasmGlobal;
  taken: WasmGlobal;
  hostBits: WasmGlobal;
  hexTable: WasmGlobal;
  outWords: WasmGlobal;
  outLens: WasmGlobal;
}
interface SortExports {
  sort(words: number, lens: number, n: number, rec: number, tmp: number, hist: number): number;
}
interface WriteExports {
  write(words: number, lens: number, n: number, out: number, bare: number): number;
  runTable: WasmGlobal;
  lenTable: WasmGlobal;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: WasmExports & SortExports & WriteExports };
  Memory: new (desc: { initial: number }) => { buffer: ArrayBuffer };
}
const WASM = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** Entries per piece. */
const PIECE = 16384;
/** aggregate's most prefixes per piece: its entries, plus the split of one range (at most 2 x 127). */
const OUT_ENTRIES = PIECE + 256;
/** write's most bytes per line (a full /128 with its length). */
const MAX_LINE = 44;

const IN_WORDS = 0;
const IN_LENS = IN_WORDS + 16 * PIECE;
const OUT_WORDS = IN_LENS + PIECE;
const OUT_LENS = OUT_WORDS + 16 * OUT_ENTRIES;
const TEXT = OUT_LENS + OUT_ENTRIES;
/** parse's 32 bytes of scratch and its hex digit table, then the text it reads (a window, grown for a longer one). */
const SCRATCH = TEXT + MAX_LINE * PIECE + 8;
const HEX_TABLE = SCRATCH + 32;
/** write's tables (see v6-write.wat): where the `::` run goes by the zero groups, and `/len` text by length. */
const RUN_TABLE = HEX_TABLE + 256;
const LEN_TABLE = RUN_TABLE + 256;
const INPUT = LEN_TABLE + 8 * 129;
/**
 * parse's text room at first: its largest window. Pages never touched cost nothing, and a smaller room would make
 * a new instance (fresh memory, slow here) at each doubling of the window.
 */
const INPUT_BYTES = (1 << 20) + 8;
/**
 * Entries sort holds at first (a larger range makes a larger instance): 16 + 1 bytes each and two 24-byte records
 * (its records and the room it moves them through).
 */
export const SORT_PIECE = 65536;
/** sort's counts: a 1 KiB table for each of its 17 levels, one of fill points, and a 32-byte map of bytes seen. */
const SORT_HIST = 18 * 1024 + 32;

interface Kernel {
  readonly k: WasmExports;
  readonly sorter: SortExports;
  readonly writer: WriteExports;
  readonly inWords: Uint32Array;
  readonly inLens: Uint8Array;
  readonly outWords: Uint32Array;
  readonly outLens: Uint8Array;
  readonly text: Uint8Array;
  /** parse's text, and room for the newline after it. */
  readonly input: Uint8Array;
  /** sort's entries (words, lengths), where its records go, the room it moves them through and its counts. */
  readonly sortWords: Uint32Array;
  readonly sortLens: Uint8Array;
  readonly sortRec: number;
  readonly sortTmp: number;
  readonly sortHist: number;
}

const align8 = (x: number): number => Math.ceil(x / 8) * 8;

let compiled: object | undefined;
let compiledSort: object | undefined;
let compiledWrite: object | undefined;
let kernel: Kernel | undefined; // made on the first IPv6 call (IPv4-only runs never pay for it)

function instance(inputBytes = 0, sortEntries = 0): Kernel {
  if (kernel !== undefined && kernel.input.length > inputBytes && kernel.sortLens.length >= sortEntries) return kernel;
  const room = Math.max(INPUT_BYTES, inputBytes + 1, 2 * (kernel?.input.length ?? 0));
  const sortCap = Math.max(SORT_PIECE, sortEntries, kernel?.sortLens.length ?? 0);
  const sortWords = align8(INPUT + room + 1);
  const sortLens = sortWords + 16 * sortCap;
  const sortRec = align8(sortLens + sortCap);
  const sortTmp = sortRec + 24 * sortCap;
  const sortHist = sortTmp + 24 * sortCap;
  const memory = new WASM.Memory({ initial: Math.ceil((sortHist + SORT_HIST) / 65536) });
  // One compiled module for every instance: V8 tiers its code up once, not again for each larger instance.
  compiled ??= new WASM.Module(Buffer.from(V6_KERNEL_WASM, 'base64'));
  compiledSort ??= new WASM.Module(Buffer.from(V6_SORT_WASM, 'base64'));
  compiledWrite ??= new WASM.Module(Buffer.from(V6_WRITE_WASM, 'base64'));
  const k = new WASM.Instance(compiled, { env: { memory } }).exports;
  const sorter = new WASM.Instance(compiledSort, { env: { memory } }).exports;
  const writer = new WASM.Instance(compiledWrite, { env: { memory } }).exports;
  const buf = memory.buffer;
  const hex = new Uint8Array(buf, HEX_TABLE, 256).fill(255);
  for (let c = 0; c < 16; c++) hex['0123456789abcdef'.charCodeAt(c)] = hex['0123456789ABCDEF'.charCodeAt(c)] = c;
  k.hexTable.value = HEX_TABLE;
  fillWriteTables(new Uint8Array(buf, RUN_TABLE, 256), new DataView(buf, LEN_TABLE, 8 * 129));
  writer.runTable.value = RUN_TABLE;
  writer.lenTable.value = LEN_TABLE;
  kernel = {
    k,
    sorter,
    writer,
    inWords: new Uint32Array(buf, IN_WORDS, 4 * PIECE),
    inLens: new Uint8Array(buf, IN_LENS, PIECE),
    outWords: new Uint32Array(buf, OUT_WORDS, 4 * OUT_ENTRIES),
    outLens: new Uint8Array(buf, OUT_LENS, OUT_ENTRIES),
    text: new Uint8Array(buf, TEXT, MAX_LINE * PIECE + 8),
    input: new Uint8Array(buf, INPUT, room),
    sortWords: new Uint32Array(buf, sortWords, 4 * sortCap),
    sortLens: new Uint8Array(buf, sortLens, sortCap),
    sortRec,
    sortTmp,
    sortHist,
  };
  return kernel;
}

/**
 * write's tables. runs[m], for the set m of zero groups (bit k: group k), is where RFC 5952's `::` goes: the first
 * longest run of two or more zero groups, its start in the low nibble and its end (exclusive) in the high one; no
 * run is start 8, end 9. lens holds `/len` and a newline for each length as the low bytes of a little-endian u64
 * and their count in its top byte.
 */
function fillWriteTables(runs: Uint8Array, lens: DataView): void {
  for (let m = 0; m < 256; m++) {
    let start = 8;
    let end = 9;
    for (let k = 0, run = 0; k < 8; k++) {
      run = (m >> k) & 1 ? run + 1 : 0;
      if (run >= 2 && run > end - start) [start, end] = [k + 1 - run, k + 1];
    }
    runs[m] = start | (end << 4);
  }
  for (let len = 0; len <= 128; len++) {
    const text = `/${len}\n`;
    for (let b = 0; b < 8; b++) lens.setUint8(8 * len + b, b < text.length ? text.charCodeAt(b) : 0);
    lens.setUint8(8 * len + 7, text.length);
  }
}

/**
 * Sorts entries [lo, hi) of (words, len) into PrefixList order (address, then length), each once, and puts them at
 * entries [to, ...) (to <= lo); returns how many there are.
 */
export function sortUniqueV6Range(words: Uint32Array, len: Uint8Array, lo: number, hi: number, to: number): number {
  const m = hi - lo;
  if (m < 2) {
    if (m === 1 && to !== lo) {
      words.copyWithin(4 * to, 4 * lo, 4 * hi);
      len[to] = len[lo]!;
    }
    return m;
  }
  const K = instance(0, m);
  K.sortWords.set(words.subarray(4 * lo, 4 * hi));
  K.sortLens.set(len.subarray(lo, hi));
  const u = K.sorter.sort(K.sortWords.byteOffset, K.sortLens.byteOffset, m, K.sortRec, K.sortTmp, K.sortHist);
  words.set(K.sortWords.subarray(0, 4 * u), 4 * to);
  len.set(K.sortLens.subarray(0, u), to);
  return u;
}

/**
 * The canonical minimal CIDR list of sorted, normalised IPv6 prefixes (duplicates and overlaps allowed), as
 * aggregate returns it: each merged interval split into its minimal prefixes, lowest first.
 */
export function aggregateV6Kernel(v6: Ipv6Prefixes): [Uint32Array, Uint8Array] {
  const { words, len } = v6;
  const n = len.length;
  // No IPv6 entries (IPv4-only lists, the usual case): no kernel made.
  if (n === 0) return [new Uint32Array(0), new Uint8Array(0)];
  const K = instance();
  const { k } = K;
  // A canonical list is never longer than its input (each merged interval needs at most its non-nested entries).
  let outWords = new Uint32Array(4 * n);
  let outLens = new Uint8Array(n);
  let m = 0;
  const take = (): void => {
    const got = k.outLens.value - OUT_LENS;
    outWords.set(K.outWords.subarray(0, 4 * got), 4 * m);
    outLens.set(K.outLens.subarray(0, got), m);
    m += got;
  };
  k.open.value = 0;
  for (let i = 0; i < n; i += PIECE) {
    const j = Math.min(n, i + PIECE);
    K.inWords.set(words.subarray(4 * i, 4 * j));
    K.inLens.set(len.subarray(i, j));
    k.outWords.value = OUT_WORDS;
    k.outLens.value = OUT_LENS;
    k.aggregate(IN_WORDS, IN_LENS, j - i);
    take();
  }
  k.outWords.value = OUT_WORDS;
  k.outLens.value = OUT_LENS;
  k.finish();
  take();
  // At least 3/4 full (the usual case): views, as a copy would touch that much fresh memory again; otherwise
  // copies, so a small result does not pin a large buffer.
  if (m >= 1024 && 4 * m >= 3 * n) return [outWords.subarray(0, 4 * m), outLens.subarray(0, m)];
  outWords = outWords.slice(0, 4 * m);
  outLens = outLens.slice(0, m);
  return [outWords, outLens];
}

/**
 * Writes one line per entry (`addr/len\n`, or `addr\n` for a /128 when bare) at buf[pos..]; returns the end. buf
 * must have room for the lines (v6LinesBound).
 */
export function writeV6Kernel(buf: Uint8Array, pos: number, v6: Ipv6Prefixes, bare: boolean): number {
  for (const piece of v6TextPieces(v6, bare)) {
    buf.set(piece, pos);
    pos += piece.length;
  }
  return pos;
}

/**
 * The same lines a piece (PIECE entries) at a time, each a view of the kernel's text region: valid until the next
 * piece is asked for. A caller that writes each piece out before asking for the next needs no buffer of its own.
 */
export function* v6TextPieces(v6: Ipv6Prefixes, bare: boolean): Generator<Buffer, void, undefined> {
  const { words, len } = v6;
  const n = len.length;
  if (n === 0) return;
  const K = instance();
  const text = Buffer.from(K.text.buffer, K.text.byteOffset, K.text.length);
  for (let i = 0; i < n; i += PIECE) {
    const j = Math.min(n, i + PIECE);
    K.inWords.set(words.subarray(4 * i, 4 * j));
    K.inLens.set(len.subarray(i, j));
    yield text.subarray(0, K.writer.write(IN_WORDS, IN_LENS, j - i, TEXT, bare ? 1 : 0) - TEXT);
  }
}

/** A sink for parsed entries that can make room for a run at once, or take a block of them (the builder does). */
export type V6RunSink = PrefixSink & {
  reserveV6?(count: number): void;
  /** Entries with their host bits cleared. */
  appendV6?(words: Uint32Array, len: Uint8Array): void;
};

const NL = 10;
/** Text handed to the kernel at first; doubled while a run of IPv6 lines goes on, up to MAX_WINDOW. */
const FIRST_WINDOW = 512;
const MAX_WINDOW = INPUT_BYTES - 8;

/**
 * Takes IPv6 entry lines from buf[i..n) (see parse-v6-bytes.ts), at most maxLines, into sink; returns where it
 * stopped (the start of the first line not taken, or n) and adds the entries with host bits set and the lines
 * taken to counts[0] and counts[1]. The text goes to the kernel a window at a time, the first small, so a lone
 * IPv6 line among others costs a small copy, and a file of them a few large ones.
 */
export function parseV6Run(
  buf: Uint8Array,
  i: number,
  n: number,
  sink: V6RunSink,
  maxLines: number,
  counts: Float64Array,
): number {
  let pos = i;
  let window = FIRST_WINDOW;
  let reserved = false;
  while (pos < n && counts[1]! < maxLines) {
    // Whole lines only: the window ends after its last newline (grown until it holds one, or the rest of buf).
    let end = Math.min(n, pos + window);
    while (end < n) {
      const nl = buf.lastIndexOf(NL, end - 1);
      if (nl >= pos) {
        end = nl + 1;
        break;
      }
      window *= 2;
      end = Math.min(n, pos + window);
    }
    const size = end - pos;
    const K = instance(size);
    const { k } = K;
    K.input.set(buf.subarray(pos, end));
    K.input[size] = NL; // the sentinel that ends the last line
    let at = 0;
    for (;;) {
      const max = Math.min(PIECE, maxLines - counts[1]!);
      k.outWords.value = OUT_WORDS;
      k.outLens.value = OUT_LENS;
      at = k.parse(INPUT + at, INPUT + size, max, SCRATCH, sink.appendV6 === undefined ? 0 : 1) - INPUT;
      const taken = k.taken.value;
      if (taken > 0) {
        if (!reserved) {
          // Room for the rest at ~24 bytes a line (IPv6 lines average ~30): the sink grows once at most.
          reserved = true;
          sink.reserveV6?.(Math.ceil((n - pos - at) / 24));
        }
        deliver(K, taken, sink);
        counts[0]! += k.hostBits.value;
        counts[1]! += taken;
      }
      // Stopped for want of output room: go on in this window.
      if (taken < max || at >= size || counts[1]! >= maxLines) break;
    }
    pos += at;
    if (at < size) break; // a line the kernel did not take, or maxLines reached
    window = Math.min(MAX_WINDOW, window * 2);
  }
  return pos;
}

/** The entries parse stored: a block for appendV6 (normalised), one call each for addV6 (as written). */
function deliver(K: Kernel, taken: number, sink: V6RunSink): void {
  if (sink.appendV6 !== undefined) {
    sink.appendV6(K.outWords.subarray(0, 4 * taken), K.outLens.subarray(0, taken));
    return;
  }
  const w = K.outWords;
  for (let e = 0; e < taken; e++) sink.addV6(w[4 * e]!, w[4 * e + 1]!, w[4 * e + 2]!, w[4 * e + 3]!, K.outLens[e]!);
}

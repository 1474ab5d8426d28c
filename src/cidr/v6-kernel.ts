// The IPv6 kernel (v6-kernel.wat): aggregate and write of IPv6 prefix lists in WebAssembly, a piece at a time.
// One instance serves the process: its memory is small (PIECE entries in and out) and reused, so a call touches
// no fresh memory but its result's; every call is synchronous and leaves nothing behind, so no caller sees
// another's state.
import { V6_KERNEL_WASM } from './v6-kernel-wasm.js';
import type { Ipv6Prefixes } from './types.js';

// The few WebAssembly API pieces used (the project's TypeScript lib has no DOM, where its types live).
interface WasmGlobal {
  value: number;
}
interface WasmExports {
  aggregate(words: number, lens: number, n: number): void;
  finish(): void;
  write(words: number, lens: number, n: number, out: number, bare: number): number;
  open: WasmGlobal;
  outWords: WasmGlobal;
  outLens: WasmGlobal;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: WasmExports };
  Memory: new (desc: { initial: number }) => { buffer: ArrayBuffer };
}
const WASM = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** Entries per piece. */
const PIECE = 16384;
/** aggregate's most prefixes per piece: its entries, plus the split of one range (at most 2 x 127). */
const OUT_ENTRIES = PIECE + 256;
/** write's most bytes per line (a full /128 with its length), plus the 3 a 4-byte store may spill. */
const MAX_LINE = 44;

const IN_WORDS = 0;
const IN_LENS = IN_WORDS + 16 * PIECE;
const OUT_WORDS = IN_LENS + PIECE;
const OUT_LENS = OUT_WORDS + 16 * OUT_ENTRIES;
const TEXT = OUT_LENS + OUT_ENTRIES;
const TOTAL = TEXT + MAX_LINE * PIECE + 8;

interface Kernel {
  readonly k: WasmExports;
  readonly inWords: Uint32Array;
  readonly inLens: Uint8Array;
  readonly outWords: Uint32Array;
  readonly outLens: Uint8Array;
  readonly text: Uint8Array;
}

let kernel: Kernel | undefined; // made on the first IPv6 call (IPv4-only runs never pay for it)

function instance(): Kernel {
  if (kernel !== undefined) return kernel;
  const memory = new WASM.Memory({ initial: Math.ceil(TOTAL / 65536) });
  const k = new WASM.Instance(new WASM.Module(Buffer.from(V6_KERNEL_WASM, 'base64')), { env: { memory } }).exports;
  const buf = memory.buffer;
  kernel = {
    k,
    inWords: new Uint32Array(buf, IN_WORDS, 4 * PIECE),
    inLens: new Uint8Array(buf, IN_LENS, PIECE),
    outWords: new Uint32Array(buf, OUT_WORDS, 4 * OUT_ENTRIES),
    outLens: new Uint8Array(buf, OUT_LENS, OUT_ENTRIES),
    text: new Uint8Array(buf, TEXT, MAX_LINE * PIECE + 8),
  };
  return kernel;
}

/**
 * The canonical minimal CIDR list of sorted, normalised IPv6 prefixes (duplicates and overlaps allowed), as
 * aggregateV6 makes it: each merged interval split into its minimal prefixes, lowest first.
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
  const { words, len } = v6;
  const n = len.length;
  if (n === 0) return pos;
  const K = instance();
  for (let i = 0; i < n; i += PIECE) {
    const j = Math.min(n, i + PIECE);
    K.inWords.set(words.subarray(4 * i, 4 * j));
    K.inLens.set(len.subarray(i, j));
    const bytes = K.k.write(IN_WORDS, IN_LENS, j - i, TEXT, bare ? 1 : 0) - TEXT;
    buf.set(K.text.subarray(0, bytes), pos);
    pos += bytes;
  }
  return pos;
}

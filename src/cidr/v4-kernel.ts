// The IPv4 text kernel (v4-kernel.wat): scan, sort, aggregate and write loops in WebAssembly, for the one-shot
// commands that run each loop once over 1M entries (`tscm policy DEVICE --cidrs`). Each job gets its own memory,
// sized up front and never grown, so the views handed out (the input, the output text) stay valid.
import { InternalError } from '../errors.js';
import { V4_KERNEL_WASM } from './v4-kernel-wasm.js';

// The few WebAssembly API pieces used (the project's TypeScript lib has no DOM, where its types live).
interface WasmGlobal {
  value: number;
}
interface WasmExports {
  scan(pos: number, n: number, addr: number, lens: number, cap: number): number;
  sort(
    addr: number,
    lens: number,
    n: number,
    tmpAddr: number,
    tmpLen: number,
    hist: number,
    scr: number,
    scrLen: number,
    scrCap: number,
  ): void;
  aggregate(addr: number, lens: number, n: number): number;
  init(table: number): void;
  write(addr: number, lens: number, n: number, out: number, bare: number): number;
  count: WasmGlobal;
  line: WasmGlobal;
  cover: WasmGlobal;
  seen: WasmGlobal;
  hostBits: WasmGlobal;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: WasmExports };
  Memory: new (desc: { initial: number }) => { buffer: ArrayBuffer };
}
const WASM = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: object | undefined;
/** Each job by its memory, so a list that is a view of one can be written from where it is (see holding). */
const jobs = new WeakMap<ArrayBufferLike, V4Kernel>();

const PAGE = 65536;
const TABLE_BYTES = 1156;
/** sort's histograms: 2 KiB for each of its four levels, then 16 KiB for its LSD passes. */
const HIST_BYTES = 24576;
const COVER_BYTES = 8192;
const SEEN_BYTES = 65536 * 8;
/** How much of a file a job holds at a time (touched once, then reused: also the sort scratch and the text out). */
export const CHUNK_BYTES = 1 << 19;
/** Longest IPv4 line: 255.255.255.255/32 and a newline. */
export const MAX_V4_LINE = 19;

const align = (x: number) => Math.ceil(x / 8) * 8;

export interface KernelLayout {
  /** Bytes of text to scan (a newline sentinel is added after them). */
  readonly input?: number;
  /** Entries the addr/len arrays hold. */
  readonly entries: number;
  /** Whether sort's scratch space is needed. */
  readonly sort?: boolean;
  /** Bytes of output text. */
  readonly out?: number;
}

export class V4Kernel {
  /** The text to scan (input bytes long) followed by the sentinel. */
  readonly input: Buffer;
  readonly addr: Uint32Array;
  readonly len: Uint8Array;
  /** Where write puts its text. */
  readonly out: Buffer;
  private readonly k: WasmExports;
  private readonly coverTable: Uint8Array;
  private readonly at: {
    input: number;
    addr: number;
    len: number;
    tmpAddr: number;
    tmpLen: number;
    hist: number;
    out: number;
  };

  constructor(private readonly layout: KernelLayout) {
    const inputBytes = layout.input ?? 0;
    const cap = layout.entries;
    // The input last: the only region a job regrows (a line longer than the chunk read so far).
    const table = 0;
    const addr = align(table + TABLE_BYTES);
    const len = align(addr + 4 * cap);
    const tmpAddr = align(len + cap);
    // sort's set-aside room (see sort in the .wat): a sixteenth of the entries.
    const aside = (cap >> 4) + 1;
    const tmpLen = layout.sort ? align(tmpAddr + 4 * aside) : tmpAddr;
    const hist = layout.sort ? align(tmpLen + aside) : tmpLen;
    const cover = layout.sort ? hist + HIST_BYTES : hist;
    // The repeat cache's sets are 64-byte lines: aligned so that each is one cache line.
    const seen = layout.sort ? Math.ceil((cover + COVER_BYTES) / 64) * 64 : cover;
    const out = layout.sort ? seen + SEEN_BYTES : seen;
    const input = align(out + (layout.out ?? 0) + 8);
    // scan may read up to 32 bytes past the sentinel (see scan in the .wat).
    const total = input + inputBytes + 40;
    if (total > 2 ** 32) throw new InternalError(`a CIDR job of ${total} bytes exceeds the 4 GiB of WebAssembly`);
    compiled ??= new WASM.Module(Buffer.from(V4_KERNEL_WASM, 'base64'));
    const memory = new WASM.Memory({ initial: Math.ceil(total / PAGE) });
    this.k = new WASM.Instance(compiled, { env: { memory } }).exports;
    const buf = memory.buffer;
    this.input = Buffer.from(buf, input, inputBytes + 1);
    this.input[inputBytes] = 10;
    this.addr = new Uint32Array(buf, addr, cap);
    this.len = new Uint8Array(buf, len, cap);
    this.out = Buffer.from(buf, out, layout.out ?? 0);
    this.at = { input, addr, len, tmpAddr, tmpLen, hist, out };
    jobs.set(buf, this);
    this.k.init(table);
    // An aggregating job drops entries inside space already covered, and exact repeats, as it scans (see scan).
    if (layout.sort) {
      this.k.cover.value = cover;
      this.k.seen.value = seen;
    }
    this.coverTable = new Uint8Array(buf, cover, layout.sort ? COVER_BYTES : 0);
  }

  /**
   * A larger job holding this one's state (entries, scan counters, the input region's bytes): for a scan that
   * ran out of entries (a file larger than its size said) or of input room (a line longer than the chunk).
   */
  grown(to: { entries?: number; input?: number }): V4Kernel {
    const next = new V4Kernel({ ...this.layout, ...to });
    next.addr.set(this.addr.subarray(0, Math.min(this.addr.length, next.addr.length)));
    next.len.set(this.len.subarray(0, Math.min(this.len.length, next.len.length)));
    next.input.set(this.input.subarray(0, Math.min(this.input.length - 1, next.input.length - 1)));
    next.coverTable.set(this.coverTable);
    next.k.count.value = this.k.count.value;
    next.k.line.value = this.k.line.value;
    next.k.hostBits.value = this.k.hostBits.value;
    return next;
  }

  /** Scans lines of input[0, n) from pos (see scan in the .wat); the counters carry over between calls. */
  scan(pos: number, n: number): number {
    return (
      this.k.scan(this.at.input + pos, this.at.input + n, this.at.addr, this.at.len, this.addr.length) - this.at.input
    );
  }

  get count(): number {
    return this.k.count.value;
  }

  set count(v: number) {
    this.k.count.value = v;
  }

  get line(): number {
    return this.k.line.value;
  }

  set line(v: number) {
    this.k.line.value = v;
  }

  get hostBits(): number {
    return this.k.hostBits.value;
  }

  /**
   * The first n entries (normalised) to the canonical minimal CIDR list, in place; returns its length. The input
   * region is the sort's scratch: its bytes are overwritten (size it at 5 bytes an entry for the fastest sort).
   */
  aggregate(n: number): number {
    if (n === 0) return 0;
    const { addr, len, tmpAddr, tmpLen, hist, input } = this.at;
    if (this.layout.sort !== true) throw new InternalError('a CIDR kernel without sort space was asked to sort');
    // The input region, scanned already and so memory touched before, is the sort's scratch (fresh memory costs
    // more than the sort: see the .wat).
    const scrCap = Math.floor((this.input.length - 1) / 5);
    this.k.sort(addr, len, n, tmpAddr, tmpLen, hist, input, input + 4 * scrCap, scrCap);
    return this.k.aggregate(addr, len, n);
  }

  /**
   * The job whose memory holds both views, when it has room to write text (its input region, free once the job's
   * entries are aggregated: sort's scratch).
   */
  static holding(addr: Uint32Array, len: Uint8Array): V4Kernel | undefined {
    const job = jobs.get(addr.buffer);
    return job !== undefined && len.buffer === addr.buffer && job.textRoom() > 0 ? job : undefined;
  }

  /** Entries writeViews writes at a time. */
  textRoom(): number {
    return Math.max(0, Math.floor((this.input.length - 4) / MAX_V4_LINE));
  }

  /**
   * Entries [from, to) of views of this job's memory (see holding; at most textRoom of them) as text lines, in its
   * input region: the text is valid until the next call.
   */
  writeViews(addr: Uint32Array, len: Uint8Array, from: number, to: number, bareHosts: boolean): Buffer {
    if (to - from > this.textRoom()) throw new InternalError('a CIDR kernel was asked to write more than it holds');
    const at = this.at.input;
    const end = this.k.write(addr.byteOffset + 4 * from, len.byteOffset + from, to - from, at, bareHosts ? 1 : 0);
    return this.input.subarray(0, end - at);
  }

  /** Writes the first n entries as text lines into out; returns the bytes written. */
  write(n: number, bareHosts: boolean): number {
    if (this.out.length < n * MAX_V4_LINE + 3) throw new InternalError('a CIDR kernel output is too small');
    return this.k.write(this.at.addr, this.at.len, n, this.at.out, bareHosts ? 1 : 0) - this.at.out;
  }
}

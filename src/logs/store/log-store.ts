// Per-device log files: `<dir>/<device>/syslog`, appended in batches, fsync'd on a timer and on flush(), rotated
// by size and on a time tick into numbered, compressed files (the spool), bounded in total. The rules and the
// crash points are in README.md beside this file.

import { mkdir, readdir, rename } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InternalError } from '../../errors.js';
import type { Logger, RotatedFile } from '../model.js';
import { compressRotated, recoverDeviceFolder } from './compress.js';
import { escapedLength, LineBatch } from './line-batch.js';
import { deviceFolders, listSpool } from './spool.js';
import {
  assertSafeDeviceName,
  devicePath,
  entryKind,
  errorCode,
  openAppend,
  rotatedName,
  syncDirectory,
} from './store-files.js';
import { syncSeqMarker, writeSeqMarker } from './seq-marker.js';
import { BoundedJobs } from './bounded-jobs.js';

export { listSpool } from './spool.js';

export interface LogStoreOptions {
  /** The log folder: <dir>/<device>/syslog (+ rotated syslog.000001.gz ...). */
  readonly dir: string;
  /** logs.rotateKb * 1024 of the device. */
  readonly rotateBytesFor: (device: string) => number;
  /** Every device file not empty is rotated on this tick (15 min in production). */
  readonly rotateIntervalMs: number;
  /** Total of rotated .gz files in the folder; when reached, new messages are dropped (counted) and warned. */
  readonly spoolMaxBytes: number;
  /** Default 100: buffered lines are written at least this often. */
  readonly flushIntervalMs?: number;
  /** Default 1000: the active files are fsync'd at least this often. */
  readonly fsyncIntervalMs?: number;
  /** Default 8 MiB buffered across devices -> busy. */
  readonly highWaterBytes?: number;
  readonly log: Logger;
  readonly now?: () => number;
  readonly onRotated?: (file: RotatedFile) => void;
  /** Default 4 (libuv's thread pool): compressions running at once (each streams; appends go on meanwhile). */
  readonly maxConcurrentCompressions?: number;
}

export interface DeviceStoreCounters {
  readonly messages: number;
  readonly bytes: number;
  readonly rotations: number;
  readonly droppedSpoolFull: number;
  /** Messages dropped because the device's folder or file is not safe to write (a symlink, not a folder). */
  readonly droppedRefused: number;
}

export interface LogStoreCounters {
  readonly perDevice: Readonly<Record<string, DeviceStoreCounters>>;
  readonly spoolBytes: number;
}

export interface LogStore {
  readonly busy: boolean;
  onDrain(callback: () => void): void;
  /** Appends one message as one line: CR, LF and NUL inside it written as #015, #012, #000 (rsyslog's escaping). */
  append(device: string, raw: Buffer): void;
  /** Rotates now every non-empty file (or the one device's): the new .gz files, fsync'd. */
  rotate(device?: string): Promise<RotatedFile[]>;
  /** Writes and fsyncs everything buffered. */
  flush(): Promise<void>;
  counters(): LogStoreCounters;
  /** The uploader deleted a spool file: the spool total drops by its size (a rescan also corrects the total). */
  noteRemoved(file: RotatedFile): void;
  /** Recounts the spool from the folder (also done, at most every 5 s, while the spool is full). */
  rescanSpool(): Promise<number>;
  /** What the time-rotation timer runs: rotates every non-empty file when the interval has passed (by `now`). */
  tick(): Promise<RotatedFile[]>;
  /** flush + close; no rotation. */
  close(): Promise<void>;
}

const FLUSH_AT_BYTES = 64 * 1024;
const WARN_EVERY_MS = 60_000;
const RESCAN_EVERY_MS = 5_000;

interface Segment {
  readonly batch: LineBatch;
  /** The active file is rotated once this segment is written. */
  rotateAfter: boolean;
}

interface Device {
  readonly name: string;
  ready: boolean;
  refused?: string;
  handle: FileHandle | null;
  /** Bytes in the active file on disk. */
  fileBytes: number;
  /** Bytes the active file will hold once the pending segments up to the last cut are written. */
  projected: number;
  limit: number;
  segments: Segment[];
  /** A write that failed part way: its unwritten rest, written first next time. */
  retry: Segment | null;
  pendingBytes: number;
  nextSeq: number;
  chain: Promise<void>;
  flushQueued: boolean;
  /** Written since the last fsync of the active file. */
  dirty: boolean;
  /** A rename or a new file in the device folder not yet made durable by a directory fsync. */
  dirSyncPending: boolean;
  collectors: Set<Promise<RotatedFile | null>[]>;
  counters: { messages: number; bytes: number; rotations: number; droppedSpoolFull: number; droppedRefused: number };
}

/** Recovers first (interrupted rotations finished, see compress.ts), then opens the store. */
export async function openLogStore(opts: LogStoreOptions): Promise<LogStore> {
  if (!(opts.rotateIntervalMs > 0)) throw new InternalError('log store: rotateIntervalMs must be positive');
  const dir = resolve(opts.dir);
  await mkdir(dir, { recursive: true, mode: 0o750 });
  if ((await entryKind(dir)) !== 'dir') throw new InternalError(`log store: ${dir} is not a folder`);
  const store = new FileLogStore(dir, opts);
  await store.recover();
  store.start();
  return store;
}

class FileLogStore implements LogStore {
  private readonly devices = new Map<string, Device>();
  private readonly drainCallbacks: (() => void)[] = [];
  private readonly now: () => number;
  private readonly highWater: number;
  private readonly compressions: BoundedJobs;
  private buffered = 0;
  private isBusy = false;
  private closed = false;
  private spoolBytes = 0;
  private nextRotationAt = 0;
  private lastSpoolWarn = -Infinity;
  private lastRescan = -Infinity;
  private readonly lastRefusedWarn = new Map<string, number>();
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly dir: string,
    private readonly opts: LogStoreOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.highWater = opts.highWaterBytes ?? 8 * 1024 * 1024;
    this.compressions = new BoundedJobs(Math.max(1, opts.maxConcurrentCompressions ?? 4));
  }

  get busy(): boolean {
    return this.isBusy;
  }

  onDrain(callback: () => void): void {
    this.drainCallbacks.push(callback);
  }

  async recover(): Promise<void> {
    for (const name of await deviceFolders(this.dir)) {
      const d = this.addDevice(name);
      await this.prepare(d);
    }
    // A symlink where a device folder would go: refuse that device rather than write through it.
    for (const e of await readdir(this.dir, { withFileTypes: true })) {
      if (e.isSymbolicLink() && !this.devices.has(e.name) && !e.name.startsWith('.')) {
        try {
          const d = this.addDevice(e.name);
          d.refused = `${join(this.dir, e.name)} is a symlink`;
          d.ready = true;
        } catch {
          // not a device name: not ours
        }
      }
    }
  }

  start(): void {
    this.nextRotationAt = this.now() + this.opts.rotateIntervalMs;
    const every = (ms: number, fn: () => void) => {
      const t = setInterval(fn, ms);
      t.unref();
      this.timers.push(t);
    };
    every(this.opts.flushIntervalMs ?? 100, () => {
      for (const d of this.devices.values()) if (d.pendingBytes > 0 || d.retry) this.scheduleFlush(d);
    });
    every(this.opts.fsyncIntervalMs ?? 1000, () => {
      for (const d of this.devices.values()) {
        if (d.dirty || d.dirSyncPending)
          this.enqueue(d, () => this.syncActive(d)).catch((err) => this.reportError(d, 'fsync', err));
      }
    });
    every(Math.min(this.opts.rotateIntervalMs, 1000), () => {
      this.tick().catch((err) => this.opts.log.error('log store: time rotation failed', { error: errorCode(err) }));
    });
  }

  append(device: string, raw: Buffer): void {
    if (this.closed) throw new InternalError('log store: append after close');
    const d = this.devices.get(device) ?? this.addDevice(device);
    if (d.refused !== undefined) {
      d.counters.droppedRefused++;
      this.warnRefused(d);
      return;
    }
    if (this.spoolBytes >= this.opts.spoolMaxBytes) {
      d.counters.droppedSpoolFull++;
      this.spoolFull(d.name);
      return;
    }
    const len = escapedLength(raw) + 1;
    if (d.projected > 0 && d.projected + len > d.limit) this.cut(d);
    d.segments[d.segments.length - 1]!.batch.add(raw, len);
    d.projected += len;
    d.pendingBytes += len;
    this.buffered += len;
    d.counters.messages++;
    d.counters.bytes += len;
    if (d.projected >= d.limit) this.cut(d);
    else if (d.pendingBytes >= FLUSH_AT_BYTES) this.scheduleFlush(d);
    if (!this.isBusy && this.buffered > this.highWater) this.isBusy = true;
  }

  async rotate(device?: string): Promise<RotatedFile[]> {
    const targets = device === undefined ? [...this.devices.values()] : [this.devices.get(device)].filter(isDevice);
    const started: Promise<RotatedFile | null>[] = [];
    await Promise.all(
      targets.map((d) => {
        if (d.refused !== undefined) return undefined;
        // Collects from now: a flush already queued may be the one that performs this cut.
        d.collectors.add(started);
        if (d.projected > 0) this.cut(d);
        return this.enqueue(d, () => this.writeOut(d)).finally(() => d.collectors.delete(started));
      }),
    );
    return (await Promise.all(started)).filter((f): f is RotatedFile => f !== null);
  }

  async tick(): Promise<RotatedFile[]> {
    for (const d of this.devices.values()) d.limit = this.limitFor(d.name);
    if (this.now() < this.nextRotationAt) return [];
    this.nextRotationAt = this.now() + this.opts.rotateIntervalMs;
    return this.rotate();
  }

  async flush(): Promise<void> {
    const results = await Promise.allSettled(
      [...this.devices.values()].map((d) =>
        this.enqueue(d, async () => {
          await this.writeOut(d);
          await this.syncActive(d);
        }),
      ),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  counters(): LogStoreCounters {
    const perDevice: Record<string, DeviceStoreCounters> = {};
    for (const d of this.devices.values()) perDevice[d.name] = { ...d.counters };
    return { perDevice, spoolBytes: this.spoolBytes };
  }

  noteRemoved(file: RotatedFile): void {
    this.spoolBytes = Math.max(0, this.spoolBytes - file.bytes);
  }

  async rescanSpool(): Promise<number> {
    this.lastRescan = this.now();
    const files = await listSpool(this.dir);
    this.spoolBytes = files.reduce((n, f) => n + f.bytes, 0);
    return this.spoolBytes;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    try {
      await this.flush();
    } finally {
      this.closed = true;
      for (const d of this.devices.values()) {
        await d.chain;
        await d.handle?.close();
        d.handle = null;
      }
      await this.compressions.settle();
    }
  }

  // --- the write path -------------------------------------------------------------------------------------

  private addDevice(name: string): Device {
    assertSafeDeviceName(name);
    const d: Device = {
      name,
      ready: false,
      handle: null,
      fileBytes: 0,
      projected: 0,
      limit: this.limitFor(name),
      segments: [{ batch: new LineBatch(), rotateAfter: false }],
      retry: null,
      pendingBytes: 0,
      nextSeq: 1,
      chain: Promise.resolve(),
      flushQueued: false,
      dirty: false,
      dirSyncPending: false,
      collectors: new Set(),
      counters: { messages: 0, bytes: 0, rotations: 0, droppedSpoolFull: 0, droppedRefused: 0 },
    };
    this.devices.set(name, d);
    return d;
  }

  private limitFor(device: string): number {
    const limit = this.opts.rotateBytesFor(device);
    if (!(limit > 0)) throw new InternalError(`log store: rotate size for ${device} must be positive`);
    return limit;
  }

  /** Ends the current segment: the file is rotated after it is written. */
  private cut(d: Device): void {
    d.segments[d.segments.length - 1]!.rotateAfter = true;
    d.segments.push({ batch: new LineBatch(), rotateAfter: false });
    d.projected = 0;
    this.scheduleFlush(d);
  }

  private scheduleFlush(d: Device): void {
    if (d.flushQueued) return;
    d.flushQueued = true;
    this.enqueue(d, () => this.writeOut(d)).catch((err) => this.reportError(d, 'write', err));
  }

  /** Runs device operations one after another (writes, rotations, fsyncs of one file never interleave). */
  private enqueue<T>(d: Device, op: () => Promise<T>): Promise<T> {
    const p = d.chain.then(op);
    d.chain = p.then(
      () => undefined,
      () => undefined,
    );
    return p;
  }

  /** Creates or checks the device folder and finishes what a previous run left there. */
  private async prepare(d: Device): Promise<void> {
    d.ready = true;
    const folder = join(this.dir, d.name);
    try {
      await mkdir(folder, { mode: 0o750 });
      await syncDirectory(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if ((await entryKind(folder)) !== 'dir') {
      d.refused = `${folder} is not a folder (a symlink?)`;
    } else {
      const rec = await recoverDeviceFolder(this.dir, d.name, this.opts.log);
      d.nextSeq = rec.nextSeq;
      d.fileBytes = rec.activeBytes;
      d.projected += rec.activeBytes;
      this.spoolBytes += rec.spool.reduce((n, f) => n + f.bytes, 0);
      for (const f of rec.recovered) this.opts.onRotated?.(f);
      if (rec.refused !== undefined) d.refused = rec.refused;
    }
    if (d.refused !== undefined) {
      this.opts.log.error('log store: a device folder is not safe to write; its messages are dropped', {
        device: d.name,
        reason: d.refused,
        hint: 'remove the symlink or file in the log folder, then restart',
      });
      // Nothing of this device was written yet: every message taken so far is dropped.
      d.counters.droppedRefused += d.counters.messages;
      d.counters.messages = 0;
      d.counters.bytes = 0;
      this.dropPending(d);
    }
  }

  private dropPending(d: Device): void {
    this.buffered -= d.pendingBytes;
    d.pendingBytes = 0;
    d.retry = null;
    d.segments = [{ batch: new LineBatch(), rotateAfter: false }];
    d.projected = 0;
    this.checkDrain();
  }

  /** Writes the device's segments in order, rotating at each cut. One write per segment. */
  private async writeOut(d: Device): Promise<void> {
    d.flushQueued = false;
    if (!d.ready) await this.prepare(d);
    if (d.refused !== undefined) return;
    for (;;) {
      let seg = d.retry;
      let data: Buffer;
      if (seg !== null) {
        d.retry = null;
        data = seg.batch.take();
      } else {
        const first = d.segments[0]!;
        if (d.segments.length === 1) {
          if (first.batch.bytes === 0 && !first.rotateAfter) return;
          d.segments[0] = { batch: new LineBatch(), rotateAfter: false };
        } else {
          d.segments.shift();
        }
        seg = first;
        data = first.batch.take();
      }
      if (data.length > 0) await this.writeData(d, data, seg.rotateAfter);
      if (seg.rotateAfter) await this.rotateActive(d);
    }
  }

  private async writeData(d: Device, data: Buffer, rotateAfter: boolean): Promise<void> {
    let off = 0;
    try {
      const handle = await this.activeHandle(d);
      while (off < data.length) {
        const { bytesWritten } = await handle.write(data, off, data.length - off);
        off += bytesWritten;
      }
    } catch (err) {
      // Keep what was not written (nothing is lost, nothing written twice); the next flush tries again.
      const rest = new LineBatch();
      // The rest ends with a line's LF; add() writes the bytes as they are (already escaped) plus that LF.
      if (off < data.length) rest.add(data.subarray(off, data.length - 1), data.length - off);
      d.retry = { batch: rest, rotateAfter };
      throw err;
    } finally {
      d.fileBytes += off;
      d.pendingBytes -= off;
      this.buffered -= off;
      if (off > 0) d.dirty = true;
      this.checkDrain();
    }
  }

  private async activeHandle(d: Device): Promise<FileHandle> {
    if (d.handle !== null) return d.handle;
    d.handle = await openAppend(devicePath(this.dir, d.name));
    d.dirSyncPending = true; // the new name is made durable with the next fsync, before anything is acknowledged
    return d.handle;
  }

  private async syncActive(d: Device): Promise<void> {
    if (d.dirSyncPending) {
      d.dirSyncPending = false;
      await syncDirectory(join(this.dir, d.name));
    }
    if (d.handle === null || !d.dirty) return;
    d.dirty = false;
    await d.handle.sync();
  }

  /** fsync + close the active file, rename it to syslog.<seq>, then compress it in the background. */
  private async rotateActive(d: Device): Promise<void> {
    if (d.fileBytes === 0) return; // an empty file is not rotated
    if (d.handle !== null) {
      if (d.dirty) await d.handle.sync(); // what flush() acknowledges may sit in the file being rotated
      await d.handle.close();
      d.handle = null;
      d.dirty = false;
    }
    const folder = join(this.dir, d.name);
    if ((await entryKind(folder)) !== 'dir') {
      // Swapped for a symlink while we wrote: a rename through it would write elsewhere.
      d.refused = `${folder} is no longer a folder (a symlink?)`;
      this.opts.log.error('log store: a device folder changed under tscm; its messages are dropped', {
        device: d.name,
        reason: d.refused,
      });
      this.dropPending(d);
      return;
    }
    const seq = d.nextSeq++;
    await writeSeqMarker(folder, seq);
    await rename(devicePath(this.dir, d.name), join(folder, rotatedName(seq, '')));
    d.fileBytes = 0;
    // The directory fsync for the rename and the new name is left to the next fsync of the active file (timer,
    // flush) or the compression's own: fsyncs are what bounds rotations per second (a few ms each).
    d.handle = await openAppend(devicePath(this.dir, d.name));
    d.dirSyncPending = true;
    d.counters.rotations++;
    const job = this.compressions.run(() => this.compress(d, seq));
    for (const c of d.collectors) c.push(job);
  }

  /** Never rejects: a failed compression leaves the plain file, which the next start compresses. */
  private async compress(d: Device, seq: number): Promise<RotatedFile | null> {
    try {
      await syncSeqMarker(join(this.dir, d.name)); // durable before the uploader can delete the file
      const file = await compressRotated(this.dir, d.name, seq);
      this.spoolBytes += file.bytes;
      this.opts.onRotated?.(file);
      return file;
    } catch (err) {
      this.opts.log.error('log store: compressing a rotated file failed; it is kept and compressed at the next start', {
        device: d.name,
        file: rotatedName(seq, ''),
        error: errorCode(err),
      });
      return null;
    }
  }

  private checkDrain(): void {
    if (this.isBusy && this.buffered <= this.highWater / 2) {
      this.isBusy = false;
      for (const cb of this.drainCallbacks) cb();
    }
  }

  // --- warnings -------------------------------------------------------------------------------------------

  private spoolFull(device: string): void {
    const now = this.now();
    if (now - this.lastRescan >= RESCAN_EVERY_MS) {
      this.rescanSpool().catch((err) =>
        this.opts.log.error('log store: spool rescan failed', { error: errorCode(err) }),
      );
    }
    if (now - this.lastSpoolWarn < WARN_EVERY_MS) return;
    this.lastSpoolWarn = now;
    this.opts.log.warn(
      `log spool full (${this.spoolBytes} of ${this.opts.spoolMaxBytes} bytes): new messages of ${device} are dropped`,
      {
        device,
        spoolBytes: this.spoolBytes,
        spoolMaxBytes: this.opts.spoolMaxBytes,
        hint: 'raise logs.spoolMb in tscm.yaml, or check that the upload endpoint (logs.uploadUrl) accepts the files',
      },
    );
  }

  private warnRefused(d: Device): void {
    const now = this.now();
    if (now - (this.lastRefusedWarn.get(d.name) ?? -Infinity) < WARN_EVERY_MS) return;
    this.lastRefusedWarn.set(d.name, now);
    this.opts.log.warn('log store: messages dropped: the device folder is not safe to write', {
      device: d.name,
      reason: d.refused,
      dropped: d.counters.droppedRefused,
    });
  }

  private reportError(d: Device, what: string, err: unknown): void {
    this.opts.log.error(`log store: ${what} failed; the lines stay buffered and are retried`, {
      device: d.name,
      error: errorCode(err),
    });
  }
}

function isDevice(d: Device | undefined): d is Device {
  return d !== undefined;
}

// One device's side of the log store: its buffered segments, its active file `<dir>/<device>/syslog`, and its
// rotations. Every operation on the file runs on the device's own queue, one after another, so writes, rotations
// and fsyncs of one file never interleave while devices never wait for each other. The store (log-store.ts) keeps
// what spans devices: the buffer total and back-pressure, the spool total, timers and warnings.

import { mkdir, rename } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger, RotatedFile } from '../model.js';
import type { BoundedJobs } from './bounded-jobs.js';
import { compressRotated, recoverDeviceFolder } from './compress.js';
import { escapedLength, LineBatch } from './line-batch.js';
import { syncSeqMarker, writeSeqMarker } from './seq-marker.js';
import { devicePath, entryKind, errorCode, openAppend, rotatedName, syncDirectory } from './store-files.js';

const FLUSH_AT_BYTES = 64 * 1024;

/** What a device's writer needs from the store that holds it. */
export interface DeviceLogHost {
  readonly dir: string;
  readonly log: Logger;
  readonly compressions: BoundedJobs;
  readonly onRotated?: (file: RotatedFile) => void;
  /** Buffered bytes left memory (written to the file, or dropped). */
  released(bytes: number): void;
  /** The spool grew by a compressed file (made now, or found at start). */
  spoolAdded(bytes: number): void;
}

interface Segment {
  readonly batch: LineBatch;
  /** The active file is rotated once this segment is written. */
  rotateAfter: boolean;
}

/** A collector of the compressions a rotate() call started (flushes already queued may perform its cuts). */
export type RotationCollector = Promise<RotatedFile | null>[];

export class DeviceLog {
  /** Set once the folder was checked and recovered (on open, or before the first write of a new device). */
  private ready = false;
  /** Why the device's folder is not written (a symlink, not a folder): its messages are dropped. */
  refused: string | undefined;
  private handle: FileHandle | null = null;
  /** Bytes in the active file on disk. */
  private fileBytes = 0;
  /** Bytes the active file will hold once the pending segments up to the last cut are written. */
  private projected = 0;
  /** Rotation size of the device (rotateBytesFor), read again on each tick. */
  limit: number;
  private segments: Segment[] = [{ batch: new LineBatch(), rotateAfter: false }];
  /** A write that failed part way: its unwritten rest, written first next time. */
  private retry: Segment | null = null;
  private pendingBytes = 0;
  private nextSeq = 1;
  private chain: Promise<void> = Promise.resolve();
  private flushQueued = false;
  /** Written since the last fsync of the active file. */
  private dirty = false;
  /** A rename or a new file in the device folder not yet made durable by a directory fsync. */
  private dirSyncPending = false;
  private readonly collectors = new Set<RotationCollector>();
  readonly counters = { messages: 0, bytes: 0, rotations: 0, droppedSpoolFull: 0, droppedRefused: 0 };

  constructor(
    readonly name: string,
    limit: number,
    private readonly host: DeviceLogHost,
  ) {
    this.limit = limit;
  }

  /** Refused before it was ever prepared (a symlink found at open): nothing is checked or written. */
  refuseUnprepared(reason: string): void {
    this.refused = reason;
    this.ready = true;
  }

  /** Buffers one message; returns the bytes it added to the buffer. The caller has checked `refused`. */
  append(raw: Buffer): number {
    const len = escapedLength(raw) + 1;
    if (this.projected > 0 && this.projected + len > this.limit) this.cut();
    this.segments[this.segments.length - 1]!.batch.add(raw, len);
    this.projected += len;
    this.pendingBytes += len;
    this.counters.messages++;
    this.counters.bytes += len;
    if (this.projected >= this.limit) this.cut();
    else if (this.pendingBytes >= FLUSH_AT_BYTES) this.scheduleFlush();
    return len;
  }

  /** The flush timer: writes what is buffered, or the rest of a write that failed. */
  flushIfPending(): void {
    if (this.pendingBytes > 0 || this.retry) this.scheduleFlush();
  }

  /** The fsync timer: fsyncs the active file (and its folder) if anything is not yet durable. */
  syncIfDirty(): void {
    if (this.dirty || this.dirSyncPending)
      this.enqueue(() => this.syncActive()).catch((err) => this.reportError('fsync', err));
  }

  /** Rotates the active file once what is buffered is written; the compression started is pushed to `into`. */
  async rotate(into: RotationCollector): Promise<void> {
    this.collectors.add(into);
    if (this.projected > 0) this.cut();
    try {
      await this.enqueue(() => this.writeOut());
    } finally {
      this.collectors.delete(into);
    }
  }

  /** Writes and fsyncs everything buffered. */
  flush(): Promise<void> {
    return this.enqueue(async () => {
      await this.writeOut();
      await this.syncActive();
    });
  }

  /** After the last flush: waits for the queue and closes the active file. */
  async close(): Promise<void> {
    await this.chain;
    await this.handle?.close();
    this.handle = null;
  }

  /** Creates or checks the device folder and finishes what a previous run left there. */
  async prepare(): Promise<void> {
    this.ready = true;
    const { dir, log } = this.host;
    const folder = join(dir, this.name);
    try {
      await mkdir(folder, { mode: 0o750 });
      await syncDirectory(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if ((await entryKind(folder)) !== 'dir') {
      this.refused = `${folder} is not a folder (a symlink?)`;
    } else {
      const rec = await recoverDeviceFolder(dir, this.name, log);
      this.nextSeq = rec.nextSeq;
      this.fileBytes = rec.activeBytes;
      this.projected += rec.activeBytes;
      this.host.spoolAdded(rec.spool.reduce((n, f) => n + f.bytes, 0));
      for (const f of rec.recovered) this.host.onRotated?.(f);
      if (rec.refused !== undefined) this.refused = rec.refused;
    }
    if (this.refused !== undefined) {
      log.error('log store: a device folder is not safe to write; its messages are dropped', {
        device: this.name,
        reason: this.refused,
        hint: 'remove the symlink or file in the log folder, then restart',
      });
      // Nothing of this device was written yet: every message taken so far is dropped.
      this.counters.droppedRefused += this.counters.messages;
      this.counters.messages = 0;
      this.counters.bytes = 0;
      this.dropPending();
    }
  }

  /** Ends the current segment: the file is rotated after it is written. */
  private cut(): void {
    this.segments[this.segments.length - 1]!.rotateAfter = true;
    this.segments.push({ batch: new LineBatch(), rotateAfter: false });
    this.projected = 0;
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    this.enqueue(() => this.writeOut()).catch((err) => this.reportError('write', err));
  }

  /** Runs the device's operations one after another. */
  private enqueue<T>(op: () => Promise<T>): Promise<T> {
    const p = this.chain.then(op);
    this.chain = p.then(
      () => undefined,
      () => undefined,
    );
    return p;
  }

  private dropPending(): void {
    const bytes = this.pendingBytes;
    this.pendingBytes = 0;
    this.retry = null;
    this.segments = [{ batch: new LineBatch(), rotateAfter: false }];
    this.projected = 0;
    this.host.released(bytes);
  }

  /** Writes the segments in order, rotating at each cut. One write per segment. */
  private async writeOut(): Promise<void> {
    this.flushQueued = false;
    if (!this.ready) await this.prepare();
    if (this.refused !== undefined) return;
    for (;;) {
      let seg = this.retry;
      let data: Buffer;
      if (seg !== null) {
        this.retry = null;
        data = seg.batch.take();
      } else {
        const first = this.segments[0]!;
        if (this.segments.length === 1) {
          if (first.batch.bytes === 0 && !first.rotateAfter) return;
          this.segments[0] = { batch: new LineBatch(), rotateAfter: false };
        } else {
          this.segments.shift();
        }
        seg = first;
        data = first.batch.take();
      }
      if (data.length > 0) await this.writeData(data, seg.rotateAfter);
      if (seg.rotateAfter) await this.rotateActive();
    }
  }

  private async writeData(data: Buffer, rotateAfter: boolean): Promise<void> {
    let off = 0;
    try {
      const handle = await this.activeHandle();
      while (off < data.length) {
        const { bytesWritten } = await handle.write(data, off, data.length - off);
        off += bytesWritten;
      }
    } catch (err) {
      // Keep what was not written (nothing is lost, nothing written twice); the next flush tries again.
      const rest = new LineBatch();
      // The rest ends with a line's LF; add() writes the bytes as they are (already escaped) plus that LF.
      if (off < data.length) rest.add(data.subarray(off, data.length - 1), data.length - off);
      this.retry = { batch: rest, rotateAfter };
      throw err;
    } finally {
      this.fileBytes += off;
      this.pendingBytes -= off;
      if (off > 0) this.dirty = true;
      this.host.released(off);
    }
  }

  private async activeHandle(): Promise<FileHandle> {
    if (this.handle !== null) return this.handle;
    this.handle = await openAppend(devicePath(this.host.dir, this.name));
    this.dirSyncPending = true; // the new name is made durable with the next fsync, before anything is acknowledged
    return this.handle;
  }

  private async syncActive(): Promise<void> {
    if (this.dirSyncPending) {
      this.dirSyncPending = false;
      await syncDirectory(join(this.host.dir, this.name));
    }
    if (this.handle === null || !this.dirty) return;
    this.dirty = false;
    await this.handle.sync();
  }

  /** fsync + close the active file, rename it to syslog.<seq>, then compress it in the background. */
  private async rotateActive(): Promise<void> {
    if (this.fileBytes === 0) return; // an empty file is not rotated
    if (this.handle !== null) {
      if (this.dirty) await this.handle.sync(); // what flush() acknowledges may sit in the file being rotated
      await this.handle.close();
      this.handle = null;
      this.dirty = false;
    }
    const { dir } = this.host;
    const folder = join(dir, this.name);
    if ((await entryKind(folder)) !== 'dir') {
      // Swapped for a symlink while we wrote: a rename through it would write elsewhere.
      this.refused = `${folder} is no longer a folder (a symlink?)`;
      this.host.log.error('log store: a device folder changed under tscm; its messages are dropped', {
        device: this.name,
        reason: this.refused,
      });
      this.dropPending();
      return;
    }
    const seq = this.nextSeq++;
    await writeSeqMarker(folder, seq);
    await rename(devicePath(dir, this.name), join(folder, rotatedName(seq, '')));
    this.fileBytes = 0;
    // The directory fsync for the rename and the new name is left to the next fsync of the active file (timer,
    // flush) or the compression's own: fsyncs are what bounds rotations per second (a few ms each).
    this.handle = await openAppend(devicePath(dir, this.name));
    this.dirSyncPending = true;
    this.counters.rotations++;
    const job = this.host.compressions.run(() => this.compress(seq));
    for (const c of this.collectors) c.push(job);
  }

  /** Never rejects: a failed compression leaves the plain file, which the next start compresses. */
  private async compress(seq: number): Promise<RotatedFile | null> {
    try {
      await syncSeqMarker(join(this.host.dir, this.name)); // durable before the uploader can delete the file
      const file = await compressRotated(this.host.dir, this.name, seq);
      this.host.spoolAdded(file.bytes);
      this.host.onRotated?.(file);
      return file;
    } catch (err) {
      this.host.log.error('log store: compressing a rotated file failed; it is kept and compressed at the next start', {
        device: this.name,
        file: rotatedName(seq, ''),
        error: errorCode(err),
      });
      return null;
    }
  }

  private reportError(what: string, err: unknown): void {
    this.host.log.error(`log store: ${what} failed; the lines stay buffered and are retried`, {
      device: this.name,
      error: errorCode(err),
    });
  }
}

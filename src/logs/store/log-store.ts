// Per-device log files: `<dir>/<device>/syslog`, appended in batches, fsync'd on a timer and on flush(), rotated
// by size and on a time tick into numbered, compressed files (the spool), bounded in total. The rules and the
// crash points are in README.md beside this file. This is what spans devices (the buffer total and back-pressure,
// the spool bound, timers, warnings); each device's file and rotations are its DeviceLog (device-log.ts).

import { mkdir, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InternalError } from '../../errors.js';
import type { Logger, RotatedFile } from '../model.js';
import { BoundedJobs } from './bounded-jobs.js';
import { DeviceLog, type DeviceLogHost, type RotationCollector } from './device-log.js';
import { deviceFolders, listSpool } from './spool.js';
import { assertSafeDeviceName, entryKind, errorCode } from './store-files.js';

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

const WARN_EVERY_MS = 60_000;
const RESCAN_EVERY_MS = 5_000;

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
  private readonly devices = new Map<string, DeviceLog>();
  private readonly drainCallbacks: (() => void)[] = [];
  private readonly now: () => number;
  private readonly highWater: number;
  private readonly host: DeviceLogHost;
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
    this.host = {
      dir,
      log: opts.log,
      compressions: new BoundedJobs(Math.max(1, opts.maxConcurrentCompressions ?? 4)),
      ...(opts.onRotated === undefined ? {} : { onRotated: opts.onRotated }),
      released: (bytes) => {
        this.buffered -= bytes;
        this.checkDrain();
      },
      spoolAdded: (bytes) => {
        this.spoolBytes += bytes;
      },
    };
  }

  get busy(): boolean {
    return this.isBusy;
  }

  onDrain(callback: () => void): void {
    this.drainCallbacks.push(callback);
  }

  async recover(): Promise<void> {
    for (const name of await deviceFolders(this.dir)) await this.addDevice(name).prepare();
    // A symlink where a device folder would go: refuse that device rather than write through it.
    for (const e of await readdir(this.dir, { withFileTypes: true })) {
      if (e.isSymbolicLink() && !this.devices.has(e.name) && !e.name.startsWith('.')) {
        try {
          this.addDevice(e.name).refuseUnprepared(`${join(this.dir, e.name)} is a symlink`);
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
      for (const d of this.devices.values()) d.flushIfPending();
    });
    every(this.opts.fsyncIntervalMs ?? 1000, () => {
      for (const d of this.devices.values()) d.syncIfDirty();
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
    this.buffered += d.append(raw);
    if (!this.isBusy && this.buffered > this.highWater) this.isBusy = true;
  }

  async rotate(device?: string): Promise<RotatedFile[]> {
    const targets = device === undefined ? [...this.devices.values()] : [this.devices.get(device)].filter(isDevice);
    const started: RotationCollector = [];
    await Promise.all(targets.map((d) => (d.refused === undefined ? d.rotate(started) : undefined)));
    return (await Promise.all(started)).filter((f): f is RotatedFile => f !== null);
  }

  async tick(): Promise<RotatedFile[]> {
    for (const d of this.devices.values()) d.limit = this.limitFor(d.name);
    if (this.now() < this.nextRotationAt) return [];
    this.nextRotationAt = this.now() + this.opts.rotateIntervalMs;
    return this.rotate();
  }

  async flush(): Promise<void> {
    const results = await Promise.allSettled([...this.devices.values()].map((d) => d.flush()));
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
      for (const d of this.devices.values()) await d.close();
      await this.host.compressions.settle();
    }
  }

  private addDevice(name: string): DeviceLog {
    assertSafeDeviceName(name);
    const d = new DeviceLog(name, this.limitFor(name), this.host);
    this.devices.set(name, d);
    return d;
  }

  private limitFor(device: string): number {
    const limit = this.opts.rotateBytesFor(device);
    if (!(limit > 0)) throw new InternalError(`log store: rotate size for ${device} must be positive`);
    return limit;
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

  private warnRefused(d: DeviceLog): void {
    const now = this.now();
    if (now - (this.lastRefusedWarn.get(d.name) ?? -Infinity) < WARN_EVERY_MS) return;
    this.lastRefusedWarn.set(d.name, now);
    this.opts.log.warn('log store: messages dropped: the device folder is not safe to write', {
      device: d.name,
      reason: d.refused,
      dropped: d.counters.droppedRefused,
    });
  }
}

function isDevice(d: DeviceLog | undefined): d is DeviceLog {
  return d !== undefined;
}

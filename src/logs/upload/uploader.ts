// The uploader: sends each device's rotated files, oldest first, one at a time per device and at most two devices
// at once, and deletes a file only after a 2xx (then fsyncs the folder, so the deletion survives a crash). A failure
// keeps the file and backs the device off with full jitter; the retry
// carries the same Idempotency-Key (a hash of the bytes), so a reply lost after the endpoint stored the file does
// not store it twice. Background work never throws; `uploadNow` is what `tscm logs` calls.

import { open, readFile, unlink } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Logger, RotatedFile, UploadOutcome, UploadTarget } from '../model.js';
import { deviceFolders, listSpool } from '../store/spool.js';
import { connectionKey, createUploadClient, type UploadClient, type UploadResult } from './upload-request.js';

export interface UploaderOptions {
  readonly dir: string;
  /** null: the device keeps its files (logs.upload false, or no uploadUrl). */
  readonly targetFor: (device: string) => UploadTarget | null;
  /** Default 5 s .. 10 min, full jitter. */
  readonly retry?: { readonly firstDelayMs: number; readonly maxDelayMs: number };
  /** Default 60 s. */
  readonly requestTimeoutMs?: number;
  /** Default true: look for files left from an earlier run right away, as if kicked. */
  readonly uploadAtStart?: boolean;
  /** A sent file was deleted (the store takes it off its spool size). */
  readonly onRemoved?: (file: RotatedFile) => void;
  readonly log: Logger;
}

export interface UploaderCounters {
  readonly uploaded: number;
  readonly uploadedBytes: number;
  readonly failures: number;
  /** Files waiting for an upload (devices that keep their files not counted), as last listed. */
  readonly pending: number;
}

export interface Uploader {
  /** A file was rotated: upload soon (in the background, one file at a time per device, oldest first). */
  kick(): void;
  /** Uploads every waiting file now (or the device's), returns what each came to. Does not throw. */
  uploadNow(device?: string): Promise<UploadOutcome[]>;
  counters(): UploaderCounters;
  close(): Promise<void>;
}

const MAX_DEVICES_AT_ONCE = 2;

interface DeviceState {
  failures: number;
  /** No background attempt before this time (ms since the epoch). */
  nextAt: number;
  pending: number;
}

type Step = { readonly outcome: UploadOutcome } | { readonly vanished: true };

export function createUploader(opts: UploaderOptions): Uploader {
  const retry = opts.retry ?? { firstDelayMs: 5_000, maxDelayMs: 600_000 };
  const timeoutMs = opts.requestTimeoutMs ?? 60_000;
  const { log } = opts;
  const states = new Map<string, DeviceState>();
  const clients = new Map<string, UploadClient>();
  const locks = new Map<string, Promise<void>>();
  const working = new Set<string>();
  const tasks = new Set<Promise<unknown>>();
  const totals = { uploaded: 0, uploadedBytes: 0, failures: 0 };
  let slotsFree = MAX_DEVICES_AT_ONCE;
  const slotWaiters: (() => void)[] = [];
  let closed = false;
  let passing = false;
  let passAgain = false;
  let timer: NodeJS.Timeout | undefined;
  let timerAt = Infinity;

  const stateOf = (device: string): DeviceState => {
    let s = states.get(device);
    if (s === undefined) states.set(device, (s = { failures: 0, nextAt: 0, pending: 0 }));
    return s;
  };

  const track = <T>(p: Promise<T>): Promise<T> => {
    tasks.add(p);
    void p.finally(() => tasks.delete(p)).catch(() => undefined);
    return p;
  };

  /** At most two devices upload at once, background and `uploadNow` together. */
  const withSlot = async <T>(fn: () => Promise<T>): Promise<T> => {
    if (slotsFree > 0) slotsFree--;
    else await new Promise<void>((resolve) => slotWaiters.push(resolve));
    try {
      return await fn();
    } finally {
      const next = slotWaiters.shift();
      if (next !== undefined) next();
      else slotsFree++;
    }
  };

  /** One file at a time per device: background and `uploadNow` queue behind each other. */
  const withDevice = <T>(device: string, fn: () => Promise<T>): Promise<T> => {
    const before = locks.get(device) ?? Promise.resolve();
    const run = before.then(fn);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    locks.set(device, tail);
    void tail.then(() => {
      if (locks.get(device) === tail) locks.delete(device);
    });
    return run;
  };

  const targetOf = (device: string): UploadTarget | null | { readonly error: string } => {
    try {
      return opts.targetFor(device);
    } catch (err) {
      return { error: err instanceof Error ? err.message : 'the upload settings could not be read' };
    }
  };

  const clientFor = (target: UploadTarget): UploadClient => {
    const key = connectionKey(target);
    let client = clients.get(key);
    if (client === undefined) clients.set(key, (client = createUploadClient(target)));
    return client;
  };

  const backOff = (device: string, result: UploadResult & { ok: false }): number => {
    const s = stateOf(device);
    s.failures++;
    const cap = Math.min(retry.maxDelayMs, retry.firstDelayMs * 2 ** Math.min(s.failures - 1, 30));
    // A setting that cannot work will not start working on its own: wait the longest.
    const delay =
      result.config === true ? retry.maxDelayMs : retry.firstDelayMs + Math.random() * (cap - retry.firstDelayMs);
    s.nextAt = Date.now() + delay;
    scheduleRetry(s.nextAt);
    return Math.round(delay);
  };

  const uploadOne = async (target: UploadTarget, file: RotatedFile): Promise<Step> => {
    const name = basename(file.path);
    let body: Buffer;
    try {
      body = await readFile(file.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { vanished: true };
      return failed(file, name, { ok: false, reason: `cannot read ${name}: ${(err as NodeJS.ErrnoException).code}` });
    }
    const result = await clientFor(target).send(target, { device: file.device, name, body }, timeoutMs);
    if (!result.ok) return failed(file, name, result);
    try {
      await removeSent(file.path);
      opts.onRemoved?.(file);
    } catch (err) {
      // Sent but still there: it goes again later with the same Idempotency-Key, which the endpoint recognises.
      log.error('log file uploaded but could not be deleted', {
        device: file.device,
        file: name,
        code: (err as NodeJS.ErrnoException).code,
      });
    }
    const s = stateOf(file.device);
    s.failures = 0;
    s.nextAt = 0;
    s.pending = Math.max(0, s.pending - 1);
    totals.uploaded++;
    totals.uploadedBytes += body.length;
    log.info('log file uploaded', { device: file.device, file: name, bytes: body.length, status: result.status });
    return {
      outcome: { device: file.device, file: name, bytes: body.length, result: 'uploaded', httpStatus: result.status },
    };
  };

  const failed = (file: RotatedFile, name: string, result: UploadResult & { ok: false }): Step => {
    totals.failures++;
    const retryInMs = backOff(file.device, result);
    log.warn('log file upload failed, the file is kept for a retry', {
      device: file.device,
      file: name,
      reason: result.reason,
      retryInMs,
    });
    return {
      outcome: {
        device: file.device,
        file: name,
        bytes: file.bytes,
        result: 'failed',
        reason: result.reason,
        ...(result.status !== undefined ? { httpStatus: result.status } : {}),
      },
    };
  };

  /** Background: the device's files, oldest first, until none is left or one fails. */
  const drainDevice = async (device: string): Promise<void> => {
    while (!closed) {
      const target = targetOf(device);
      if (target === null || 'error' in target) return;
      const files = await listSpool(opts.dir, device);
      stateOf(device).pending = files.length;
      const first = files[0];
      if (first === undefined || Date.now() < stateOf(device).nextAt) return;
      const step = await uploadOne(target, first);
      if ('outcome' in step && step.outcome.result === 'failed') return;
    }
  };

  const startWorker = (device: string): void => {
    working.add(device);
    void track(
      withSlot(() => withDevice(device, () => drainDevice(device)))
        .catch((err: unknown) => log.error('log upload loop failed', { device, error: String(err) }))
        .finally(() => working.delete(device)),
    );
  };

  const pass = async (): Promise<void> => {
    const now = Date.now();
    for (const device of await deviceFolders(opts.dir)) {
      if (closed) return;
      const target = targetOf(device);
      const s = stateOf(device);
      if (target === null) {
        s.pending = 0;
        continue;
      }
      if ('error' in target) {
        log.error('log upload settings of the device cannot be used', { device, reason: target.error });
        continue;
      }
      s.pending = (await listSpool(opts.dir, device)).length;
      if (s.pending === 0 || working.has(device)) continue;
      if (s.nextAt > now) scheduleRetry(s.nextAt);
      else startWorker(device);
    }
  };

  const kick = (): void => {
    if (closed) return;
    if (passing) {
      passAgain = true;
      return;
    }
    passing = true;
    void track(
      (async () => {
        do {
          passAgain = false;
          await pass().catch((err: unknown) => log.error('log upload pass failed', { error: String(err) }));
        } while (passAgain && !closed);
        passing = false;
      })(),
    );
  };

  function scheduleRetry(at: number): void {
    if (closed || at >= timerAt) return;
    if (timer !== undefined) clearTimeout(timer);
    timerAt = at;
    timer = setTimeout(
      () => {
        timer = undefined;
        timerAt = Infinity;
        kick();
      },
      Math.max(0, at - Date.now()),
    );
    // The receiver keeps the process alive, not a retry.
    timer.unref();
  }

  const uploadDeviceNow = async (device: string): Promise<UploadOutcome[]> => {
    const files = await listSpool(opts.dir, device);
    const target = targetOf(device);
    if (target === null) {
      return files.map((f) => ({ device, file: basename(f.path), bytes: f.bytes, result: 'kept' as const }));
    }
    const outcomes: UploadOutcome[] = [];
    let stoppedAt: string | undefined;
    for (const file of files) {
      if (closed) break;
      const name = basename(file.path);
      if (stoppedAt !== undefined || 'error' in target) {
        const reason = 'error' in target ? target.error : `not tried after ${stoppedAt} failed`;
        outcomes.push({ device, file: name, bytes: file.bytes, result: 'failed', reason });
        continue;
      }
      const step = await uploadOne(target, file);
      if ('vanished' in step) continue;
      outcomes.push(step.outcome);
      if (step.outcome.result === 'failed') stoppedAt = name;
    }
    stateOf(device).pending = outcomes.filter((o) => o.result === 'failed').length;
    return outcomes;
  };

  const uploadNow = async (device?: string): Promise<UploadOutcome[]> => {
    if (closed) return [];
    try {
      const devices = device !== undefined ? [device] : await deviceFolders(opts.dir);
      const each = await Promise.all(
        devices.map((d) => track(withSlot(() => withDevice(d, () => uploadDeviceNow(d))))),
      );
      return each.flat();
    } catch (err) {
      log.error('log upload failed', { error: String(err) });
      return [];
    }
  };

  if (opts.uploadAtStart !== false) setImmediate(kick);

  return {
    kick,
    uploadNow,
    counters: () => ({ ...totals, pending: [...states.values()].reduce((n, s) => n + s.pending, 0) }),
    async close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      while (tasks.size > 0) await Promise.allSettled([...tasks]);
      await Promise.allSettled([...clients.values()].map((c) => c.close()));
      clients.clear();
    },
  };
}

/** Deletes a sent file and makes the deletion durable; a file already gone is fine. */
async function removeSent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const folder = await open(dirname(path), 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}

// The local state backend: one folder per device under the state directory, holding the applied state
// (state.json), the status (status.json), the lock, the apply journal and the history of plans
// (plans/<timestamp>-<serial>.json.gz: the device's part of each plan in the plan file format, gzip-compressed; the
// last PLAN_HISTORY_KEEP within PLAN_HISTORY_MAX_BYTES). Callers hold the device lock around read -> plan -> apply
// -> write; the store itself only guarantees atomic, validated files. The git backend uses it on its working copy.

import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../plan/atomic-write.js';
import type { Inventory, Plan } from '../plan/model.js';
import { gzipBytes } from '../plan/gzip-bytes.js';
import { encodePlan } from '../plan/plan-file.js';
import type { DeviceSnapshot, StateBackend } from './backend.js';
import {
  acquireDeviceLock,
  breakDeviceLock,
  readDeviceLock,
  type DeviceLock,
  type LockOptions,
} from './device-lock.js';
import { deviceDir, isDeviceName, planHistoryDir, stateFilePath, statusFilePath } from './device-paths.js';
import type { DeviceState, DeviceStateUpdate, LockOwner, PlanHistoryEntry } from './model.js';
import { encodeState, parseState, parseStateHeader } from './state-file.js';
import { exportDevice, importDevice, readOrNull } from './snapshot.js';
import { encodeStatus, parseStatus } from './status-file.js';
import type { DeviceStatus } from './status-model.js';
import { appendJournal, readJournal, writeJournal, type JournalEntry } from './apply-journal.js';

export const PLAN_HISTORY_KEEP = 20;
/**
 * Disk budget of one device's plan history. The newest plan is always kept; older ones go once the total passes
 * this. A first-run plan of 1M entries is ~3 MB compressed, an hourly plan of a 2% churn ~0.1 MB.
 */
export const PLAN_HISTORY_MAX_BYTES = 64 * 1024 * 1024;
// .json: format 1 history (uncompressed), still listed, read and pruned.
const HISTORY_NAME = /^(\d{8}T\d{9}Z)-(\d+)(?:-(\d+))?\.json(?:\.gz)?$/;

export class StateStore implements StateBackend {
  readonly kind = 'local';

  get location(): string {
    return this.stateDir;
  }

  constructor(
    readonly stateDir: string,
    private readonly historyKeep: number = PLAN_HISTORY_KEEP,
    private readonly historyMaxBytes: number = PLAN_HISTORY_MAX_BYTES,
    /** Where the apply journal lives (the git backend keeps its local journal outside the working copy's tree). */
    private readonly journalDir: string = stateDir,
  ) {}

  /** The device's state, or null when tscm never wrote one. A damaged file is a ConfigError naming it. */
  async read(device: string): Promise<DeviceState | null> {
    const file = stateFilePath(this.stateDir, device);
    let bytes: Buffer;
    try {
      bytes = await readWhole(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    return parseState(bytes, file);
  }

  /** Writes the next state: serial + 1, lineage kept (a new uuid on the first write). Returns what was written. */
  async write(device: string, next: DeviceStateUpdate): Promise<DeviceState> {
    const current = await this.readHeader(device);
    const state: DeviceState = {
      formatVersion: 1,
      lineage: current?.lineage ?? randomUUID(),
      serial: (current?.serial ?? 0) + 1,
      device,
      appliedAt: next.appliedAt ?? new Date().toISOString(),
      inventory: next.inventory,
      zones: next.zones,
      lastApply: next.lastApply,
      sources: next.sources ?? [],
      overrides: next.overrides ?? [],
    };
    await mkdir(deviceDir(this.stateDir, device), { recursive: true });
    await writeFileAtomic(stateFilePath(this.stateDir, device), encodeState(state));
    return state;
  }

  /** The apply journal of a run that did not record its state yet (see apply-journal.ts); empty when none. */
  readJournal(device: string): Promise<JournalEntry[]> {
    return readJournal(this.journalDir, device);
  }

  /** Journals a window's adds durably, before the window is sent. */
  async appendJournal(device: string, entries: readonly JournalEntry[]): Promise<void> {
    await mkdir(deviceDir(this.journalDir, device), { recursive: true });
    await appendJournal(this.journalDir, device, entries);
  }

  /** Keeps only `entries` in the journal (none: removes it), once a state read from the device covers the rest. */
  writeJournal(device: string, entries: readonly JournalEntry[]): Promise<void> {
    return writeJournal(this.journalDir, device, entries);
  }

  /** Takes the device's lock (O_EXCL; one left by a dead process on this host is recovered, see device-lock.ts). */
  lock(device: string, who: { readonly command: string }, opts: LockOptions = {}): Promise<DeviceLock> {
    return acquireDeviceLock(this.stateDir, device, who, opts);
  }

  readLock(device: string): Promise<LockOwner | 'unreadable' | null> {
    return readDeviceLock(this.stateDir, device);
  }

  breakLock(device: string): Promise<LockOwner | 'unreadable' | null> {
    return breakDeviceLock(this.stateDir, device);
  }

  /** The device's last reconcile status, or null when none was written. A damaged file is a ConfigError. */
  async readStatus(device: string): Promise<DeviceStatus | null> {
    const file = statusFilePath(this.stateDir, device);
    const bytes = await readOrNull(file);
    return bytes === null ? null : parseStatus(bytes, file);
  }

  /** Writes the status atomically; one equal to the stored status writes nothing (a damaged one is replaced). */
  async writeStatus(device: string, status: DeviceStatus): Promise<void> {
    const file = statusFilePath(this.stateDir, device);
    const bytes = encodeStatus(status);
    const current = await readOrNull(file);
    if (current !== null && bytes.equals(current)) return;
    await mkdir(deviceDir(this.stateDir, device), { recursive: true });
    await writeFileAtomic(file, bytes);
  }

  exportDevice(device: string): Promise<DeviceSnapshot> {
    return exportDevice(this.stateDir, device);
  }

  importDevice(device: string, snapshot: DeviceSnapshot, _source: string): Promise<void> {
    return importDevice(this.stateDir, device, snapshot);
  }

  /** Devices with a state or a status, sorted (a device that only ever held a lock or a journal is not listed). */
  async listDevices(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.stateDir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const out: string[] = [];
    for (const name of names.filter(isDeviceName).sort()) {
      const has = async (file: string): Promise<boolean> =>
        stat(file).then(
          (s) => s.isFile(),
          () => false,
        );
      if ((await has(stateFilePath(this.stateDir, name))) || (await has(statusFilePath(this.stateDir, name)))) {
        out.push(name);
      }
    }
    return out;
  }

  /** lineage and serial of the current state (schema-checked: a damaged file is refused, not overwritten). */
  private async readHeader(device: string): Promise<{ lineage: string; serial: number } | null> {
    const file = stateFilePath(this.stateDir, device);
    try {
      return parseStateHeader(await readFile(file), file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  /**
   * Records the device's part of a plan in its history, gzip-compressed (readable with readPlanFile, or zcat), and
   * prunes the history to the last entries within the byte budget. Returns the file written.
   *
   * The whole device plan is kept, member lists included: an audit asks "when and why was 203.0.113.7 blocked",
   * and only the add/remove lists with the pinned inputs (git revision, zone serials and hashes, observed
   * fingerprint, state serial) answer it; counts and hashes alone would not.
   */
  async appendPlanHistory(device: string, plan: Plan, now: Date = new Date()): Promise<string> {
    const own = plan.devices.filter((d) => d.device === device);
    const dir = planHistoryDir(this.stateDir, device);
    await mkdir(dir, { recursive: true });
    const serial = own[0]?.inputs.state?.serial ?? 0;
    const stamp = now.toISOString().replace(/[-:]/g, '').replace('.', '');
    const taken = new Set(await readdir(dir));
    const name = (i: number): string => `${stamp}-${serial}${i === 0 ? '' : `-${i}`}.json.gz`;
    let i = 0;
    while (taken.has(name(i)) || taken.has(name(i).slice(0, -3))) i++;
    const path = join(dir, name(i));
    await writeFileAtomic(path, await gzipBytes(encodePlan({ ...plan, devices: own })));
    await this.pruneHistory(device);
    return path;
  }

  /** The device's recorded plans, oldest first. */
  async listPlanHistory(device: string): Promise<PlanHistoryEntry[]> {
    const dir = planHistoryDir(this.stateDir, device);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const entries: (PlanHistoryEntry & { order: number })[] = [];
    for (const file of names) {
      const m = HISTORY_NAME.exec(file);
      if (!m) continue;
      const s = m[1] ?? '';
      const recordedAt = `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}.${s.slice(15, 18)}Z`;
      entries.push({ path: join(dir, file), file, recordedAt, serial: Number(m[2]), order: Number(m[3] ?? 0) });
    }
    entries.sort((a, b) => cmp(a.recordedAt, b.recordedAt) || a.order - b.order || cmp(a.file, b.file));
    return entries.map(({ order: _order, ...e }) => e);
  }

  private async pruneHistory(device: string): Promise<void> {
    const entries = await this.listPlanHistory(device);
    const keep = entries.slice(Math.max(0, entries.length - this.historyKeep));
    const doomed = entries.slice(0, entries.length - keep.length);
    // Newest first: the newest is always kept, then older ones while the total stays within the budget.
    let total = 0;
    for (let i = keep.length - 1; i >= 0; i--) {
      const entry = keep[i]!;
      total += await stat(entry.path).then(
        (s) => s.size,
        () => 0,
      );
      if (total > this.historyMaxBytes && i < keep.length - 1) {
        doomed.push(...keep.slice(0, i + 1));
        break;
      }
    }
    for (const old of doomed) {
      await unlink(old.path).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
    }
  }
}

/** The inventory recorded in a state; an empty one when the device has no state yet. */
export function inventoryFromState(state: DeviceState | null): Inventory {
  return state ? state.inventory : { groups: [] };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A file's bytes in one read of its size (then on to the end, should it have grown): readFile reads 512 KiB at a
 * time, and each piece waits its turn on the thread pool (~0.1 s for a 1M-entry state on a loaded machine).
 */
async function readWhole(file: string): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    let buf = Buffer.allocUnsafe((await handle.stat()).size + 1);
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        const grown = Buffer.allocUnsafe(2 * buf.length);
        buf.copy(grown, 0, 0, n);
        buf = grown;
      }
      const { bytesRead } = await handle.read(buf, n, buf.length - n, n);
      if (bytesRead === 0) return buf.subarray(0, n);
      n += bytesRead;
    }
  } finally {
    await handle.close();
  }
}

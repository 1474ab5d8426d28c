// The git state backend: the local layout (state-store.ts) on a working copy of a branch (default tscm-state, of
// the definitions repository or another), where every change is a commit pushed at once, so every runner (CI's
// fresh clones, replicas, a laptop) sees the same ownership, and every apply is an audited commit. Locks are files
// committed with compare-and-swap semantics (git-lock.ts). The apply journal is fsync'd locally first, then
// committed and pushed before the window it covers is sent (README.md: the trade-off).

import { mkdir, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { prefixesToStrings } from '../cidr/index.js';
import type { Plan } from '../plan/model.js';
import type { JournalEntry } from './apply-journal.js';
import {
  appendJournal as appendJournalFile,
  readJournal as readJournalFile,
  writeJournal as writeJournalFile,
} from './apply-journal.js';
import type { DeviceSnapshot, StateBackend, StateLog } from './backend.js';
import type { DeviceLock, LockOptions } from './device-lock.js';
import { readDeviceLock } from './device-lock.js';
import { deviceDir, statusFilePath } from './device-paths.js';
import { DEFAULT_RETRY, GitCommitQueue, type RetryPolicy } from './git-commit-queue.js';
import { breakGitLock, takeGitLock } from './git-lock.js';
import { displayRepo, GitWorkingCopy } from './git-working-copy.js';
import type { DeviceState, DeviceStateUpdate, LockOwner, PlanHistoryEntry } from './model.js';
import { exportDevice, importDevice } from './snapshot.js';
import { StateStore } from './state-store.js';
import { encodeStatus } from './status-file.js';
import type { DeviceStatus } from './status-model.js';

export interface GitBackendOptions {
  /** The working copy (settings.stateDir). */
  readonly dir: string;
  readonly repo: string;
  readonly branch: string;
  /** Variables for git's environment (credentials), read when the backend is first used. */
  readonly env: () => Promise<Record<string, string>>;
  readonly lockTtlSeconds: number;
  readonly log: StateLog;
  readonly retry?: RetryPolicy;
  /** How often a held lock is renewed (default: a third of its TTL). */
  readonly renewEveryMs?: number;
  /** For tests: the time "now" (lock expiry). */
  readonly now?: () => Date;
  /** For tests: this runner's host name and process id in lock owners. */
  readonly identity?: { readonly hostname: string; readonly pid: number };
}

export class GitStateBackend implements StateBackend {
  readonly kind = 'git';
  readonly stateDir: string;
  readonly location: string;
  /** The layout on the working copy; the local journal lives in .local/, outside the committed tree. */
  private readonly files: StateStore;
  private readonly local: string;
  private opened: Promise<GitCommitQueue> | undefined;
  /** The command holding each device's lock in this process (named in commit messages). */
  private readonly holders = new Map<string, string>();

  constructor(private readonly opts: GitBackendOptions) {
    this.stateDir = opts.dir;
    this.location = `${displayRepo(opts.repo)} (branch ${opts.branch})`;
    this.local = join(opts.dir, '.local');
    this.files = new StateStore(opts.dir, undefined, undefined, this.local);
  }

  /** Opens the working copy and fetches the branch, once. */
  private ready(): Promise<GitCommitQueue> {
    this.opened ??= (async () => {
      const wc = new GitWorkingCopy({
        dir: this.opts.dir,
        repo: this.opts.repo,
        branch: this.opts.branch,
        env: await this.opts.env(),
      });
      await wc.open();
      const queue = new GitCommitQueue(wc, this.opts.retry ?? DEFAULT_RETRY, this.opts.log);
      await queue.sync();
      return queue;
    })();
    return this.opened;
  }

  private async reading<T>(fn: () => Promise<T>): Promise<T> {
    return (await this.ready()).exclusive(fn);
  }

  private async change<T>(line: () => string, apply: () => Promise<T>): Promise<T> {
    return (await this.ready()).submit({ line, apply });
  }

  /** The command holding the device's lock in this process, for commit messages. */
  private by(device: string): string {
    return this.holders.get(device) ?? 'tscm';
  }

  async sync(): Promise<void> {
    await (await this.ready()).sync();
  }

  read(device: string): Promise<DeviceState | null> {
    return this.reading(() => this.files.read(device));
  }

  async write(device: string, next: DeviceStateUpdate): Promise<DeviceState> {
    deviceDir(this.stateDir, device); // a bad name fails here, not inside a batch
    let serial = '?';
    return this.change(
      () => `${device}: state serial ${serial} (${this.by(device)}, revision ${next.lastApply?.revision ?? 'none'})`,
      async () => {
        const state = await this.files.write(device, next);
        serial = String(state.serial);
        return state;
      },
    );
  }

  /** The journal of this host (not yet pushed, or pushed) and the one on the branch (a run elsewhere that died). */
  async readJournal(device: string): Promise<JournalEntry[]> {
    const local = await readJournalFile(this.local, device);
    const shared = await this.reading(() => readJournalFile(this.stateDir, device));
    // Pushed entries are in both: once each, so that record() does not keep doubling them.
    const seen = new Set<string>();
    return [...local, ...shared].filter((e) => {
      const key = [e.endpoint, e.group, e.role, e.create, prefixesToStrings(e.add).join(',')].join('|');
      return !seen.has(key) && seen.add(key) !== undefined;
    });
  }

  async appendJournal(device: string, entries: readonly JournalEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.files.appendJournal(device, entries); // fsync'd locally first: a failed push still leaves it here
    await this.change(
      () =>
        `${device}: journal +${entries.length} window entr${entries.length === 1 ? 'y' : 'ies'} (${this.by(device)})`,
      async () => {
        await mkdir(deviceDir(this.stateDir, device), { recursive: true });
        await appendJournalFile(this.stateDir, device, entries);
      },
    );
  }

  async writeJournal(device: string, entries: readonly JournalEntry[]): Promise<void> {
    await this.files.writeJournal(device, entries);
    await this.change(
      () => `${device}: journal ${entries.length === 0 ? 'cleared' : `kept ${entries.length}`} (${this.by(device)})`,
      () => writeJournalFile(this.stateDir, device, entries),
    );
  }

  appendPlanHistory(device: string, plan: Plan, now: Date = new Date()): Promise<string> {
    const serial = plan.devices.find((d) => d.device === device)?.inputs.state?.serial ?? 0;
    return this.change(
      () =>
        `${device}: plan recorded against serial ${serial} (${this.by(device)}, revision ${plan.gitRevision ?? 'none'})`,
      () => this.files.appendPlanHistory(device, plan, now),
    );
  }

  listPlanHistory(device: string): Promise<PlanHistoryEntry[]> {
    return this.reading(() => this.files.listPlanHistory(device));
  }

  readStatus(device: string): Promise<DeviceStatus | null> {
    return this.reading(() => this.files.readStatus(device));
  }

  async writeStatus(device: string, status: DeviceStatus): Promise<void> {
    const file = statusFilePath(this.stateDir, device);
    // The common case of a loop pass, settled without a git process: the status did not change.
    const same = await this.reading(async () => {
      const current = await readFile(file).catch(() => null);
      return current !== null && encodeStatus(status).equals(current);
    });
    if (same) return;
    await this.change(
      () =>
        `${device}: status ${status.reason} (${this.by(device)}, revision ${status.lastAttemptedRevision ?? 'none'})`,
      () => this.files.writeStatus(device, status),
    );
  }

  listDevices(): Promise<string[]> {
    return this.reading(() => this.files.listDevices());
  }

  async lock(device: string, who: { readonly command: string }, opts: LockOptions = {}): Promise<DeviceLock> {
    deviceDir(this.stateDir, device);
    const lock = await takeGitLock({
      device,
      command: who.command,
      dir: this.stateDir,
      ttlMs: this.opts.lockTtlSeconds * 1000,
      renewEveryMs: this.opts.renewEveryMs ?? (this.opts.lockTtlSeconds * 1000) / 3,
      now: this.opts.now ?? (() => opts.now ?? new Date()),
      identity: this.opts.identity ?? { hostname: hostname(), pid: process.pid },
      change: (line, apply) => this.change(() => line, apply),
      log: this.opts.log,
      ...(opts.onRecovered === undefined ? {} : { onRecovered: opts.onRecovered }),
    });
    this.holders.set(device, who.command);
    return {
      ...lock,
      release: async () => {
        await lock.release();
        if (this.holders.get(device) === who.command) this.holders.delete(device);
      },
    };
  }

  readLock(device: string): Promise<LockOwner | 'unreadable' | null> {
    return this.reading(() => readDeviceLock(this.stateDir, device));
  }

  breakLock(device: string): Promise<LockOwner | 'unreadable' | null> {
    deviceDir(this.stateDir, device);
    return breakGitLock(this.stateDir, device, (line, apply) => this.change(() => line, apply));
  }

  exportDevice(device: string): Promise<DeviceSnapshot> {
    return this.reading(() => exportDevice(this.stateDir, device));
  }

  async importDevice(device: string, snapshot: DeviceSnapshot, source: string): Promise<void> {
    deviceDir(this.stateDir, device);
    await this.change(
      () =>
        `${device}: imported ${snapshot.serial === null ? 'status and history' : `state serial ${snapshot.serial}`} from ${source}`,
      () => importDevice(this.stateDir, device, snapshot),
    );
  }
}

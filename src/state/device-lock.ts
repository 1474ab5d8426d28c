// One lock per device (<stateDir>/<device>/lock), taken with O_EXCL so that two runs never plan/apply the same
// device at once. A lock whose owner process is provably dead on this host (killed, crashed, a container that
// restarted) is recovered on the next run with a warning: the apply journal makes that safe. A lock held by a live
// process, by another host, or merely old is never broken by guessing: `tscm unlock DEVICE` breaks it on purpose.

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { link, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { ConfigError, TransientError } from '../errors.js';
import { deviceDir, lockFilePath } from './device-paths.js';
import type { LockOwner } from './model.js';

/** A run may legitimately hold a lock for hours (1M members over a slow SSH CLI); older than this looks stale. */
export const DEFAULT_LOCK_MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** An empty/unparsable lock file younger than this is a lock being written right now, not a crash. */
const UNREADABLE_GRACE_MS = 60_000;

export interface LockOptions {
  readonly maxAgeMs?: number;
  /** For tests: the time "now". */
  readonly now?: Date;
  /** Told when a lock left by a dead process on this host was recovered (the caller warns). */
  readonly onRecovered?: (previous: LockOwner, why: string) => void;
}

export interface DeviceLock {
  readonly path: string;
  readonly owner: LockOwner;
  /** Git backend: pushes a later expiry now (a timer also renews it while the lock is held). */
  renew?(): Promise<void>;
  /** Removes the lock if it is still ours (same token); idempotent. */
  release(): Promise<void>;
}

export async function acquireDeviceLock(
  stateDir: string,
  device: string,
  who: { readonly command: string },
  opts: LockOptions = {},
): Promise<DeviceLock> {
  await mkdir(deviceDir(stateDir, device), { recursive: true });
  const path = lockFilePath(stateDir, device);
  const owner: LockOwner = {
    pid: process.pid,
    hostname: hostname(),
    command: who.command,
    startedAt: (opts.now ?? new Date()).toISOString(),
    token: randomBytes(16).toString('hex'),
  };
  let handle;
  try {
    handle = await open(path, 'wx', 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const previous = await recoverDeadLock(path);
    if (previous === null) throw await describeHeldLock(path, device, opts);
    opts.onRecovered?.(previous.owner, previous.why);
    try {
      handle = await open(path, 'wx', 0o644);
    } catch (again) {
      if ((again as NodeJS.ErrnoException).code !== 'EEXIST') throw again;
      throw await describeHeldLock(path, device, opts);
    }
  }
  try {
    await handle.writeFile(`${JSON.stringify(owner)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  let released = false;
  return {
    path,
    owner,
    async release() {
      if (released) return;
      released = true;
      const current = await readLockOwner(path);
      if (current !== 'unreadable' && current?.token === owner.token) await unlink(path).catch(ignoreMissing);
    },
  };
}

/** The owner of a device's lock, 'unreadable' for a damaged lock file, null when the device is not locked. */
export async function readDeviceLock(stateDir: string, device: string): Promise<LockOwner | 'unreadable' | null> {
  return readLockOwner(lockFilePath(stateDir, device));
}

/** `tscm unlock DEVICE`: removes the lock whoever holds it and returns what it held (null: there was none). */
export async function breakDeviceLock(stateDir: string, device: string): Promise<LockOwner | 'unreadable' | null> {
  const path = lockFilePath(stateDir, device);
  const owner = await readLockOwner(path);
  if (owner === null) return null;
  await unlink(path).catch(ignoreMissing);
  return owner;
}

/**
 * Removes the lock at `path` if its owner is provably dead on this host, and returns who held it; null when the
 * lock is live, elsewhere, unreadable or gone. The lock is moved aside with rename (atomic) and checked again
 * there, so a run that took the lock in between is put back, never broken.
 */
async function recoverDeadLock(path: string): Promise<{ owner: LockOwner; why: string } | null> {
  const owner = await readLockOwner(path);
  if (owner === null || owner === 'unreadable') return null;
  const why = lockOwnerDeath(owner);
  if (why === null) return null;
  const aside = `${path}.dead.${randomBytes(6).toString('hex')}`;
  try {
    await rename(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const moved = await readLockOwner(aside);
  if (moved !== 'unreadable' && moved?.token === owner.token) {
    await unlink(aside).catch(ignoreMissing);
    return { owner, why };
  }
  // Someone else's fresh lock: put it back unless yet another run holds the path now.
  await link(aside, path).catch(() => undefined);
  await unlink(aside).catch(ignoreMissing);
  return null;
}

/** Why the owner of a lock is certainly gone (its process exited, or its pid now names another process), or null. */
export function lockOwnerDeath(owner: LockOwner): string | null {
  if (owner.hostname !== hostname()) return null;
  if (!isProcessAlive(owner.pid)) return `process ${owner.pid} no longer runs on ${owner.hostname}`;
  const started = processStartMs(owner.pid);
  const locked = Date.parse(owner.startedAt);
  // The pid was reused: the process with that pid now started after the lock was taken (a container restart gives
  // tscm the same pid 1 again). 2 s of slack for clock granularity.
  if (started !== null && Number.isFinite(locked) && started > locked + 2000) {
    return `process ${owner.pid} on ${owner.hostname} is a newer process than the lock's owner`;
  }
  return null;
}

/** When a process started (ms since the epoch), from Linux's /proc; null elsewhere or when unknown. */
function processStartMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime, clock ticks since boot) counts from the field after the command's closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    const btime = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1];
    if (!Number.isFinite(ticks) || btime === undefined) return null;
    return Number(btime) * 1000 + ticks * 10; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

/** Why the lock looks stale, or null when its owner may well be alive. */
export function lockStaleness(owner: LockOwner, now: Date, maxAgeMs: number = DEFAULT_LOCK_MAX_AGE_MS): string | null {
  const dead = lockOwnerDeath(owner);
  if (dead !== null) return dead;
  const age = now.getTime() - Date.parse(owner.startedAt);
  if (Number.isFinite(age) && age > maxAgeMs) {
    return `it is ${formatDuration(age)} old (older than ${formatDuration(maxAgeMs)})`;
  }
  return null;
}

async function describeHeldLock(path: string, device: string, opts: LockOptions): Promise<Error> {
  const now = opts.now ?? new Date();
  const unlock = `if no tscm run is working on ${device}, break the lock with \`tscm unlock ${device}\``;
  const owner = await readLockOwner(path);
  if (owner === null) return new TransientError(`device ${device}: its lock was released just now; try again`);
  if (owner === 'unreadable') {
    const age = await stat(path).then(
      (s) => now.getTime() - s.mtimeMs,
      () => 0,
    );
    if (age < UNREADABLE_GRACE_MS) {
      return new TransientError(`device ${device} is being locked by another tscm run (${path})`, 'try again shortly');
    }
    return new ConfigError(
      `device ${device}: lock file ${path} is unreadable and looks stale (a run crashed?)`,
      unlock,
    );
  }
  const who = `pid ${owner.pid} on ${owner.hostname}, \`${owner.command}\`, since ${owner.startedAt}`;
  const stale = lockStaleness(owner, now, opts.maxAgeMs);
  if (stale) return new ConfigError(`device ${device} is locked by ${who}; the lock looks stale: ${stale}`, unlock);
  return new TransientError(`device ${device} is locked by ${who}`, `wait for that run to finish; ${unlock}`);
}

async function readLockOwner(path: string): Promise<LockOwner | 'unreadable' | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const v = JSON.parse(text) as Partial<LockOwner>;
    const ok =
      typeof v.pid === 'number' &&
      typeof v.hostname === 'string' &&
      typeof v.command === 'string' &&
      typeof v.startedAt === 'string' &&
      typeof v.token === 'string';
    return ok ? (v as LockOwner) : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function formatDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  return minutes < 120 ? `${minutes} min` : `${(minutes / 60).toFixed(1)} h`;
}

function ignoreMissing(err: unknown): void {
  if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
}

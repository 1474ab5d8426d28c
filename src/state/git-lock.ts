// A device lock across runners on the git backend: the lock file (<device>/lock, the owner as JSON with an expiry)
// is committed and pushed. The push is the compare-and-swap: it succeeds only on top of the tip this runner
// checked; when another runner pushed first, the queue fetches, resets and checks again, so exactly one runner
// holds the lock. A lock past its expiry, or left by a dead process on this host, is taken over with a warning (the
// journal on the branch makes that safe); a live lock is a TransientError naming its owner. A held lock is renewed
// (a long apply outlives the TTL); release removes it by a pushed commit, only while it is still ours.

import { randomBytes } from 'node:crypto';
import { mkdir, unlink, writeFile } from 'node:fs/promises';
import { ConfigError, TransientError } from '../errors.js';
import { lockOwnerDeath, readDeviceLock, type DeviceLock } from './device-lock.js';
import { deviceDir, lockFilePath } from './device-paths.js';
import type { StateLog } from './backend.js';
import type { LockOwner } from './model.js';

type Submit = <T>(line: string, apply: () => Promise<T>) => Promise<T>;

export interface GitLockRequest {
  readonly device: string;
  readonly command: string;
  /** The working copy. */
  readonly dir: string;
  readonly ttlMs: number;
  readonly renewEveryMs: number;
  readonly now: () => Date;
  readonly identity: { readonly hostname: string; readonly pid: number };
  readonly change: Submit;
  readonly log: StateLog;
  readonly onRecovered?: (previous: LockOwner, why: string) => void;
}

export async function takeGitLock(req: GitLockRequest): Promise<DeviceLock> {
  const { device, dir } = req;
  const path = lockFilePath(dir, device);
  const startedAt = req.now();
  let owner: LockOwner = {
    pid: req.identity.pid,
    hostname: req.identity.hostname,
    command: req.command,
    startedAt: startedAt.toISOString(),
    expiresAt: new Date(startedAt.getTime() + req.ttlMs).toISOString(),
    token: randomBytes(16).toString('hex'),
  };
  const mine = owner.token;
  const taken = await req.change(`${device}: lock (${req.command}) on ${owner.hostname}`, async () => {
    const current = await readDeviceLock(dir, device);
    let previous: { owner: LockOwner; why: string } | null = null;
    if (current === 'unreadable') {
      throw new ConfigError(
        `device ${device}: the lock file on the state branch is unreadable`,
        `if no tscm run is working on ${device}, break the lock with \`tscm unlock ${device}\``,
      );
    }
    if (current !== null) {
      const why = takeoverReason(current, req);
      if (why === null) throw heldError(device, current);
      previous = { owner: current, why };
    }
    await mkdir(deviceDir(dir, device), { recursive: true });
    await writeFile(path, `${JSON.stringify(owner)}\n`);
    return previous;
  });
  if (taken !== null) {
    req.log.warn('took over the lock of another tscm run', { device, why: taken.why });
    req.onRecovered?.(taken.owner, taken.why);
  }

  let lost = false;
  const renew = async (): Promise<void> => {
    if (lost) return;
    const next = { ...owner, expiresAt: new Date(req.now().getTime() + req.ttlMs).toISOString() };
    await req.change(`${device}: lock renewed (${req.command})`, async () => {
      const current = await readDeviceLock(dir, device);
      if (current === 'unreadable' || current?.token !== mine) {
        lost = true;
        return;
      }
      await writeFile(path, `${JSON.stringify(next)}\n`);
    });
    if (lost) req.log.warn('the device lock was broken or taken over by another run', { device });
    else owner = next;
  };
  const timer = setInterval(
    () => {
      renew().catch((err: unknown) =>
        req.log.warn('could not renew the device lock; retried at the next interval', {
          device,
          reason: (err as Error).message,
        }),
      );
    },
    Math.max(1000, req.renewEveryMs),
  );
  timer.unref();

  let released = false;
  return {
    path,
    get owner() {
      return owner;
    },
    renew,
    async release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      await req.change(`${device}: unlock (${req.command})`, async () => {
        const current = await readDeviceLock(dir, device);
        if (current !== 'unreadable' && current?.token === mine) await unlink(path);
      });
    },
  };
}

/** `tscm unlock` on the git backend: removes the lock on the branch, whoever holds it; returns what it held. */
export function breakGitLock(dir: string, device: string, change: Submit): Promise<LockOwner | 'unreadable' | null> {
  let held: LockOwner | 'unreadable' | null = null;
  return change(`${device}: lock broken (tscm unlock)`, async () => {
    held = await readDeviceLock(dir, device);
    if (held !== null) await unlink(lockFilePath(dir, device));
    return held;
  });
}

/** Why a held lock may be taken over (expired, or its process died on this host), or null. */
function takeoverReason(current: LockOwner, req: GitLockRequest): string | null {
  const expires = Date.parse(current.expiresAt ?? '');
  if (Number.isFinite(expires) && expires <= req.now().getTime()) {
    return `the lock of \`${current.command}\` on ${current.hostname} expired at ${current.expiresAt}`;
  }
  if (current.hostname === req.identity.hostname) return lockOwnerDeath(current);
  return null;
}

function heldError(device: string, owner: LockOwner): TransientError {
  const until = owner.expiresAt === undefined ? '' : `, until ${owner.expiresAt} unless renewed`;
  return new TransientError(
    `device ${device} is locked by pid ${owner.pid} on ${owner.hostname}, \`${owner.command}\`, since ${owner.startedAt}${until}`,
    `wait for that run to finish; if no tscm run is working on ${device}, break the lock with \`tscm unlock ${device}\``,
  );
}

import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, TransientError } from '../errors.js';
import { acquireDeviceLock, breakDeviceLock, readDeviceLock } from './device-lock.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tscm-lock-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const lockPath = () => join(dir, 'edge-1', 'lock');

async function writeLock(owner: Record<string, unknown>): Promise<void> {
  await mkdir(join(dir, 'edge-1'), { recursive: true });
  await writeFile(lockPath(), JSON.stringify({ hostname: hostname(), command: 'tscm apply', token: 't', ...owner }));
}

/** The pid of a process that has exited (reaped), so it no longer runs. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

describe('device lock', () => {
  it('writes the owner into the lock and removes it on release', async () => {
    const lock = await acquireDeviceLock(dir, 'edge-1', { command: 'tscm apply' });
    const owner = JSON.parse(await readFile(lockPath(), 'utf8'));
    expect(owner).toMatchObject({ pid: process.pid, hostname: hostname(), command: 'tscm apply' });
    expect(Date.parse(owner.startedAt)).not.toBeNaN();
    await lock.release();
    await lock.release();
    expect(await readdir(join(dir, 'edge-1'))).toEqual([]);
    expect(await readDeviceLock(dir, 'edge-1')).toBeNull();
  });

  it('lets exactly one of several concurrent acquirers win; the others learn who holds it', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => acquireDeviceLock(dir, 'edge-1', { command: `run ${i}` })),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(7);
    for (const r of lost) {
      expect(r.reason).toBeInstanceOf(TransientError);
      expect(String(r.reason.message)).toMatch(
        new RegExp(
          `device edge-1 (is locked by pid ${process.pid} on .*\`run \\d\`|is being locked by another tscm run)`,
        ),
      );
    }
    await (won[0] as PromiseFulfilledResult<{ release(): Promise<void> }>).value.release();
    const again = await acquireDeviceLock(dir, 'edge-1', { command: 'next' });
    await again.release();
  });

  it('recovers a lock whose process is gone on this host, and says whose it was', async () => {
    const pid = await deadPid();
    await writeLock({ pid, startedAt: new Date().toISOString(), command: 'tscm apply old' });
    const seen: string[] = [];
    const lock = await acquireDeviceLock(
      dir,
      'edge-1',
      { command: 'x' },
      {
        onRecovered: (owner, why) => seen.push(`${owner.pid} ${owner.command}: ${why}`),
      },
    );
    expect(seen).toEqual([`${pid} tscm apply old: process ${pid} no longer runs on ${hostname()}`]);
    expect(await readDeviceLock(dir, 'edge-1')).toMatchObject({ command: 'x', pid: process.pid });
    await lock.release();
    expect(await readdir(join(dir, 'edge-1'))).toEqual([]);
  });

  it('recovers a lock whose pid now names a newer process (a restarted container gets pid 1 again)', async () => {
    await writeLock({ pid: process.pid, startedAt: '2026-01-01T00:00:00.000Z' });
    const seen: string[] = [];
    const lock = await acquireDeviceLock(dir, 'edge-1', { command: 'x' }, { onRecovered: (_o, why) => seen.push(why) });
    expect(seen).toEqual([expect.stringMatching(/is a newer process than the lock's owner/)]);
    await lock.release();
  });

  it('never breaks a lock held by a live process, or by another host, or an old one from another host', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      await writeLock({ pid: child.pid, startedAt: new Date().toISOString() });
      await expect(acquireDeviceLock(dir, 'edge-1', { command: 'x' })).rejects.toThrow(
        new RegExp(`device edge-1 is locked by pid ${child.pid} on `),
      );
    } finally {
      child.kill();
    }
    await writeLock({ pid: await deadPid(), hostname: 'other-host', startedAt: new Date().toISOString() });
    await expect(acquireDeviceLock(dir, 'edge-1', { command: 'x' })).rejects.toThrow(TransientError);
    await writeLock({ pid: 1, hostname: 'other-host', startedAt: '2026-11-20T00:00:00.000Z' });
    const now = new Date('2026-11-23T00:00:00.000Z');
    const err = (await acquireDeviceLock(dir, 'edge-1', { command: 'x' }, { now }).catch(
      (e: unknown) => e,
    )) as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toMatch(/looks stale: it is 72\.0 h old \(older than 24\.0 h\)/);
    expect(err.hint).toContain('tscm unlock edge-1');
    await expect(acquireDeviceLock(dir, 'edge-1', { command: 'x' }, { now, maxAgeMs: 100 * 3600_000 })).rejects.toThrow(
      TransientError,
    );
    expect(await readDeviceLock(dir, 'edge-1')).toMatchObject({ hostname: 'other-host' });
  });

  it('treats an unreadable lock as being written when fresh, and as stale when old', async () => {
    await mkdir(join(dir, 'edge-1'), { recursive: true });
    await writeFile(lockPath(), '');
    await expect(acquireDeviceLock(dir, 'edge-1', { command: 'x' })).rejects.toThrow(TransientError);
    const old = new Date(Date.now() - 3600_000);
    await utimes(lockPath(), old, old);
    await expect(acquireDeviceLock(dir, 'edge-1', { command: 'x' })).rejects.toThrow(/unreadable and looks stale/);
    expect(await breakDeviceLock(dir, 'edge-1')).toBe('unreadable');
  });

  it('breaks a lock on purpose and returns who held it; a released lock never removes a newer owner', async () => {
    const first = await acquireDeviceLock(dir, 'edge-1', { command: 'first' });
    expect(await breakDeviceLock(dir, 'edge-1')).toMatchObject({ command: 'first', pid: process.pid });
    expect(await breakDeviceLock(dir, 'edge-1')).toBeNull();
    const second = await acquireDeviceLock(dir, 'edge-1', { command: 'second' });
    await first.release();
    expect(await readDeviceLock(dir, 'edge-1')).toMatchObject({ command: 'second' });
    await second.release();
    expect(await readDeviceLock(dir, 'edge-1')).toBeNull();
  });
});

// The git state backend against real git: bare repositories over file:// in temp folders, several working copies
// racing on one branch as several runners would.

import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EMPTY_PREFIXES, prefixesFromStrings } from '../cidr/index.js';
import { TransientError } from '../errors.js';
import { openStateBackend, type StateBackend } from './index.js';
import type { DeviceStatus } from './status-model.js';

/** A bare repository of its own per test (the tests run concurrently), and runners (working copies) on it. */
async function world(onTestFinished: (fn: () => Promise<void>) => void) {
  const tmp = await mkdtemp(join(tmpdir(), 'tscm-gitstate-'));
  onTestFinished(() => rm(tmp, { recursive: true, force: true }));
  const bare = join(tmp, 'state.git');
  git(tmp, 'init', '--quiet', '--bare', bare);
  const warnings: string[] = [];
  const counts = { moved: 0 };
  const log = {
    warn: (m: string) => void warnings.push(m),
    debug: (m: string) => void (m.includes('moved') && counts.moved++),
  };
  const runner = (name: string, extra: { now?: () => Date; ttl?: number; branch?: string } = {}): StateBackend =>
    openStateBackend(
      {
        stateDir: join(tmp, name),
        state: {
          backend: 'git',
          repo: `file://${bare}`,
          branch: extra.branch ?? 'tscm-state',
          lockTtlSeconds: extra.ttl ?? 3600,
        },
      },
      log,
      {
        retry: { attempts: 30, baseDelayMs: 1, maxDelayMs: 20 },
        identity: { hostname: name, pid: 1000 },
        ...(extra.now === undefined ? {} : { now: extra.now }),
      },
    );
  return { tmp, bare, warnings, counts, runner };
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const UPDATE = {
  inventory: {
    groups: [
      { name: 'TSCM-BLOCK', role: 'block' as const, created: true, members: prefixesFromStrings(['10.0.0.0/8']) },
    ],
  },
  zones: [],
  lastApply: { ok: true, planId: 'p1', revision: 'rev-1' },
};

function status(device: string, message = 'applied'): DeviceStatus {
  return {
    formatVersion: 1,
    device,
    ready: true,
    reason: 'Applied',
    message,
    lastAttemptedRevision: 'rev-1',
    lastAppliedRevision: 'rev-1',
    lastAttemptAt: '2026-11-23T01:00:00.000Z',
    lastAppliedAt: '2026-11-23T01:00:00.000Z',
    zones: [],
    entries: [],
    maxEntries: 1000,
    drift: null,
    lastError: null,
    nextRunAt: null,
  };
}

describe.concurrent('git state backend', () => {
  it('creates the branch as an orphan, commits each write as tscm, and a fresh working copy reads it', async ({
    onTestFinished,
  }) => {
    const { tmp, bare, runner } = await world(onTestFinished);
    // The definitions repository itself, with its own history on main: the state branch shares none of it.
    const defs = join(tmp, 'defs');
    git(tmp, 'init', '--quiet', defs);
    git(defs, '-c', 'user.name=a', '-c', 'user.email=a@b', 'commit', '--quiet', '--allow-empty', '-m', 'defs');
    git(defs, 'push', '--quiet', bare, 'HEAD:refs/heads/main');

    const a = runner('a');
    const lock = await a.lock('edge-1', { command: 'tscm apply edge-1' });
    const written = await a.write('edge-1', UPDATE);
    await a.writeStatus('edge-1', status('edge-1'));
    await lock.release();
    expect(written.serial).toBe(1);

    const log = git(bare, 'log', '--format=%an|%s', 'tscm-state');
    expect(log).toContain('tscm|edge-1: state serial 1 (tscm apply edge-1, revision rev-1)');
    expect(log).toContain('edge-1: status Applied');
    expect(git(bare, 'rev-list', '--max-parents=0', 'tscm-state').trim().split('\n')).toHaveLength(1);
    expect(() => git(bare, 'merge-base', 'main', 'tscm-state')).toThrow();
    expect(git(bare, 'ls-tree', '-r', '--name-only', 'tscm-state').trim().split('\n').sort()).toEqual([
      'edge-1/state.json',
      'edge-1/status.json',
    ]);

    const b = runner('b');
    const read = await b.read('edge-1');
    expect(read).toMatchObject({ serial: 1, lineage: written.lineage });
    expect(await b.readStatus('edge-1')).toEqual(status('edge-1'));
    expect(await b.listDevices()).toEqual(['edge-1']);
    expect(await b.readLock('edge-1')).toBeNull();
    // The next write from the other runner continues the lineage.
    expect(await b.write('edge-1', UPDATE)).toMatchObject({ serial: 2, lineage: written.lineage });
  });

  it('a working copy switched to another branch carries none of the first branch into it', async ({
    onTestFinished,
  }) => {
    const { bare, runner } = await world(onTestFinished);
    await runner('a').write('edge-1', UPDATE);
    const other = runner('a', { branch: 'other-state' });
    expect(await other.listDevices()).toEqual([]);
    await other.write('edge-2', UPDATE);
    expect(git(bare, 'ls-tree', '-r', '--name-only', 'other-state')).toBe('edge-2/state.json\n');
    expect(git(bare, 'rev-list', '--count', 'other-state').trim()).toBe('1');
  });

  it('an equal status writes no commit', async ({ onTestFinished }) => {
    const { bare, runner } = await world(onTestFinished);
    const a = runner('a');
    await a.writeStatus('edge-1', status('edge-1'));
    const before = git(bare, 'rev-parse', 'tscm-state');
    await a.writeStatus('edge-1', status('edge-1'));
    expect(git(bare, 'rev-parse', 'tscm-state')).toBe(before);
    await a.writeStatus('edge-1', status('edge-1', 'changed'));
    expect(git(bare, 'rev-parse', 'tscm-state')).not.toBe(before);
  });

  // Many git processes: a wider budget than the default, for a loaded CI machine (no delay is waited on).
  it('two runners writing in parallel lose nothing', { timeout: 90_000 }, async ({ onTestFinished }) => {
    const { counts, runner } = await world(onTestFinished);
    const a = runner('a');
    const b = runner('b');
    const devices = (p: string) => Array.from({ length: 5 }, (_, i) => `${p}-${i}`);
    await Promise.all([a.listDevices(), b.listDevices()]);
    counts.moved = 0;
    await Promise.all([
      ...devices('a').map((d) => a.writeStatus(d, status(d))),
      ...devices('b').map((d) => b.writeStatus(d, status(d))),
      ...devices('a').map((d) => a.write(d, UPDATE)),
      ...devices('b').map((d) => b.write(d, UPDATE)),
    ]);
    // Both working copies were at the same tip: whichever pushed second was rejected and re-applied its changes.
    expect(counts.moved).toBeGreaterThan(0);
    const c = runner('c');
    expect(await c.listDevices()).toEqual([...devices('a'), ...devices('b')].sort());
    for (const d of [...devices('a'), ...devices('b')]) {
      expect(await c.readStatus(d)).toEqual(status(d));
      expect((await c.read(d))?.serial).toBe(1);
    }
  });

  it('two processes sharing one working copy take turns and lose nothing', async ({ onTestFinished }) => {
    const { runner } = await world(onTestFinished);
    // Two backends on one folder stand for two tscm processes on one host (the loop and a `tscm plan`).
    const first = runner('shared');
    const second = runner('shared');
    await first.listDevices();
    const devices = Array.from({ length: 4 }, (_, i) => `edge-${i}`);
    await Promise.all(devices.flatMap((d) => [first.write(d, UPDATE), second.writeStatus(d, status(d))]));
    const check = runner('check');
    expect(await check.listDevices()).toEqual(devices);
    for (const d of devices) {
      expect((await check.read(d))?.serial).toBe(1);
      expect(await check.readStatus(d)).toEqual(status(d));
    }
  });

  it('exactly one of two racing runners takes a lock; release lets the other in', async ({ onTestFinished }) => {
    const { runner } = await world(onTestFinished);
    const a = runner('a');
    const b = runner('b');
    for (let round = 0; round < 2; round++) {
      const results = await Promise.allSettled([
        a.lock('edge-1', { command: 'tscm apply' }),
        b.lock('edge-1', { command: 'tscm apply' }),
      ]);
      const held = results.filter((r) => r.status === 'fulfilled');
      const refused = results.filter((r) => r.status === 'rejected');
      expect(held).toHaveLength(1);
      expect(refused).toHaveLength(1);
      const reason = (refused[0] as PromiseRejectedResult).reason as Error;
      expect(reason).toBeInstanceOf(TransientError);
      const winner = (held[0] as PromiseFulfilledResult<Awaited<ReturnType<StateBackend['lock']>>>).value;
      expect(reason.message).toContain(`locked by pid 1000 on ${winner.owner.hostname}`);
      expect(await runner('c').readLock('edge-1')).toMatchObject({ token: winner.owner.token });
      await winner.release();
    }
    expect(await runner('d').readLock('edge-1')).toBeNull();
  });

  it('an expired lock is taken over with a warning; the old holder notices and does not remove the new lock', async ({
    onTestFinished,
  }) => {
    const { warnings, runner } = await world(onTestFinished);
    const a = runner('a', { ttl: 60 });
    const old = await a.lock('edge-1', { command: 'tscm apply' });
    const later = new Date(Date.parse(old.owner.startedAt) + 2 * 3600_000);
    const b = runner('b', { now: () => later });
    const recovered: string[] = [];
    const taken = await b.lock(
      'edge-1',
      { command: 'tscm reconcile' },
      { onRecovered: (_o, why) => recovered.push(why) },
    );
    expect(recovered).toEqual([expect.stringContaining('expired at')]);
    expect(warnings).toContain('took over the lock of another tscm run');
    await old.renew?.();
    expect(warnings).toContain('the device lock was broken or taken over by another run');
    await old.release();
    expect(await runner('c').readLock('edge-1')).toMatchObject({ token: taken.owner.token, command: 'tscm reconcile' });
    // A live lock (not expired) is not taken over.
    await expect(runner('d').lock('edge-1', { command: 'x' })).rejects.toThrow(/locked by pid 1000 on b/);
    await taken.release();
  });

  it('renew pushes a later expiry; breakLock removes a lock whoever holds it', async ({ onTestFinished }) => {
    const { runner } = await world(onTestFinished);
    let now = new Date('2026-11-23T01:00:00.000Z');
    const a = runner('a', { now: () => now, ttl: 600 });
    const lock = await a.lock('edge-1', { command: 'tscm apply' });
    expect(lock.owner.expiresAt).toBe('2026-11-23T01:10:00.000Z');
    now = new Date('2026-11-23T01:05:00.000Z');
    await lock.renew?.();
    const b = runner('b');
    expect(await b.readLock('edge-1')).toMatchObject({ expiresAt: '2026-11-23T01:15:00.000Z' });
    expect(await b.breakLock('edge-1')).toMatchObject({ token: lock.owner.token });
    expect(await b.breakLock('edge-1')).toBeNull();
    await a.sync?.();
    expect(await a.readLock('edge-1')).toBeNull();
  });

  it('the journal reaches the branch before the window is sent, and clearing it clears it everywhere', async ({
    onTestFinished,
  }) => {
    const { runner } = await world(onTestFinished);
    const a = runner('a');
    const entry = {
      endpoint: '127.0.71.1:22',
      group: 'TSCM-BLOCK',
      role: 'block' as const,
      create: true,
      add: prefixesFromStrings(['192.0.2.0/24']),
    };
    await a.appendJournal('edge-1', [entry]);
    await a.appendJournal('edge-1', [{ ...entry, create: false, add: EMPTY_PREFIXES }]);
    // A runner elsewhere (this one "died" here) reads both entries, once each.
    const b = runner('b');
    expect(await b.readJournal('edge-1')).toHaveLength(2);
    expect(await a.readJournal('edge-1')).toHaveLength(2);
    await b.writeJournal('edge-1', []);
    await a.sync?.();
    // a's local journal still has them (this host's own copy) until a clears it too.
    expect(await runner('c').readJournal('edge-1')).toEqual([]);
    await a.writeJournal('edge-1', []);
    expect(await a.readJournal('edge-1')).toEqual([]);
  });
});

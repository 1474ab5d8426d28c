import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EMPTY_PREFIXES } from '../cidr/index.js';
import { registerSecret } from '../config/secrets.js';
import { ConfigError, TransientError } from '../errors.js';
import { StateStore } from './index.js';
import type { DeviceStatus } from './status-model.js';

const STATUS: DeviceStatus = {
  formatVersion: 1,
  device: 'edge-1',
  ready: false,
  reason: 'Retrying',
  message: 'observe failed: connection refused; retrying in 2 min',
  lastAttemptedRevision: 'abc123',
  lastAppliedRevision: null,
  lastAttemptAt: '2026-11-23T01:00:00.000Z',
  lastAppliedAt: null,
  zones: [{ zone: 'block.rpz', serial: 7 }],
  entries: [{ group: 'TSCM-BLOCK', role: 'block', count: 12 }],
  maxEntries: 1000,
  drift: { checkedAt: '2026-11-23T00:00:00.000Z', found: 0, healed: false },
  lastError: {
    step: 'observe',
    kind: 'transient',
    message: 'connection refused',
    at: '2026-11-23T01:00:00.000Z',
    attempts: 2,
  },
  nextRunAt: '2026-11-23T01:02:00.000Z',
};

let dir: string;
let store: StateStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tscm-status-'));
  store = new StateStore(dir);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('status in the local backend', () => {
  it('round-trips a status and reads null when none was written', async () => {
    expect(await store.readStatus('edge-1')).toBeNull();
    await store.writeStatus('edge-1', STATUS);
    expect(await store.readStatus('edge-1')).toEqual(STATUS);
    const next = { ...STATUS, ready: true, reason: 'Applied' as const, lastError: null, drift: null };
    await store.writeStatus('edge-1', next);
    expect(await store.readStatus('edge-1')).toEqual(next);
  });

  it('writes nothing when the status is equal to the stored one', async () => {
    await store.writeStatus('edge-1', STATUS);
    const file = join(dir, 'edge-1', 'status.json');
    const before = await stat(file);
    // Same content, other key order and object identity: still equal.
    await store.writeStatus('edge-1', JSON.parse(JSON.stringify({ ...STATUS, zones: [...STATUS.zones] })));
    const after = await stat(file);
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    await store.writeStatus('edge-1', { ...STATUS, message: 'other' });
    expect((await stat(file)).ino).not.toBe(before.ino);
  });

  it('refuses a damaged status file, naming it', async () => {
    await mkdir(join(dir, 'edge-1'));
    const file = join(dir, 'edge-1', 'status.json');
    await writeFile(file, '{"formatVersion":1,');
    await expect(store.readStatus('edge-1')).rejects.toThrow(ConfigError);
    await expect(store.readStatus('edge-1')).rejects.toThrow(file);
    await writeFile(file, JSON.stringify({ ...STATUS, reason: 'Sleeping' }));
    await expect(store.readStatus('edge-1')).rejects.toThrow(/status\.schema\.json.*reason/);
  });

  it('lists the devices with a state or a status, not locks, journals or the zone cache', async () => {
    expect(await store.listDevices()).toEqual([]);
    await store.writeStatus('edge-2', { ...STATUS, device: 'edge-2' });
    await store.write('edge-1', { inventory: { groups: [] }, zones: [], lastApply: null });
    const lock = await store.lock('edge-3', { command: 'tscm apply' });
    await store.appendJournal('edge-4', [
      { endpoint: 'h:22', group: 'G', role: 'block', create: false, add: EMPTY_PREFIXES },
    ]);
    await mkdir(join(dir, 'zones'));
    await writeFile(join(dir, 'zones', 'x.json'), '{}');
    expect(await store.listDevices()).toEqual(['edge-1', 'edge-2']);
    await lock.release();
  });
});

describe('lock through the store', () => {
  it('takes, reports, refuses a second taker, and breaks a lock', async () => {
    const lock = await store.lock('edge-1', { command: 'tscm apply' });
    expect(await store.readLock('edge-1')).toMatchObject({ pid: process.pid, command: 'tscm apply' });
    await expect(store.lock('edge-1', { command: 'tscm plan' })).rejects.toThrow(TransientError);
    const broken = await store.breakLock('edge-1');
    expect(broken).toMatchObject({ token: lock.owner.token });
    expect(await store.readLock('edge-1')).toBeNull();
    expect(await store.breakLock('edge-1')).toBeNull();
    await lock.release();
    expect(await store.readLock('edge-1')).toBeNull();
  });
});

describe('status messages', () => {
  it('never store a registered secret', async () => {
    registerSecret('s3cr3t-value-91');
    await store.writeStatus('edge-1', {
      ...STATUS,
      message: 'login with s3cr3t-value-91 failed',
      lastError: { ...STATUS.lastError!, message: 'bad s3cr3t-value-91' },
    });
    const text = await readFile(join(dir, 'edge-1', 'status.json'), 'utf8');
    expect(text).not.toContain('s3cr3t-value-91');
    expect((await store.readStatus('edge-1'))?.message).toBe('login with *** failed');
  });
});

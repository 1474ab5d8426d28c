// tscm state list | show | pull | push and tscm unlock, through the built CLI, on the local backend and on the git
// backend (a bare repository over file://).

import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prefixesFromStrings } from '../../src/cidr/index.js';
import type { Plan } from '../../src/plan/model.js';
import { openStateBackend, StateStore, type DeviceStateUpdate } from '../../src/state/index.js';
import type { DeviceStatus } from '../../src/state/status-model.js';
import { runTscm } from '../helpers/cli.js';

const UPDATE: DeviceStateUpdate = {
  inventory: {
    groups: [
      {
        name: 'TSCM-BLOCK',
        role: 'block',
        created: true,
        members: prefixesFromStrings(['192.0.2.0/24', '198.51.100.7/32', '2001:db8::/32']),
      },
      { name: 'TSCM-ALLOW', role: 'allow', created: false, members: prefixesFromStrings(['203.0.113.5/32']) },
    ],
  },
  zones: [{ kind: 'zone', zone: 'block.rpz', server: '127.0.71.9:5353', serial: 42, sha256: 'ab'.repeat(32) }],
  lastApply: { ok: true, planId: 'p-1', summary: { add: 4, remove: 0, create: 1, delete: 0 }, revision: 'c0ffee' },
  appliedAt: '2026-11-23T01:00:00.000Z',
};

const STATUS: DeviceStatus = {
  formatVersion: 1,
  device: 'edge-1',
  ready: false,
  reason: 'Retrying',
  message: 'observe failed; retrying in 2 min',
  lastAttemptedRevision: 'c0ffee',
  lastAppliedRevision: 'c0ffee',
  lastAttemptAt: '2026-11-23T02:00:00.000Z',
  lastAppliedAt: '2026-11-23T01:00:00.000Z',
  zones: [{ zone: 'block.rpz', serial: 42 }],
  entries: [{ group: 'TSCM-BLOCK', role: 'block', count: 3 }],
  maxEntries: 5000,
  drift: null,
  lastError: {
    step: 'observe',
    kind: 'transient',
    message: 'connection refused',
    at: '2026-11-23T02:00:00.000Z',
    attempts: 1,
  },
  nextRunAt: '2026-11-23T02:02:00.000Z',
};

const PLAN: Plan = {
  formatVersion: 1,
  createdAt: '2026-11-23T00:59:00.000Z',
  gitRevision: 'c0ffee',
  devices: [
    {
      device: 'edge-1',
      platform: 'ios',
      groups: [],
      summary: { add: 0, remove: 0, create: 0, delete: 0 },
      warnings: [],
      refusals: [],
      inputs: { zones: [], observedFingerprint: 'f'.repeat(64), state: null, adopt: false },
    },
  ],
};

let tmp: string;
let local: string;
let remote: string;
let bare: string;

async function definitions(dir: string, settings: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'tscm.yaml'), settings);
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'tscm-state-cli-'));
  local = path.join(tmp, 'local');
  remote = path.join(tmp, 'remote');
  bare = path.join(tmp, 'state.git');
  execFileSync('git', ['init', '--quiet', '--bare', bare]);
  await definitions(local, 'drift: heal\n');
  await definitions(remote, `state: { backend: git, repo: "file://${bare}" }\n`);
  const store = new StateStore(path.join(local, '.tscm'));
  await store.write('edge-1', UPDATE);
  await store.writeStatus('edge-1', STATUS);
  await store.appendPlanHistory('edge-1', PLAN, new Date('2026-11-23T00:59:00.000Z'));
  await store.write('edge-2', {
    ...UPDATE,
    lastApply: { ok: false, planId: 'p-2', message: 'stopped', revision: null },
  });
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const tscm = (...args: string[]) => runTscm(args);

describe('tscm state list and show', () => {
  it('lists the devices with serial, members, last apply and status', async () => {
    const r = await tscm('state', 'list', '--dir', local);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`State in ${path.join(local, '.tscm')}:`);
    expect(r.stdout).toMatch(/^edge-1 +1 +4 +2026-11-23T01:00:00.000Z ok \+4 -0 \(revision c0ffee\) +Retrying +-$/m);
    expect(r.stdout).toMatch(/^edge-2 +1 +4 +2026-11-23T01:00:00.000Z failed: stopped \(revision -\) +- +-$/m);
    const json = JSON.parse((await tscm('state', 'list', '--dir', local, '--json')).stdout);
    expect(json.devices.map((d: { device: string; serial: number }) => [d.device, d.serial])).toEqual([
      ['edge-1', 1],
      ['edge-2', 1],
    ]);
  });

  it('shows what tscm owns, lineage, zones, last apply, status and plan history; members on request', async () => {
    const r = await tscm('state', 'show', 'edge-1', '--dir', local);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/lineage [0-9a-f-]{36}, serial 1, written 2026-11-23T01:00:00.000Z/);
    expect(r.stdout).toContain('TSCM-BLOCK (block, created by tscm): 3 member(s)');
    expect(r.stdout).toContain('TSCM-ALLOW (allow, not created by tscm): 1 member(s)');
    expect(r.stdout).toContain('block.rpz from 127.0.71.9:5353: serial 42');
    expect(r.stdout).toContain('status: Retrying (not ready): observe failed; retrying in 2 min');
    expect(r.stdout).toContain('last error at observe (transient, 1 attempt(s))');
    expect(r.stdout).toContain('lock: not locked');
    expect(r.stdout).toContain('2026-11-23T00:59:00.000Z  against serial 0');
    expect(r.stdout).not.toContain('198.51.100.7');
    const members = await tscm('state', 'show', 'edge-1', '--dir', local, '--members');
    expect(members.stdout).toContain('      198.51.100.7/32\n');
    const json = JSON.parse((await tscm('state', 'show', 'edge-1', '--dir', local, '--json', '--members')).stdout);
    expect(json).toMatchObject({ serial: 1, status: STATUS, lock: null, history: [{ serial: 0 }] });
    expect(json.groups[0]).toEqual({
      name: 'TSCM-BLOCK',
      role: 'block',
      created: true,
      count: 3,
      members: ['192.0.2.0/24', '198.51.100.7/32', '2001:db8::/32'],
    });
  });

  it('a device without state is an error naming the devices there; a broken tscm.yaml names itself', async () => {
    const r = await tscm('state', 'show', 'edge-9', '--dir', local);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('holds nothing for edge-9');
    expect(r.stderr).toContain('edge-1, edge-2');
    const broken = path.join(tmp, 'broken');
    await definitions(broken, 'state: { backend: git }\n');
    const b = await tscm('state', 'list', '--dir', broken);
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/tscm\.yaml has \d+ problem\(s\), so the state backend is unknown/);
  });
});

describe('tscm state push and pull', () => {
  it('pushes a local folder to the git backend, keeping lineage and serial, in one commit', async () => {
    const r = await tscm('state', 'push', '--from-dir', path.join(local, '.tscm'), '--dir', remote);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Copied 2 device(s)');
    const mine = await new StateStore(path.join(local, '.tscm')).read('edge-1');
    const shown = JSON.parse((await tscm('state', 'show', 'edge-1', '--dir', remote, '--json')).stdout);
    expect(shown).toMatchObject({ lineage: mine!.lineage, serial: 1, status: STATUS, history: [{ serial: 0 }] });
    const log = execFileSync('git', ['-C', bare, 'log', '--format=%B', 'tscm-state'], { encoding: 'utf8' });
    expect(log).toContain('tscm: 2 changes (edge-1, edge-2)');
    expect(log).toContain(`- edge-1: imported state serial 1 from ${path.join(local, '.tscm')} (tscm state push)`);
  });

  it('refuses to overwrite a newer serial or another lineage unless --force', async () => {
    const copy = path.join(tmp, 'copy');
    const pulled = await tscm('state', 'pull', '--to-dir', copy, '--dir', remote);
    expect(pulled.code, pulled.stderr).toBe(0);
    const store = new StateStore(copy);
    await store.write('edge-1', UPDATE); // serial 2 in the copy: newer than the backend's
    const refused = await tscm('state', 'pull', '--to-dir', copy, '--dir', remote);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('edge-1: the target is newer (serial 2 > 1)');
    expect((await store.read('edge-1'))?.serial).toBe(2);
    const forced = await tscm('state', 'pull', '--to-dir', copy, '--dir', remote, '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect((await store.read('edge-1'))?.serial).toBe(1);

    const other = path.join(tmp, 'other');
    await new StateStore(other).write('edge-1', UPDATE); // a fresh lineage
    const crossed = await tscm('state', 'push', '--from-dir', other, '--dir', remote);
    expect(crossed.code).toBe(1);
    expect(crossed.stderr).toMatch(/edge-1: the target holds another lineage/);
  });
});

describe('tscm unlock on the git backend', () => {
  it("removes another runner's lock by a pushed commit", async () => {
    const runner = openStateBackend(
      {
        stateDir: path.join(tmp, 'runner'),
        state: { backend: 'git', repo: `file://${bare}`, branch: 'tscm-state', lockTtlSeconds: 600 },
      },
      { warn: () => undefined, debug: () => undefined },
      { identity: { hostname: 'runner-x', pid: 4242 } },
    );
    await runner.lock('edge-1', { command: 'tscm reconcile' });
    const listed = await tscm('state', 'list', '--dir', remote);
    expect(listed.stdout).toMatch(/^edge-1 .*tscm reconcile on runner-x \(pid 4242\)$/m);
    const r = await tscm('unlock', 'edge-1', '--dir', remote);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^Removed the lock of edge-1 held by pid 4242 on runner-x since .* \(tscm reconcile\)\.$/m,
    );
    await runner.sync?.();
    expect(await runner.readLock('edge-1')).toBeNull();
    expect((await tscm('unlock', 'edge-1', '--dir', remote)).stdout).toBe('edge-1 was not locked.\n');
  });
});

import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EMPTY_PREFIXES, prefixesFromStrings, prefixesToStrings } from '../cidr/index.js';
import { ConfigError } from '../errors.js';
import type { Plan } from '../plan/model.js';
import { readPlanFile, serializePlan } from '../plan/plan-file.js';
import { inventoryFromState, StateStore } from './index.js';
import type { DeviceStateUpdate } from './model.js';

const UPDATE: DeviceStateUpdate = {
  inventory: {
    groups: [
      {
        name: 'TSCM-BLOCK',
        role: 'block',
        created: true,
        members: prefixesFromStrings(['10.0.0.0/8', '2001:db8::/32']),
      },
      { name: 'TSCM-ALLOW', role: 'allow', created: false, members: EMPTY_PREFIXES },
    ],
  },
  zones: [{ kind: 'zone', zone: 'block.rpz', server: '127.0.0.1:53', serial: 7, sha256: 'a'.repeat(64) }],
  lastApply: {
    ok: true,
    planId: '0123456789abcdef',
    summary: { add: 1, remove: 0, create: 0, delete: 0 },
    revision: 'r1',
  },
  appliedAt: '2026-11-23T01:00:00.000Z',
};

function planFor(device: string, serial: number): Plan {
  return {
    formatVersion: 1,
    createdAt: '2026-11-23T01:00:00.000Z',
    gitRevision: null,
    devices: [
      {
        device,
        platform: 'ios',
        groups: [],
        summary: { add: 0, remove: 0, create: 0, delete: 0 },
        warnings: [],
        refusals: [],
        inputs: { zones: [], observedFingerprint: 'f'.repeat(64), state: { lineage: 'x', serial }, adopt: false },
      },
      {
        device: 'other',
        platform: 'asa',
        groups: [],
        summary: { add: 0, remove: 0, create: 0, delete: 0 },
        warnings: [],
        refusals: [],
        inputs: { zones: [], observedFingerprint: 'f'.repeat(64), state: null, adopt: false },
      },
    ],
  };
}

let dir: string;
let store: StateStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tscm-state-'));
  store = new StateStore(dir);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('StateStore', () => {
  it('reads null for a device it never wrote, and an empty inventory from it', async () => {
    expect(await store.read('edge-1')).toBeNull();
    expect(inventoryFromState(null)).toEqual({ groups: [] });
  });

  it('fixes the lineage at the first write and bumps the serial on every write', async () => {
    const first = await store.write('edge-1', UPDATE);
    expect(first.serial).toBe(1);
    expect(first.lineage).toMatch(/^[0-9a-f-]{36}$/);
    const second = await store.write('edge-1', { ...UPDATE, lastApply: null });
    expect(second.serial).toBe(2);
    expect(second.lineage).toBe(first.lineage);
    const back = await store.read('edge-1');
    expect(back).not.toBeNull();
    expect({ ...back!, inventory: null }).toEqual({ ...second, inventory: null });
    expect(prefixesToStrings(inventoryFromState(back).groups[0]!.members)).toEqual(['10.0.0.0/8', '2001:db8::/32']);
    expect(await readdir(join(dir, 'edge-1'))).toEqual(['state.json']);
    const other = await store.write('edge-2', UPDATE);
    expect(other.lineage).not.toBe(first.lineage);
  });

  it('stamps the write time when none is given', async () => {
    const s = await store.write('edge-1', { ...UPDATE, appliedAt: undefined });
    expect(Date.parse(s.appliedAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('reports a damaged state file as a ConfigError naming the file, never as "no state"', async () => {
    await store.write('edge-1', UPDATE);
    const file = join(dir, 'edge-1', 'state.json');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.slice(0, text.length / 2));
    await expect(store.read('edge-1')).rejects.toThrow(ConfigError);
    await expect(store.read('edge-1')).rejects.toThrow(new RegExp(`state file ${file} is not valid JSON`));
    const doc = JSON.parse(text);
    doc.serial = 0;
    delete doc.lineage;
    await writeFile(file, JSON.stringify(doc));
    await expect(store.read('edge-1')).rejects.toThrow(
      /does not match state.schema.json: \(root\) must have required property 'lineage'; \/serial must be >= 1/,
    );
    await expect(store.write('edge-1', UPDATE)).rejects.toThrow(ConfigError);
    doc.lineage = '3f1c2a9e-6b7d-4e8f-9a0b-1c2d3e4f5a6b';
    doc.serial = 3;
    doc.formatVersion = 9;
    await writeFile(file, JSON.stringify(doc));
    await expect(store.read('edge-1')).rejects.toThrow(/formatVersion 9, newer than this tscm/);
  });

  it('writes only the fields its schema knows, so an extra field from a caller never makes the state unreadable', async () => {
    const zones = [{ ...UPDATE.zones[0]!, fromCache: true }] as unknown as DeviceStateUpdate['zones'];
    const lastApply = { ok: false, planId: 'p', message: 'device said no', revision: null, extra: 1 };
    await store.write('edge-1', { ...UPDATE, zones, lastApply });
    const back = await store.read('edge-1');
    expect(back!.zones).toEqual(UPDATE.zones);
    expect(back!.lastApply).toEqual({ ok: false, planId: 'p', message: 'device said no', revision: null });
  });

  it('refuses device names that would escape the state folder', async () => {
    await expect(store.read('../etc')).rejects.toThrow(/cannot be used as a state folder name/);
    await expect(store.write('a/b', UPDATE)).rejects.toThrow(ConfigError);
  });

  it('keeps the device part of each plan in its history, the last N, oldest first', async () => {
    const small = new StateStore(dir, 3);
    const t0 = Date.parse('2026-11-23T01:00:00.000Z');
    const paths: string[] = [];
    for (let i = 0; i < 5; i++)
      paths.push(await small.appendPlanHistory('edge-1', planFor('edge-1', i), new Date(t0 + i * 1000)));
    // Two plans in the same millisecond do not overwrite each other.
    paths.push(await small.appendPlanHistory('edge-1', planFor('edge-1', 5), new Date(t0 + 4000)));
    const list = await small.listPlanHistory('edge-1');
    expect(list.map((e) => e.file)).toEqual([
      '20261123T010003000Z-3.json.gz',
      '20261123T010004000Z-4.json.gz',
      '20261123T010004000Z-5.json.gz',
    ]);
    expect(list[0]!.recordedAt).toBe('2026-11-23T01:00:03.000Z');
    expect(list.map((e) => e.serial)).toEqual([3, 4, 5]);
    const plan = await readPlanFile(list[2]!.path);
    expect(plan.devices.map((d) => d.device)).toEqual(['edge-1']);
    // gzip of the plan file text: an operator reads it with zcat.
    expect(gunzipSync(await readFile(list[2]!.path)).toString()).toBe(serializePlan(plan));
    expect(await small.listPlanHistory('edge-9')).toEqual([]);
  });

  it('keeps the member lists in the history, and format 1 history files are still listed, read and pruned', async () => {
    const small = new StateStore(dir, 2);
    const plans = join(dir, 'edge-1', 'plans');
    await mkdir(plans, { recursive: true });
    const v1 = await readFile(new URL('../plan/testdata/plan-v1.json', import.meta.url));
    await writeFile(join(plans, '20261123T000000000Z-4.json'), v1);
    const [old] = await small.listPlanHistory('edge-1');
    expect((await readPlanFile(old!.path)).devices[0]!.groups[0]!.add.v4.len.length).toBe(1);
    const plan = planFor('edge-1', 1);
    const big = {
      ...plan.devices[0]!,
      groups: [
        {
          name: 'TSCM-BLOCK',
          role: 'block' as const,
          action: 'update' as const,
          add: prefixesFromStrings(['192.0.2.0/24', '2001:db8::/48']),
          remove: prefixesFromStrings(['198.51.100.7/32']),
          unmanaged: 0,
          alreadyPresent: 0,
          before: 1,
          after: 2,
        },
      ],
    };
    const t0 = Date.parse('2026-11-23T01:00:00.000Z');
    const first = await small.appendPlanHistory('edge-1', { ...plan, devices: [big] }, new Date(t0));
    const back = await readPlanFile(first);
    expect(prefixesToStrings(back.devices[0]!.groups[0]!.add)).toEqual(['192.0.2.0/24', '2001:db8::/48']);
    await small.appendPlanHistory('edge-1', plan, new Date(t0 + 1000));
    expect((await readdir(plans)).sort()).toEqual(['20261123T010000000Z-1.json.gz', '20261123T010001000Z-1.json.gz']);
  });

  it('prunes the oldest plans once the history passes its byte budget, always keeping the newest', async () => {
    const t0 = Date.parse('2026-11-23T01:00:00.000Z');
    const probe = await new StateStore(dir).appendPlanHistory('edge-9', planFor('edge-9', 0), new Date(t0));
    const size = (await stat(probe)).size;
    const budget = new StateStore(dir, 20, size * 3.5);
    for (let i = 0; i < 5; i++) await budget.appendPlanHistory('edge-1', planFor('edge-1', i), new Date(t0 + i * 1000));
    expect((await budget.listPlanHistory('edge-1')).map((e) => e.serial)).toEqual([2, 3, 4]);
    const tiny = new StateStore(dir, 20, 1);
    await tiny.appendPlanHistory('edge-1', planFor('edge-1', 9), new Date(t0 + 9000));
    expect((await tiny.listPlanHistory('edge-1')).map((e) => e.serial)).toEqual([9]);
  });

  it('ignores foreign files in the history folder', async () => {
    await mkdir(join(dir, 'edge-1', 'plans'), { recursive: true });
    await writeFile(join(dir, 'edge-1', 'plans', 'notes.txt'), 'x');
    await store.appendPlanHistory('edge-1', planFor('edge-1', 1));
    expect((await store.listPlanHistory('edge-1')).length).toBe(1);
    expect(await readdir(join(dir, 'edge-1', 'plans'))).toContain('notes.txt');
  });
});

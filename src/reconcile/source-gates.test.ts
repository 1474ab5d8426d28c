// The gates through the resolve step, on list files (real files, a real state store; no DNS needed here: the e2e
// test runs the zone gates against NSD): hold, force once, fail and go stale, and a saved plan's decisions kept.

import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { prefixesToStrings } from '../cidr/index.js';
import { loadDefinitions } from '../config/index.js';
import { ZoneResolver } from '../policy/index.js';
import { StateStore, type DeviceState, type LastApplyRecord } from '../state/index.js';
import { readSourceHealth } from '../state/source-health.js';
import { resolveDevicePolicy, type ResolvedPolicy } from './resolve-policy.js';
import { sourcesRecord } from './source-gates.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const T0 = Date.parse('2026-11-30T00:00:00.000Z');

/** Every other address of 10.<block>.0.0/16, `n` of them (never aggregated). */
function hosts(block: number, n: number): string[] {
  return Array.from({ length: n }, (_, k) => `10.${block}.${Math.floor((2 * k) / 256)}.${(2 * k) % 256}`);
}

async function setup() {
  const dir = await mkdtemp(path.join(tmpdir(), 'tscm-gates-'));
  dirs.push(dir);
  const listFile = path.join(dir, 'block.txt');
  await writeFile(listFile, hosts(0, 100).join('\n') + '\n');
  await writeFile(
    path.join(dir, 'd.yaml'),
    'name: d1\nplatform: ios\ndeviceId: tdid_1\nmanagement: { host: 192.0.2.1 }\n' +
      'credentials: { username: { env: U }, password: { env: P } }\n' +
      'policy: { blockList: [{ file: block.txt, staleAfter: 1h }] }\n',
  );
  const stateDir = path.join(dir, '.tscm');
  const defs = await loadDefinitions(dir, { defaultStateDir: stateDir });
  expect(defs.diagnostics).toEqual([]);
  const spec = defs.devices[0]!;
  const store = new StateStore(stateDir);
  const warned: { msg: string; fields: Record<string, unknown> | undefined }[] = [];
  const log = {
    warn: (msg: string, fields?: Record<string, unknown>) => warned.push({ msg, fields }),
    info() {},
    debug() {},
    error() {},
  };
  let now = T0;
  const resolve = (state: DeviceState | null, opts: { force?: boolean; planned?: ResolvedPolicy } = {}) =>
    resolveDevicePolicy(
      // A fresh resolver per run, as each CLI run has.
      { resolver: new ZoneResolver({ log }), stateDir, settings: defs.settings, log, now: () => new Date(now) },
      spec,
      {
        state,
        force: opts.force ?? false,
        ...(opts.planned ? { planned: opts.planned.desired.report!.sources } : {}),
      },
    );
  /** What an apply of `policy` records (the inventory does not matter to the gates). */
  const record = async (policy: ResolvedPolicy, state: DeviceState | null, ok = true): Promise<DeviceState> => {
    const lastApply: LastApplyRecord = ok
      ? { ok, planId: `plan-${now}`, revision: null }
      : { ok, planId: `plan-${now}`, revision: null, message: 'stopped' };
    const at = new Date(now).toISOString();
    return store.write(spec.name, {
      inventory: { groups: [] },
      zones: policy.pins,
      lastApply,
      ...sourcesRecord(policy.gated!, state, lastApply, at),
    });
  };
  return {
    spec,
    stateDir,
    listFile,
    resolve,
    record,
    tick: (ms: number) => (now += ms),
    store,
    warned,
  };
}

const blockOf = (p: ResolvedPolicy): string[] => prefixesToStrings(p.desired.groups[0]!.members);
const sourceOf = (p: ResolvedPolicy) => p.desired.report!.sources[0]!;

describe('the integrity gates, through the resolve step', () => {
  it('holds a shrunken list at the set last applied, --force lets it through once and is recorded', async () => {
    const g = await setup();
    const first = await g.resolve(null);
    expect(sourceOf(first).status).toBe('fresh');
    const s1 = await g.record(first, null);
    expect(s1.sources![0]).toMatchObject({ role: 'block', source: g.listFile, serial: null, records: 100 });

    await writeFile(g.listFile, hosts(0, 30).join('\n') + '\n');
    const held = await g.resolve(s1);
    expect(sourceOf(held)).toMatchObject({
      status: 'held',
      gate: { gate: 'shrink', detail: 'shrank from 100 to 30 entries: 70% > maxShrink 50%' },
      records: 100,
    });
    expect(blockOf(held)).toHaveLength(100);
    expect(held.desired.notes).toEqual([
      `d1: block list source ${g.listFile} held at the set last applied (100 entries): the shrink gate refused the new version (shrank from 100 to 30 entries: 70% > maxShrink 50%); check the source, or accept this version once with \`tscm apply d1 --force\``,
    ]);
    // The plan pins the version it saw: apply refuses the plan when the list moves again.
    expect(held.pins).toHaveLength(1);
    expect(held.pins[0]).not.toEqual(first.pins[0]);
    // Applied holding: the last good set stays the one to compare against.
    const s2 = await g.record(held, s1);
    expect(s2.sources).toEqual(s1.sources);
    expect(s2.overrides).toEqual([]);

    const forced = await g.resolve(s2, { force: true });
    expect(sourceOf(forced)).toMatchObject({ status: 'forced', gate: { gate: 'shrink' }, records: 30 });
    expect(blockOf(forced)).toHaveLength(30);
    expect(forced.desired.notes![0]).toMatch(/the shrink gate is overridden by --force \(shrank from 100 to 30/);
    // A failed apply records neither the version nor the override: the gate refuses it again next run.
    const failed = await g.record(forced, s2, false);
    expect(failed.sources).toEqual(s1.sources);
    expect(failed.overrides).toEqual([]);
    const s3 = await g.record(forced, failed);
    expect(s3.overrides).toEqual([
      {
        at: new Date(T0).toISOString(),
        planId: `plan-${T0}`,
        role: 'block',
        source: g.listFile,
        gate: 'shrink',
        detail: 'shrank from 100 to 30 entries: 70% > maxShrink 50%',
      },
    ]);
    // Once: the next run compares against the version forced through.
    const after = await g.resolve(s3);
    expect(sourceOf(after).status).toBe('fresh');
    expect(after.desired.notes).toBeUndefined();
  });

  it('a saved plan that held a source is applied holding, even with --force', async () => {
    const g = await setup();
    const s1 = await g.record(await g.resolve(null), null);
    await writeFile(g.listFile, hosts(1, 100).join('\n') + '\n');
    const planned = await g.resolve(s1);
    expect(sourceOf(planned)).toMatchObject({ status: 'held', gate: { gate: 'churn' } });
    const applied = await g.resolve(s1, { force: true, planned });
    expect(sourceOf(applied).status).toBe('held');
    expect(blockOf(applied)).toEqual(blockOf(planned));
    expect(applied.pins).toEqual(planned.pins);
    // A plan shown with --force (tscm apply DEVICE --force) is applied forced.
    const shown = await g.resolve(s1, { force: true });
    expect(sourceOf(await g.resolve(s1, { force: true, planned: shown })).status).toBe('forced');
  });

  it('a failing source holds its last good set, says since when, and warns on every run once stale', async () => {
    const g = await setup();
    const s1 = await g.record(await g.resolve(null), null);
    await unlink(g.listFile);
    const failing = await g.resolve(s1);
    expect(sourceOf(failing)).toMatchObject({
      status: 'held',
      gate: { gate: 'failed' },
      failingSince: new Date(T0).toISOString(),
      stale: false,
    });
    expect(blockOf(failing)).toHaveLength(100);
    expect(failing.pins).toEqual([]);
    expect(failing.desired.notes![0]).toMatch(
      new RegExp(
        `^d1: block list source ${g.listFile} failed: held at the set last applied \\(100 entries\\) since 2026-11-30T00:00:00.000Z; `,
      ),
    );
    expect(await readSourceHealth(g.stateDir, 'd1')).toEqual([
      { role: 'block', source: g.listFile, failingSince: new Date(T0).toISOString() },
    ]);
    for (const hours of [2, 3]) {
      g.tick(hours === 2 ? 2 * 3_600_000 : 3_600_000);
      const stale = await g.resolve(s1);
      expect(sourceOf(stale)).toMatchObject({ status: 'held', stale: true, failingSince: new Date(T0).toISOString() });
      // Logged on every run too (the loop prints no plan).
      expect(g.warned.pop()).toEqual({
        msg: 'policy source held at its last good set',
        fields: expect.objectContaining({ device: 'd1', source: g.listFile, gate: 'failed', stale: true }),
      });
      expect(stale.desired.notes![0]).toContain(
        `has been failing since 2026-11-30T00:00:00.000Z (${hours}h, longer than staleAfter 1h): the device still enforces the set last applied (100 entries); fix the source or take it out of the definitions`,
      );
    }
    // Back: fresh again, and the failure is forgotten.
    await writeFile(g.listFile, hosts(0, 100).join('\n') + '\n');
    expect(sourceOf(await g.resolve(s1)).status).toBe('fresh');
    expect(await readSourceHealth(g.stateDir, 'd1')).toEqual([]);
  });

  it('without a set applied to hold, a failing source stops the device with its own error', async () => {
    const g = await setup();
    await unlink(g.listFile);
    await expect(g.resolve(null)).rejects.toThrow(/block\.txt/);
    // Its failure is counted from this first run.
    expect((await readSourceHealth(g.stateDir, 'd1')).map((h) => h.failingSince)).toEqual([new Date(T0).toISOString()]);
  });
});

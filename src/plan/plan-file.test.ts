import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prefixesToStrings } from '../cidr/index.js';
import { ConfigError, InternalError } from '../errors.js';
import {
  parsePlan,
  planIdOf,
  readPlanFile,
  serializePlan,
  upgradePlanDocument,
  writePlanFile,
  type PlanUpgrade,
} from './plan-file.js';

const FIXTURE = new URL('./testdata/plan-v1.json', import.meta.url);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tscm-planfile-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('plan file', () => {
  it('round-trips the version 1 fixture byte for byte', async () => {
    const text = await readFile(FIXTURE, 'utf8');
    const plan = parsePlan(text, 'fixture');
    expect(plan.devices[0]!.groups[1]!.add.v6.len.length).toBe(1);
    expect(prefixesToStrings(plan.devices[0]!.groups[0]!.add)).toEqual(['198.51.100.0/24', '2001:db8::/48']);
    expect(serializePlan(plan)).toBe(text);
  });

  it('writes atomically and reads back the same plan', async () => {
    const plan = parsePlan(await readFile(FIXTURE, 'utf8'));
    const path = join(dir, 'plan.json');
    await writePlanFile(path, plan);
    expect(await readdir(dir)).toEqual(['plan.json']);
    const back = await readPlanFile(path);
    expect(serializePlan(back)).toBe(serializePlan(plan));
    expect(planIdOf(back)).toMatch(/^[0-9a-f]{16}$/);
    expect(planIdOf(back)).toBe(planIdOf(plan));
  });

  it('rejects schema violations with every problem and its path', async () => {
    const doc = JSON.parse(await readFile(FIXTURE, 'utf8'));
    doc.devices[0].groups[0].action = 'replace';
    doc.devices[0].groups[0].add.push('not-a-cidr');
    doc.devices[0].surprise = true;
    const err = catchError(() => parsePlan(JSON.stringify(doc), 'plan.json'));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toMatch(/^plan.json does not match plan.schema.json/);
    expect(err.message).toContain('/devices/0/groups/0/action');
    expect(err.message).toContain('/devices/0/groups/0/add/2');
    expect(err.message).toContain("'surprise'");
  });

  it('rejects a member the schema lets through but the CIDR parser does not', async () => {
    const doc = JSON.parse(await readFile(FIXTURE, 'utf8'));
    doc.devices[0].groups[0].remove = ['300.1.2.3/32'];
    expect(() => parsePlan(JSON.stringify(doc), 'plan.json')).toThrow(/groups\[0\]\.remove: invalid prefix/);
  });

  it('refuses unknown and missing format versions and broken JSON', () => {
    expect(() => parsePlan('{"formatVersion": 2}', 'p.json')).toThrow(
      /formatVersion 2, newer than this tscm understands \(1\)/,
    );
    expect(() => parsePlan('{"devices": []}', 'p.json')).toThrow(/no valid formatVersion/);
    expect(() => parsePlan('[1]', 'p.json')).toThrow(/not a tscm plan/);
    expect(() => parsePlan('{', 'p.json')).toThrow(/p.json is not valid JSON/);
  });

  it('names the file when it cannot be read', async () => {
    await expect(readPlanFile(join(dir, 'missing.json'))).rejects.toThrow(/cannot read plan file .*missing.json/);
    await writeFile(join(dir, 'bad.json'), '{"formatVersion": 1}');
    await expect(readPlanFile(join(dir, 'bad.json'))).rejects.toThrow(/plan file .*bad.json does not match/);
  });

  it('upgrades old documents through the hook chain, one version at a time', () => {
    const seen: number[] = [];
    const upgrades = new Map<number, PlanUpgrade>([
      [1, (d) => (seen.push(1), { ...d, formatVersion: 2, renamed: d['old'] })],
      [2, (d) => (seen.push(2), { ...d, formatVersion: 3 })],
    ]);
    const out = upgradePlanDocument({ formatVersion: 1, old: 'x' }, 'p', upgrades, 3);
    expect(out).toEqual({ formatVersion: 3, old: 'x', renamed: 'x' });
    expect(seen).toEqual([1, 2]);
    expect(() => upgradePlanDocument({ formatVersion: 1 }, 'p', new Map(), 2)).toThrow(/can no longer read/);
    const broken = new Map<number, PlanUpgrade>([[1, (d) => d]]);
    expect(() => upgradePlanDocument({ formatVersion: 1 }, 'p', broken, 2)).toThrow(InternalError);
  });
});

function catchError(f: () => unknown): Error {
  try {
    f();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { PrefixListBuilder, prefixesToStrings } from '../cidr/index.js';
import { ConfigError, InternalError } from '../errors.js';
import {
  encodePlan,
  parsePlan,
  PLAN_FORMAT_VERSION,
  planIdOf,
  readPlanFile,
  serializePlan,
  upgradePlanDocument,
  writePlanFile,
  type PlanUpgrade,
} from './plan-file.js';

const FIXTURE_V1 = new URL('./testdata/plan-v1.json', import.meta.url);
const FIXTURE_V2 = new URL('./testdata/plan-v2.json', import.meta.url);
const FIXTURE_V3 = new URL('./testdata/plan-v3.json', import.meta.url);
const FIXTURE = new URL('./testdata/plan-v4.json', import.meta.url);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tscm-planfile-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('plan file', () => {
  it('round-trips the version 4 fixture byte for byte, member lists as newline-separated strings', async () => {
    const text = await readFile(FIXTURE, 'utf8');
    const plan = parsePlan(text, 'fixture');
    expect(PLAN_FORMAT_VERSION).toBe(4);
    expect(plan.devices[0]!.groups[1]!.add.v6.len.length).toBe(1);
    expect(prefixesToStrings(plan.devices[0]!.groups[0]!.add)).toEqual(['198.51.100.0/24', '2001:db8::/48']);
    expect(serializePlan(plan)).toBe(text);
    expect(encodePlan(plan).equals(Buffer.from(text, 'utf8'))).toBe(true);
    expect(text).toContain('"add": "198.51.100.0/24\\n2001:db8::/48",');
    expect(text).toContain('"remove": "",');
    // The same bytes as a plain pretty-printed JSON.stringify of the document.
    expect(`${JSON.stringify(JSON.parse(text), null, 2)}\n`).toBe(text);
  });

  it('upgrades the version 1, 2 and 3 fixtures to exactly the version 4 fixture', async () => {
    const v4 = await readFile(FIXTURE, 'utf8');
    for (const old of [FIXTURE_V1, FIXTURE_V2, FIXTURE_V3]) {
      const plan = parsePlan(await readFile(old, 'utf8'), 'old fixture');
      expect(plan).toEqual(parsePlan(v4, 'fixture v4'));
      expect(serializePlan(plan)).toBe(v4);
      expect(planIdOf(plan)).toBe(planIdOf(parsePlan(v4)));
    }
    // An old plan recorded neither failures nor its scope: none listed, scope unknown.
    expect(parsePlan(await readFile(FIXTURE_V3, 'utf8'))).toMatchObject({ failures: [], scope: null });
  });

  it('keeps the failures and the scope of a plan (format 4), and refuses a failure at an unknown step', async () => {
    const plan = {
      ...parsePlan(await readFile(FIXTURE, 'utf8')),
      failures: [{ device: 'edge-9', step: 'observe', message: 'connection refused\nby 127.0.0.1:22', hint: null }],
      scope: {
        selection: 'changed' as const,
        changedSince: { ref: 'origin/main', commit: 'a'.repeat(40) },
        removedFromDefinitions: ['edge-old'],
      },
    };
    const text = serializePlan(plan);
    const back = parsePlan(text);
    expect(back.failures).toEqual(plan.failures);
    expect(back.scope).toEqual(plan.scope);
    expect(serializePlan(back)).toBe(text);
    const doc = JSON.parse(text);
    doc.failures[0].step = 'teleport';
    doc.scope.removedFromDefinitions.push('bad name');
    const err = catchError(() => parsePlan(JSON.stringify(doc), 'p.json'));
    expect(err.message).toContain('/failures/0/step must be equal to one of the allowed values');
    expect(err.message).toContain('/scope');
  });

  it("keeps a device's layout lines (what the driver does beyond members) and leaves them out when empty", async () => {
    const base = parsePlan(await readFile(FIXTURE, 'utf8'));
    const layout = ['create child ThreatSTOP-Block-3 under ThreatSTOP-Block', 'remove shim 10.255.255.254'];
    const plan = { ...base, devices: base.devices.map((d, i) => (i === 0 ? { ...d, layout } : d)) };
    const back = parsePlan(serializePlan(plan));
    expect(back.devices[0]?.layout).toEqual(layout);
    expect(back.devices[1]?.layout).toBeUndefined();
    expect(serializePlan(base)).not.toContain('"layout"');
  });

  it('keeps a damaged member of a version 1 file visible after the upgrade', async () => {
    const doc = JSON.parse(await readFile(FIXTURE_V1, 'utf8'));
    doc.devices[0].groups[0].add.push(7);
    expect(() => parsePlan(JSON.stringify(doc), 'old.json')).toThrow(/\/devices\/0\/groups\/0\/add must be string/);
    doc.devices[0].groups[0].add = ['198.51.100.0/24', '300.1.2.3/32'];
    expect(() => parsePlan(JSON.stringify(doc), 'old.json')).toThrow(
      /old.json: devices\[0\] \(edge-1\): group TSCM-BLOCK: add: invalid prefix: line 2 "300.1.2.3\/32"/,
    );
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
    doc.devices[0].groups[0].add += '\nnot-a-cidr';
    doc.devices[0].surprise = true;
    const err = catchError(() => parsePlan(JSON.stringify(doc), 'plan.json'));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toMatch(/^plan.json does not match plan.schema.json/);
    expect(err.message).toContain('/devices/0/groups/0/action');
    expect(err.message).toContain('/devices/0/groups/0/add must match pattern');
    expect(err.message).toContain("'surprise'");
  });

  it('rejects members the schema lets through but a file tscm wrote never holds, naming file and group', async () => {
    const doc = JSON.parse(await readFile(FIXTURE, 'utf8'));
    const parseWith = (remove: string) => {
      doc.devices[0].groups[0].remove = remove;
      return () => parsePlan(JSON.stringify(doc), 'plan.json');
    };
    const where = 'plan.json: devices\\[0\\] \\(edge-1\\): group TSCM-BLOCK: remove';
    expect(parseWith('203.0.113.7/32\n300.1.2.3/32')).toThrow(new RegExp(`${where}: invalid prefix: line 2 "300`));
    expect(parseWith('203.0.113.7/32\n300.1.2.3/32')).toThrow(ConfigError);
    expect(parseWith('203.0.113.7/24')).toThrow(new RegExp(`${where}: 1 prefix\\(es\\) have host bits set`));
    expect(parseWith('203.0.113.7/32\n\n10.0.0.0/8')).toThrow(/3 lines hold 2 distinct prefixes/);
    expect(parseWith('203.0.113.7/32\n203.0.113.7/32')).toThrow(/2 lines hold 1 distinct prefixes/);
    expect(parseWith('203.0.113.7/32\n')).toThrow(/2 lines hold 1 distinct prefixes/);
    const plan = parseWith('2001:DB8::/32\n10.0.0.0/8')();
    expect(prefixesToStrings(plan.devices[0]!.groups[0]!.remove)).toEqual(['10.0.0.0/8', '2001:db8::/32']);
  });

  it('refuses unknown and missing format versions and broken JSON', () => {
    expect(() => parsePlan('{"formatVersion": 5}', 'p.json')).toThrow(
      /formatVersion 5, newer than this tscm understands \(4\)/,
    );
    expect(() => parsePlan('{"devices": []}', 'p.json')).toThrow(/no valid formatVersion/);
    expect(() => parsePlan('[1]', 'p.json')).toThrow(/not a tscm plan/);
    expect(() => parsePlan('{', 'p.json')).toThrow(/p.json is not valid JSON/);
  });

  it('quotes nothing of the file raw in a refusal: no forged line, no megabyte message (plan-file fuzz test)', async () => {
    const text = await readFile(FIXTURE, 'utf8');
    const refusal = (t: string) => catchError(() => parsePlan(t, 'p.json')).message;
    // JSON.parse quotes the text around the error, here a BOM and the newline after it.
    const bom = refusal(`\ufeff${text}`);
    expect(bom).toMatch(/^p.json is not valid JSON: Unexpected token/);
    expect(bom).toContain('\\ufeff{\\n');
    expect(bom).not.toMatch(/[\n\ufeff]/);
    const doc = JSON.parse(text);
    doc.devices[0]['x\nError: hostname pwned'] = 1;
    doc.devices[0]['k'.repeat(1_000_000)] = 1;
    const keys = refusal(JSON.stringify(doc));
    expect(keys).toContain("must NOT have additional properties 'x\\nError: hostname pwned'");
    expect(keys).toContain(`'${'k'.repeat(64)}... (1000000 characters)'`);
    expect(keys).not.toContain('\n');
    expect(keys.length).toBeLessThan(500);
  });

  it('refuses a formatVersion of any shape with a short message, never a stack overflow', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const err = catchError(() => parsePlan(`{"formatVersion": ${deep}}`, 'p.json'));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toBe('p.json has no valid formatVersion (found an array)');
    expect(() => parsePlan(`{"formatVersion": "${'3'.repeat(1_000_000)}"}`, 'p.json')).toThrow(
      /^p.json has no valid formatVersion \(found "3{20}\.\.\. \(1000000 characters\)"\)$/,
    );
    expect(() => parsePlan('{"formatVersion": {"v": 3}}', 'p.json')).toThrow(/found an object\)$/);
    expect(() => parsePlan('{"formatVersion": 2.5}', 'p.json')).toThrow(/found 2.5\)$/);
  });

  it('names the file when it cannot be read', async () => {
    await expect(readPlanFile(join(dir, 'missing.json'))).rejects.toThrow(/plan file .*missing.json does not exist/);
    await expect(readPlanFile('/dev/zero')).rejects.toThrow(
      /plan file \/dev\/zero is a character device, not a regular file/,
    );
    await expect(readPlanFile(dir)).rejects.toThrow(/is a folder/);
    await writeFile(join(dir, 'bad.json'), '{"formatVersion": 2}');
    await expect(readPlanFile(join(dir, 'bad.json'))).rejects.toThrow(/plan file .*bad.json does not match/);
    await writeFile(join(dir, 'bad.json.gz'), Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3]));
    await expect(readPlanFile(join(dir, 'bad.json.gz'))).rejects.toThrow(/bad.json.gz is not a valid gzip file/);
  });

  it('reads a large plan back from the file bytes as the same plan, and names file and group of a bad entry', async () => {
    const plan = parsePlan(await readFile(FIXTURE, 'utf8'));
    const b = new PrefixListBuilder();
    for (let i = 0; i < 3000; i++) b.addV4((0xc6000000 + i * 4) >>> 0, 30);
    const add = b.build();
    const device = plan.devices[0]!;
    const big = { ...plan, devices: [{ ...device, groups: [{ ...device.groups[0]!, add }] }] };
    const path = join(dir, 'big.json');
    await writePlanFile(path, big);
    const text = await readFile(path, 'utf8');
    const back = await readPlanFile(path);
    expect(prefixesToStrings(back.devices[0]!.groups[0]!.add)).toEqual(prefixesToStrings(add));
    expect(back).toEqual(parsePlan(text));
    expect(serializePlan(back)).toBe(text);
    await writeFile(path, text.replace('198.0.11.0/30', '198.0.11.1/30'));
    await expect(readPlanFile(path)).rejects.toThrow(
      new RegExp(
        `plan file ${path}: devices\\[0\\] \\(edge-1\\): group TSCM-BLOCK: add: 1 prefix\\(es\\) have host bits set`,
      ),
    );
  });

  it('reads a gzip-compressed plan file (the plan history) as the plan it holds', async () => {
    const text = await readFile(FIXTURE, 'utf8');
    await writeFile(join(dir, 'p.json.gz'), gzipSync(text));
    expect(serializePlan(await readPlanFile(join(dir, 'p.json.gz')))).toBe(text);
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

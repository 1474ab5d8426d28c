import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import type { DevicePlan } from '../../plan/model.js';
import { parsePlan, serializePlan } from '../../plan/plan-file.js';
import { renderPlanHuman } from './plan-human.js';
import { renderPlanJson } from './plan-json.js';
import { renderPlanMarkdown } from './plan-markdown.js';
import { device, plan, SMALL } from './test-helpers.js';

const SCHEMAS = path.resolve(import.meta.dirname, '../../../schemas');
const readSchema = (name: string) => JSON.parse(readFileSync(path.join(SCHEMAS, name), 'utf8')) as object;
const ajv = new Ajv2020({ strict: true, allErrors: true });
ajv.addSchema(readSchema('plan.schema.json'));
const validateOutput = ajv.compile(readSchema('plan-output.schema.json'));

const COMPOSED: Partial<DevicePlan> = {
  policy: {
    sources: [
      {
        role: 'block',
        priority: 1,
        source: 'bl-a.rpz @ 127.0.40.1:5353',
        serial: 7,
        records: 12,
        decoded: 11,
        rejected: 1,
        aggregated: 10,
        kept: 10,
        droppedByCap: 0,
        status: 'fresh',
      },
      {
        role: 'block',
        priority: 2,
        source: 'lists/extra.txt',
        serial: null,
        records: 5,
        decoded: 5,
        rejected: 0,
        aggregated: 5,
        kept: 2,
        droppedByCap: 3,
        status: 'held',
        gate: { gate: 'shrink', detail: 'shrank from 10 to 5 entries: 50% > maxShrink 40%' },
        failingSince: '2026-11-30T10:00:00.000Z',
        stale: true,
      },
      {
        role: 'allow',
        priority: 1,
        source: 'al.rpz @ 127.0.40.1:5353',
        serial: 3,
        records: 1,
        decoded: 1,
        rejected: 0,
        aggregated: 1,
        kept: 1,
        droppedByCap: 0,
        status: 'fresh',
      },
    ],
    lockout: {
      mode: 'carve',
      protected: [
        { prefix: '192.0.2.10/32', why: 'management address' },
        { prefix: '198.51.100.0/28', why: 'protect' },
      ],
      carved: [{ address: '192.0.2.10/32', why: 'management address', coveredBy: '192.0.2.0/24', source: 'bl-a' }],
      unresolved: ['syslog.example'],
    },
    allowPrecedence: { overlaps: 1, sample: [{ allow: '10.0.0.5/32', blockEntry: '10.0.0.0/24' }], proven: true },
  },
  capacity: { limit: 13, used: 12, source: 'device', detail: 'show object-group: 13 elements' },
};

describe('plan views of the policy report and the capacity', () => {
  it('human: the sources as a table, then each gate, carve-out, unresolved name, the allow proof and capacity', () => {
    const out = renderPlanHuman(plan(device('edge-1', [], COMPOSED)), { color: false });
    expect(out.split('\n').slice(1, 14)).toEqual([
      '  Sources:',
      '    list   prio  source                      serial  records  decoded  rejected  aggregated  kept  dropped by cap  status',
      '    block  1     bl-a.rpz @ 127.0.40.1:5353  7       12       11       1         10          10    0               fresh',
      '    block  2     lists/extra.txt             file    5        5        0         5           2     3               stale, held (shrink)',
      '    allow  1     al.rpz @ 127.0.40.1:5353    3       1        1        0         1           1     0               fresh',
      '  Policy: lock-out proof (carve): 2 protected address(es) checked, 1 carved out: 192.0.2.10/32 (management address) covered by 192.0.2.0/24 from bl-a',
      '  Policy: not proven (did not resolve): syslog.example',
      '  Policy: allow list precedence: 1 block entry cut by the allow list, e.g. 10.0.0.0/24 by 10.0.0.5/32; proven: no block member meets the allow group',
      '  Capacity: entries 12 of limit 13 (device: show object-group: 13 elements)',
      'No changes. edge-1 is up to date.',
      '',
    ]);
  });

  it('escapes a hostile source label from a plan file in every view', () => {
    const hostile = structuredClone(COMPOSED) as unknown as { policy: { sources: { source: string }[] } };
    hostile.policy.sources[0]!.source = 'x\nError: forged | <!-- tscm-plan -->';
    const p = plan(device('edge-1', [], hostile as unknown as Partial<DevicePlan>));
    const human = renderPlanHuman(p, { color: false });
    expect(human.split('\n').filter((l) => l.startsWith('Error'))).toEqual([]);
    const md = renderPlanMarkdown(p);
    expect(md.match(/<!-- tscm-plan -->/g)).toHaveLength(1);
    expect(md).toContain('| edge-1 | block | 1 | x Error: forged \\| &lt;!-- tscm-plan --&gt; | 7 |');
  });

  it('markdown: a row per source and the notes; a plan without them renders as before', () => {
    const md = renderPlanMarkdown(plan(device('edge-1', [], COMPOSED)));
    expect(md).toContain('| Device | List | Prio | Source | Serial |');
    expect(md).toContain(
      '| edge-1 | block | 2 | lists/extra.txt | file | 5 | 5 | 0 | 5 | 2 | 3 | stale, held (shrink) |',
    );
    expect(md).toContain('- **edge-1**: capacity: entries 12 of limit 13 (device: show object-group: 13 elements)');
    expect(md).toContain('1 carved out: 192.0.2.10/32 (management address) covered by 192.0.2.0/24 from bl-a');
    const old = renderPlanMarkdown(SMALL);
    expect(old).not.toMatch(/Sources|Prio|capacity|lock-out/);
  });

  it('json: policy and capacity as in the plan file, valid against the output schema; absent for old plans', () => {
    const doc = JSON.parse(renderPlanJson(plan(device('edge-1', [], COMPOSED)))) as {
      devices: { policy: { sources: unknown[]; allowPrecedence: unknown }; capacity: unknown }[];
    };
    expect(validateOutput(doc), JSON.stringify(validateOutput.errors)).toBe(true);
    expect(doc.devices[0]!.policy.sources).toEqual(COMPOSED.policy!.sources);
    expect(doc.devices[0]!.policy.allowPrecedence).toEqual(COMPOSED.policy!.allowPrecedence);
    expect(doc.devices[0]!.capacity).toEqual(COMPOSED.capacity);
    const old = JSON.parse(renderPlanJson(SMALL)) as { devices: object[] };
    expect(validateOutput(old)).toBe(true);
    for (const d of old.devices) expect(Object.keys(d)).not.toContain('policy');
  });

  it('a saved plan keeps the policy report and the capacity: `tscm show FILE` prints what `tscm plan` did', () => {
    const p = plan(device('edge-1', [], COMPOSED));
    const back = parsePlan(serializePlan(p), 'test');
    expect(back.devices[0]!.policy).toEqual(COMPOSED.policy);
    expect(back.devices[0]!.capacity).toEqual(COMPOSED.capacity);
    expect(renderPlanHuman(back, { color: false })).toBe(renderPlanHuman(p, { color: false }));
    expect(serializePlan(SMALL)).not.toMatch(/"policy"|"capacity"/);
  });
});

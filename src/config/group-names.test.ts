// Group names are refused at validation when the device could not hold them as written: equal names, a name that
// is the other group's IPv6 twin on IOS, names over the platform's limit once suffixed, and characters that could
// break a device command line. Also: the settings no code reads yet validate with a note, not an error.

import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { formatDiagnostic } from './diagnostic.js';
import { loadDefinitions } from './load.js';
import { PENDING_FIELDS } from './pending-settings.js';

const device = (platform: string, groups: string) => `name: r1
platform: ${platform}
deviceId: tdid_1
management: { host: 192.0.2.10 }
credentials: { username: { env: U }, password: { env: P } }
policy: { blockList: block.example, server: { host: 192.0.2.53 } }
objectGroups: ${groups}
`;

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function load(text: string) {
  const dir = await mkdtemp(join(tmpdir(), 'tscm-groups-'));
  dirs.push(dir);
  await writeFile(join(dir, 'd.yaml'), text);
  return loadDefinitions(dir);
}

async function problems(platform: string, groups: string): Promise<string[]> {
  const r = await load(device(platform, groups));
  return r.diagnostics.map(formatDiagnostic);
}

describe('group names', () => {
  test('IOS: a group named as the other group IPv6 twin is refused, either way round', async () => {
    expect(await problems('ios', '{ block: tsb, allow: tsb-v6 }')).toEqual([
      'd.yaml:7:36: /objectGroups/allow: the name tsb-v6 would belong to both groups: on ios a group NAME also ' +
        "takes the name NAME-v6 (its IPv6 twin) (rename one group: neither may be named as the other's NAME-v6 (its IPv6 twin))",
    ]);
    expect(await problems('ios', '{ block: TSB-V6, allow: tsb }')).toHaveLength(1);
  });

  test('ASA and PIX have no twins: the same pair is fine there; on the ASA a child name of the other is not', async () => {
    expect(await problems('asa', '{ block: tsb, allow: tsb-v6 }')).toEqual([]);
    expect(await problems('pix', '{ block: tsb, allow: tsb-v6 }')).toEqual([]);
    expect(await problems('asa', '{ block: tsb, allow: tsb-2 }')).toEqual([
      expect.stringContaining(
        'the name tsb-2 would belong to both groups: on asa a group NAME also takes the name NAME-<n>',
      ),
    ]);
    expect(await problems('pix', '{ block: tsb, allow: tsb-2 }')).toEqual([]);
  });

  test('equal names (ignoring case) are refused on every platform', async () => {
    for (const platform of ['ios', 'asa', 'pix']) {
      const p = await problems(platform, '{ block: Same, allow: same }');
      expect(p).toEqual([
        expect.stringContaining('/objectGroups/allow: the block and allow object-groups must have different names'),
      ]);
    }
  });

  test('IOS: 61 characters fit with -v6, 62 do not; ASA: 59, leaving room for children NAME-<n>', async () => {
    const n61 = 'a'.repeat(61);
    const n62 = 'b'.repeat(62);
    expect(await problems('ios', `{ block: ${n61}, allow: x }`)).toEqual([]);
    expect(await problems('ios', `{ block: ${n62}, allow: x }`)).toEqual([
      `d.yaml:7:24: /objectGroups/block: the object-group name is too long for ios: as NAME-v6 (its IPv6 twin) ` +
        `(${n62}-v6) it has 65 characters, 64 allowed (shorten it to 61 characters or fewer)`,
    ]);
    expect(await problems('asa', `{ block: ${'c'.repeat(59)}, allow: x }`)).toEqual([]);
    expect(await problems('asa', `{ block: ${'c'.repeat(60)}, allow: x }`)).toEqual([
      expect.stringContaining('shorten it to 59 characters or fewer'),
    ]);
    expect(await problems('pix', `{ block: ${'c'.repeat(64)}, allow: x }`)).toEqual([]);
  });

  test('the schema lets no character through that could break a command line', async () => {
    for (const bad of ['"a b"', '"a\\nhostname x"', '"a\\tb"', '"-leading"', '".hidden"', '"a;b"', '"a#b"', '"é"']) {
      const p = await problems('ios', `{ block: ${bad}, allow: x }`);
      expect(p, bad).toEqual([expect.stringContaining('/objectGroups/block: expected an object-group name')]);
    }
    expect(await problems('ios', '{ block: My_Group.1-a, allow: x }')).toEqual([]);
  });
});

describe('settings no code reads yet', () => {
  test('none today: logs (read by the log pipeline) and driver settings validate without a note', async () => {
    const r = await load(
      device('asa-rest', '{ nestedSize: 500 }') +
        'logs: { upload: false, rotateKb: 50 }\nadvanced: { tokenAuth: true, chunkSize: 200 }\n',
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.devices).toHaveLength(1);
    expect(r.notes).toEqual([]);
  });

  test('the schema documents exactly those settings as not yet used', () => {
    const schema = JSON.parse(
      readFileSync(new URL('../../schemas/device.schema.json', import.meta.url), 'utf8'),
    ) as Record<string, unknown>;
    const documented: string[] = [];
    const walk = (node: unknown, path: string[]): void => {
      if (typeof node !== 'object' || node === null) return;
      const n = node as Record<string, unknown>;
      if (typeof n['description'] === 'string' && n['description'].includes('not yet used')) {
        documented.push(path.join('.'));
      }
      const props = n['properties'] as Record<string, unknown> | undefined;
      for (const [k, v] of Object.entries(props ?? {})) walk(v, [...path, k]);
    };
    walk(schema, []);
    const defs = schema['$defs'] as Record<string, unknown>;
    for (const section of ['objectGroups', 'advanced']) walk(defs[section], [section]);
    expect(documented.sort()).toEqual([...PENDING_FIELDS].sort());
  });
});

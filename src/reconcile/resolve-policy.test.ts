import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { prefixesToStrings } from '../cidr/index.js';
import { loadDefinitions } from '../config/index.js';
import { computePlan } from '../plan/compute-plan.js';
import { ZoneResolver } from '../policy/index.js';
import { resolveDevicePolicy } from './resolve-policy.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function resolveFor(platform: string) {
  const dir = await mkdtemp(path.join(tmpdir(), 'tscm-families-'));
  dirs.push(dir);
  await writeFile(path.join(dir, 'block.txt'), '192.0.2.0/24\n2001:db8::/32\n2001:db8:1::/48\n198.51.100.7\n');
  await writeFile(path.join(dir, 'allow.txt'), '2001:db8:2::1\n');
  await writeFile(
    path.join(dir, 'd.yaml'),
    `name: d1\nplatform: ${platform}\ndeviceId: tdid_1\nmanagement: { host: 127.0.0.1 }\n` +
      'credentials: { username: { env: U }, password: { env: P } }\n' +
      'policy: { blockList: { file: block.txt }, allowList: { file: allow.txt } }\n',
  );
  const defs = await loadDefinitions(dir, { defaultStateDir: path.join(dir, '.tscm') });
  expect(defs.diagnostics).toEqual([]);
  const spec = defs.devices[0]!;
  const log = { warn() {}, info() {}, debug() {}, error() {} };
  const resolver = new ZoneResolver({ cacheDir: path.join(dir, 'zones'), log });
  const ctx = { resolver, stateDir: path.join(dir, '.tscm'), settings: defs.settings, log };
  return { spec, policy: await resolveDevicePolicy(ctx, spec, { state: null, force: false }) };
}

describe('the desired state holds only the address families the platform holds', () => {
  it('pix (IPv4 only): IPv6 entries are left out of both groups and the plan says how many', async () => {
    const { spec, policy } = await resolveFor('pix');
    expect(policy.desired.groups.map((g) => prefixesToStrings(g.members))).toEqual([
      ['192.0.2.0/24', '198.51.100.7/32'],
      [],
    ]);
    const plan = computePlan(
      policy.desired,
      { groups: [], fingerprint: 'x' },
      { groups: [] },
      {
        device: spec.name,
        platform: spec.platform,
        maxRemoveShare: 0.5,
        inputs: { zones: [], observedFingerprint: 'x', state: null, adopt: false },
      },
    );
    expect(plan.warnings).toEqual([
      'pix holds IPv4 members only: 1 IPv6 entries of the block list are left out',
      'pix holds IPv4 members only: 1 IPv6 entries of the allow list are left out',
    ]);
  });

  it('ios and asa keep both families', async () => {
    for (const platform of ['ios', 'asa']) {
      const { policy } = await resolveFor(platform);
      // 2001:db8::/32 less the allowed host: the block group keeps the rest of it.
      expect(prefixesToStrings(policy.desired.groups[0]!.members)).toContain('2001:db8::/47');
      expect(prefixesToStrings(policy.desired.groups[1]!.members)).toEqual(['2001:db8:2::1/128']);
      expect(policy.desired.notes).toBeUndefined();
    }
  });
});

// The lock-out proof end to end: a real NSD serving a block zone whose 127.0.42.0/24 entry covers the router's
// management address, the policy server and a protected jump host (all on 127.0.42.x), an emulated IOS router.
// carve: the plan reports each protected address with its covering entry and the router gets the carved set;
// `protect: strict`: the plan is refused and the router is not even logged in to.

import { randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPrefixes, prefixesFromStrings, subtract } from '../../src/cidr/index.js';
import { loadDefinitions } from '../../src/config/index.js';
import { startIosEmulator, type RunningIosEmulator } from '../../src/lab/ios/index.js';
import { ZoneResolver } from '../../src/policy/index.js';
import { resolveDevicePolicy } from '../../src/reconcile/resolve-policy.js';
import { startNsd, type NsdServer } from '../dns/nsd.js';
import { fixedRpzZone } from '../dns/zones.js';
import { runTscm } from '../helpers/cli.js';

const ZONE = 'block.lockout.test';
const FEED = ['127.0.42.0/24', '198.51.100.0/24', '203.0.113.7/32'];
const env = {
  LOCKOUT_USER: 'netops',
  LOCKOUT_PASSWORD: 'pw-' + randomBytes(12).toString('hex'),
  LOCKOUT_ENABLE: 'en-' + randomBytes(12).toString('hex'),
};

/** An IPv4 prefix in IOS object-group form (`host A` or `A MASK`). */
function iosMember(cidr: string): string {
  const [addr, len] = cidr.split('/');
  if (len === '32') return `host ${addr}`;
  const mask = (0xffffffff << (32 - Number(len))) >>> 0;
  return `${addr} ${[24, 16, 8, 0].map((s) => (mask >>> s) & 255).join('.')}`;
}

describe('lock-out proof: NSD + IOS emulator', () => {
  let nsd: NsdServer;
  let router: RunningIosEmulator;
  let dir: string;
  let jump: string;
  // With the contract's one-part compose the carve's source is the merged 'block list'; with one part per source
  // (the compose helper's), the zone itself.
  let source: RegExp;

  const members = (): string[] =>
    (router.objectGroups().get('threatstop-block') ?? []).map((l) => l.trim()).filter((l) => !l.startsWith('desc'));
  const run = (...args: string[]) => runTscm([...args, '--dir', dir], { env });
  const writeDevice = (protect: string) =>
    writeFile(
      path.join(dir, 'edge.yaml'),
      `name: edge-01
platform: ios
deviceId: tdid_lockout01
management: { host: ${router.host}, port: ${router.port} }
hostKey: { fingerprint: "${router.hostKeyFingerprint}" }
credentials:
  username: { env: LOCKOUT_USER }
  password: { env: LOCKOUT_PASSWORD }
  enablePassword: { env: LOCKOUT_ENABLE }
policy:
  blockList: ${ZONE}
protect: ${protect}
advanced: { saveRetryDelayMs: 20, configLockRetryDelayMs: 20 }
`,
    );

  beforeAll(async () => {
    const zone = fixedRpzZone(ZONE, 1, FEED);
    for (let attempt = 0; ; attempt++) {
      try {
        nsd = await startNsd([{ name: ZONE, text: zone.text, allowTransfer: true }], {
          host: `127.0.42.${randomInt(10, 100)}`,
          port: 5353,
        });
        break;
      } catch (err) {
        if (attempt > 5) throw err;
      }
    }
    router = await startIosEmulator({
      host: `127.0.42.${randomInt(100, 200)}`,
      username: env.LOCKOUT_USER,
      password: env.LOCKOUT_PASSWORD,
      enablePassword: env.LOCKOUT_ENABLE,
    });
    jump = `127.0.42.${randomInt(200, 255)}`;
    source = new RegExp(`^(block list|${ZONE.replace(/\./g, '\\.')} @ ${nsd.host.replace(/\./g, '\\.')}:5353)$`);
    dir = await mkdtemp(path.join(tmpdir(), 'tscm-lockout-'));
    await writeFile(path.join(dir, 'tscm.yaml'), `policyServer: { host: ${nsd.host}, port: ${nsd.port} }\n`);
  });
  afterAll(async () => {
    await router?.close();
    await nsd?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('protect: strict refuses the plan, naming each covered address, why and the covering entry; nothing is sent', async () => {
    await writeDevice(`{ mode: strict, prefixes: ['${jump}/32'] }`);
    const before = router.runningConfig();
    const plan = await run('plan', '--json');
    expect(plan.code).toBe(1);
    const failure = JSON.parse(plan.stdout).failures[0];
    expect(failure).toMatchObject({ device: 'edge-01', step: 'resolve' });
    expect(failure.message).toContain('protect: strict: the block list covers 3 protected addresses');
    for (const [address, why] of [
      [router.host, 'management address'],
      [nsd.host, 'policy server'],
      [jump, 'protect'],
    ]) {
      expect(failure.message).toMatch(
        new RegExp(`${address}/32 \\(${why}\\) covered by 127\\.0\\.42\\.0/24 from (block list|${ZONE})`),
      );
    }
    expect(failure.hint).toMatch(/protect: carve/);

    const apply = await run('apply', '--auto-approve');
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain('protect: strict');
    expect(router.runningConfig()).toBe(before);
    expect(router.commandLog()).toEqual([]); // refused before any session
  });

  it('carve: each protected address is reported with its covering entry, and the router gets the carved set', async () => {
    await writeDevice(`['${jump}/32']`);
    const protectedHosts = [router.host, nsd.host, jump].map((a) => `${a}/32`);
    const expected = formatPrefixes(subtract(prefixesFromStrings(FEED), prefixesFromStrings(protectedHosts)));

    // The report, from the resolve step itself (the plan's views render it).
    const defs = await loadDefinitions(dir, { defaultStateDir: path.join(dir, '.tscm') });
    const log = { warn() {}, info() {}, debug() {}, error() {} };
    const resolver = new ZoneResolver({ cacheDir: path.join(dir, 'zones-test'), log });
    const ctx = { resolver, stateDir: path.join(dir, '.tscm'), settings: defs.settings, log };
    const policy = await resolveDevicePolicy(ctx, defs.devices[0]!, { state: null, force: false });
    const lockout = policy.desired.report!.lockout;
    expect(lockout.mode).toBe('carve');
    expect(lockout.unresolved).toEqual([]);
    expect(lockout.protected).toContainEqual({
      prefix: '127.0.0.1/32',
      why: 'tscm host (its source address toward the management address)',
    });
    expect(lockout.carved.map(({ source: _, ...c }) => c)).toEqual([
      { address: `${router.host}/32`, why: 'management address', coveredBy: '127.0.42.0/24' },
      { address: `${nsd.host}/32`, why: 'policy server', coveredBy: '127.0.42.0/24' },
      { address: `${jump}/32`, why: 'protect', coveredBy: '127.0.42.0/24' },
    ]);
    for (const c of lockout.carved) expect(c.source).toMatch(source);
    expect(formatPrefixes(policy.desired.groups[0]!.members)).toEqual(expected);

    const cidrs = await run('policy', 'edge-01', '--cidrs');
    expect(cidrs.code, cidrs.stderr).toBe(0);
    expect(cidrs.stdout.trim().split('\n')).toEqual(expected.map((e) => e.replace(/\/32$/, '')));

    const apply = await run('apply', '--auto-approve');
    expect(apply.code, apply.stderr).toBe(0);
    expect(members().sort()).toEqual(expected.map(iosMember).sort());
    for (const host of [router.host, nsd.host, jump]) expect(members()).not.toContain(`host ${host}`);
  });

  it('strict after a carved apply: refused again, the router keeps the carved set', async () => {
    const kept = members();
    const config = router.runningConfig();
    await writeDevice(`{ mode: strict, prefixes: ['${jump}/32'] }`);
    const apply = await run('apply', '--auto-approve');
    expect(apply.code).toBe(1);
    expect(apply.stderr).toMatch(
      new RegExp(`${jump.replace(/\./g, '\\.')}/32 \\(protect\\) covered by 127\\.0\\.42\\.0/24`),
    );
    expect(members()).toEqual(kept);
    expect(router.runningConfig()).toBe(config);
  });
});

// End to end through the built CLI: a real NSD serving the block zone on 127.0.41.x:5353 and an emulated IOS router.
// Each integrity gate (rejected on a first run, shrink, churn, serial backwards) refuses the new version with its
// figures and leaves the device as it was; `tscm apply --force` lets it through once and `tscm state show` lists
// the override. A saved plan that held a source is applied holding. An empty zone, then a server that is down, hold
// the last good set; once failing longer than staleAfter, every plan says so.

import { randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeRpzIpOwner } from '../../src/policy/index.js';
import { startIosEmulator, type RunningIosEmulator } from '../../src/lab/ios/index.js';
import { startNsd, type NsdServer } from '../dns/nsd.js';
import { zoneFileText } from '../dns/zones.js';
import { runTscm } from '../helpers/cli.js';

const ZONE = 'block.gates.tscm.test';
const GROUP = 'threatstop-block';
const SOURCE = (nsd: NsdServer) => `${ZONE} @ ${nsd.host}:${nsd.port}`;

/** `n` /32 hosts of 10.<block>.0.0/16, every other address (never aggregated), as router member lines. */
function hosts(block: number, n: number): string[] {
  return Array.from({ length: n }, (_, k) => `10.${block}.${Math.floor((2 * k) / 256)}.${(2 * k) % 256}`).sort();
}

function zoneText(serial: number, good: readonly string[], bad = 0): string {
  const body = good.map((h) => `${encodeRpzIpOwner(`${h}/32`)} CNAME .`);
  // A /33 trigger: malformed (skip reason bad-rpz-ip).
  for (let i = 0; i < bad; i++) body.push(`33.${i}.2.0.192.rpz-ip CNAME .`);
  return zoneFileText(ZONE, serial, body);
}

async function startNsdOnPolicyPort(text: string): Promise<NsdServer> {
  for (let attempt = 0; ; attempt++) {
    try {
      const host = `127.0.41.${randomInt(2, 254)}`;
      return await startNsd([{ name: ZONE, text, allowTransfer: true }], { host, port: 5353 });
    } catch (err) {
      if (attempt > 5) throw err;
    }
  }
}

describe('integrity gates against NSD and an emulated IOS router', () => {
  let nsd: NsdServer;
  let router: RunningIosEmulator;
  let dir: string;
  const env = {
    TSCM_GATES_USER: 'netops',
    TSCM_GATES_PASSWORD: 'pw-' + randomBytes(12).toString('hex'),
    TSCM_GATES_ENABLE: 'en-' + randomBytes(12).toString('hex'),
  };
  const run = (...args: string[]) => runTscm([...args, '--dir', dir], { env });
  const members = () =>
    (router.objectGroups().get(GROUP) ?? [])
      .filter((l) => l.startsWith('host '))
      .map((l) => l.slice(5))
      .sort();
  const serve = async (serial: number, good: readonly string[], bad = 0) => {
    await nsd.writeZone(ZONE, zoneText(serial, good, bad));
    await nsd.restart();
  };
  const planJson = async () => {
    const r = await run('plan', '--json');
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout).devices[0] as { warnings: string[]; summary: { add: number; remove: number } };
  };
  const overrides = async () =>
    (JSON.parse((await run('state', 'show', 'edge-01', '--json')).stdout) as { overrides: { gate: string }[] })
      .overrides;

  beforeAll(async () => {
    nsd = await startNsdOnPolicyPort(zoneText(100, hosts(0, 200), 10));
    router = await startIosEmulator({
      host: `127.0.41.${randomInt(2, 254)}`,
      username: env.TSCM_GATES_USER,
      password: env.TSCM_GATES_PASSWORD,
      enablePassword: env.TSCM_GATES_ENABLE,
    });
    dir = await mkdtemp(path.join(tmpdir(), 'tscm-gates-e2e-'));
    await mkdir(path.join(dir, 'devices'));
    await writeFile(path.join(dir, 'tscm.yaml'), `policyServer: { host: ${nsd.host}, port: ${nsd.port} }\n`);
    await writeFile(
      path.join(dir, 'devices', 'edge.yaml'),
      `name: edge-01
platform: ios
deviceId: tdid_gates001
management: { host: ${router.host}, port: ${router.port} }
hostKey: { fingerprint: "${router.hostKeyFingerprint}" }
credentials:
  username: { env: TSCM_GATES_USER }
  password: { env: TSCM_GATES_PASSWORD }
  enablePassword: { env: TSCM_GATES_ENABLE }
policy:
  blockList: ${ZONE}
advanced: { saveRetryDelayMs: 20, configLockRetryDelayMs: 20 }
`,
    );
  }, 120_000);
  afterAll(async () => {
    await router?.close();
    await nsd?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('a first version with too many malformed records cannot be planned; --force applies it and is recorded', async () => {
    const plan = await run('plan');
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain(
      `edge-01: block list source ${SOURCE(nsd)}: refused by the rejected gate (10 of 211 records malformed (4.7%) > maxRejected 1% (2 records)), and no version of it was ever applied to this device to hold`,
    );
    expect(plan.stderr).toContain('tscm apply edge-01 --force');
    expect(router.objectGroups().has(GROUP)).toBe(false);

    const apply = await run('apply', '--auto-approve', '--force');
    expect(apply.code, apply.stderr).toBe(0);
    expect(members()).toHaveLength(200);
    expect(await overrides()).toEqual([
      expect.objectContaining({ gate: 'rejected', source: SOURCE(nsd), role: 'block' }),
    ]);
  });

  it('shrink: held with its figures, the device unchanged, a saved plan applied holding; --force once', async () => {
    await serve(101, hosts(0, 60));
    const plan = await planJson();
    expect(plan.summary).toMatchObject({ add: 0, remove: 0 });
    expect(plan.warnings).toContainEqual(
      `edge-01: block list source ${SOURCE(nsd)} held at the set last applied (serial 100, 200 entries): the shrink gate refused serial 101 (shrank from 200 to 60 entries: 70% > maxShrink 50%); check the source, or accept this version once with \`tscm apply edge-01 --force\``,
    );
    const saved = path.join(dir, 'plan.json');
    expect((await run('plan', '--out', saved)).code).toBe(0);
    // The plan was made holding: --force with it overrides safety refusals only, not the plan's gates.
    const held = await run('apply', saved, '--auto-approve', '--force');
    expect(held.code, held.stderr).toBe(0);
    expect(members()).toHaveLength(200); // and no override recorded: the last test lists them all

    const forced = await run('apply', '--auto-approve', '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toContain('the shrink gate is overridden by --force');
    expect(members()).toEqual(hosts(0, 60));
    const show = await run('state', 'show', 'edge-01');
    expect(show.stdout).toMatch(
      /shrink gate of block list source .* \(plan [0-9a-f]+\): shrank from 200 to 60 entries: 70% > maxShrink 50%/,
    );
    // Once: the next plan compares against the version forced through.
    expect((await planJson()).warnings).toEqual([]);
  });

  it('churn and a serial that went backwards: each held, then forced and recorded', async () => {
    await serve(102, hosts(1, 60));
    expect((await planJson()).warnings.join('\n')).toContain(
      'the churn gate refused serial 102 (60 entries added and 60 removed of 120 in either version: 100% > maxChurn 80%)',
    );
    expect(members()).toEqual(hosts(0, 60));
    // The reviewed route: a plan made with --force, saved, then applied with --force.
    const saved = path.join(dir, 'plan-forced.json');
    const planned = await run('plan', '--force', '--out', saved);
    expect(planned.code, planned.stderr).toBe(0);
    expect(planned.stdout).toContain('the churn gate is overridden by --force');
    expect(members()).toEqual(hosts(0, 60)); // a plan changes nothing
    const applied = await run('apply', saved, '--auto-approve', '--force');
    expect(applied.code, applied.stderr).toBe(0);
    expect(members()).toEqual(hosts(1, 60));

    await serve(50, hosts(1, 61));
    expect((await planJson()).warnings.join('\n')).toContain(
      'the serial gate refused serial 50 (serial went backwards from 102 to 50 (RFC 1982))',
    );
    expect(members()).toEqual(hosts(1, 60));
    expect((await run('apply', '--auto-approve', '--force')).code).toBe(0);
    expect(members()).toEqual(hosts(1, 61));
    expect((await overrides()).map((o) => o.gate)).toEqual(['rejected', 'shrink', 'churn', 'serial']);
  });

  it('an empty zone, then a server down: the last good set held, and past staleAfter every plan warns', async () => {
    await serve(51, []);
    const empty = await planJson();
    expect(empty.summary).toMatchObject({ add: 0, remove: 0 });
    expect(empty.warnings.join('\n')).toMatch(
      /block list source .* is empty: held at the set last applied \(serial 50, 61 entries\) since \S+; zone .* is empty/,
    );
    // Failing for two days, as the health file says (no waiting in tests).
    const health = path.join(dir, '.tscm', '.local', 'edge-01', 'source-health.json');
    const doc = JSON.parse(await readFile(health, 'utf8'));
    const since = new Date(Date.now() - 2 * 86_400_000).toISOString();
    doc.sources[0].failingSince = since;
    await writeFile(health, JSON.stringify(doc));
    for (let i = 0; i < 2; i++) {
      expect((await planJson()).warnings.join('\n')).toContain(
        `has been failing since ${since} (48.0h, longer than staleAfter 24h): the device still enforces the set last applied (serial 50, 61 entries)`,
      );
    }
    await nsd.stop();
    const down = await planJson();
    expect(down.warnings.join('\n')).toContain(`has been failing since ${since}`);
    const apply = await run('apply', '--auto-approve');
    expect(apply.code, apply.stderr).toBe(0);
    expect(members()).toEqual(hosts(1, 61));
  });
});

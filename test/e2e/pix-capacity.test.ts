// Capacity per platform through the built CLI, on the FWSM emulator (loopback 127.0.43.0/24) booted from a real
// context configuration with a small ACE limit: the plan shows the limit the module states (`show np 3 acl count`)
// against the ACEs it would hold; a plan past it is refused and `apply --force` sends nothing; with --refresh=false
// the platform's documented default stands in, as it does on a PIX, which states no limit.

import { randomBytes, randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPixEmulator, type RunningPixEmulator } from '../../src/lab/pix/index.js';
import { runTscm } from '../helpers/cli.js';

const REAL = readFileSync(
  new URL('../../src/lab/pix/testdata/real/fwsm-ceige-3.1/running-config.txt', import.meta.url),
  'utf8',
);
// The block group in use by an ACL, with one member tscm does not own.
const BOOT = REAL.replace(
  'pager lines 24\n',
  'object-group network threatstop-block\n network-object host 192.0.2.99\n' +
    'access-list outside_in extended deny ip object-group threatstop-block any\n' +
    'access-list outside_in extended permit ip any any\naccess-group outside_in in interface outside\npager lines 24\n',
);
/** Room the module has for new ACEs above what the boot config holds. */
const ROOM = 40;

/** n addresses no two of which aggregate. */
const hosts = (n: number): string => Array.from({ length: n }, (_, i) => `203.0.113.${2 * i + 1}`).join('\n') + '\n';

function deviceYaml(name: string, emu: RunningPixEmulator): string {
  return [
    `name: ${name}`,
    'platform: pix',
    `deviceId: tdid_${name.replace('-', '')}`,
    `management: { host: ${emu.host}, port: ${emu.port} }`,
    `hostKey: { fingerprint: "${emu.hostKeyFingerprint}" }`,
    'credentials:',
    '  username: { env: TSCM_CAP_USER }',
    '  password: { env: TSCM_CAP_PASS }',
    '  enablePassword: { env: TSCM_CAP_EN }',
    'policy: { blockList: { file: block.txt } }',
    'objectGroups: { block: threatstop-block, allow: threatstop-allow, maxEntries: 1000 }',
    'advanced: { saveRetryDelayMs: 20, configLockRetryDelayMs: 20 }',
    '',
  ].join('\n');
}

describe('capacity: an FWSM with a small ACE limit', () => {
  let emu: RunningPixEmulator;
  let dir: string;
  let limit: number;
  const env = { TSCM_CAP_USER: 'netops', TSCM_CAP_PASS: randomBytes(8).toString('hex'), TSCM_CAP_EN: 'en-x' };
  const run = (args: string[]) => runTscm([...args, '--dir', dir], { env });
  let lastPlan = '';
  /** `tscm plan --out FILE`: the device's plan as saved (lastPlan: the file). */
  const planFile = async (args: string[]) => {
    lastPlan = path.join(dir, `plan-${randomInt(1e9)}.json`);
    const r = await run(['plan', '--out', lastPlan, ...args]);
    expect(r.code, r.stderr).not.toBe(1);
    return JSON.parse(await readFile(lastPlan, 'utf8')).devices[0];
  };

  beforeAll(async () => {
    // What the boot config's ACLs hold (one ACE per line: the block group has a single member): the limit leaves ROOM.
    const base = BOOT.split('\n').filter((l) => l.startsWith('access-list ')).length;
    limit = base + ROOM;
    emu = await startPixEmulator({
      host: `127.0.43.${randomInt(2, 250)}`,
      variant: 'fwsm3',
      username: env.TSCM_CAP_USER,
      password: env.TSCM_CAP_PASS,
      enablePassword: env.TSCM_CAP_EN,
      config: BOOT,
      aclRuleMax: limit,
    });
    dir = await mkdtemp(path.join(tmpdir(), 'tscm-capacity-'));
    await mkdir(path.join(dir, 'devices'));
    await writeFile(path.join(dir, 'devices', 'block.txt'), hosts(30));
    await writeFile(path.join(dir, 'devices', 'fwsm.yaml'), deviceYaml('fwsm-01', emu));
  });
  afterAll(async () => {
    await emu?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('shows the limit the module states and applies a plan that fits', async () => {
    const p = await planFile([]);
    // 30 new members in a group one access list uses: 30 more ACEs.
    expect(p.capacity).toEqual({
      limit,
      used: limit - ROOM + 30,
      source: 'device',
      detail: `show np 3 acl count: CLS ACL Rule MAX ${limit}, ${limit - ROOM} in use`,
    });
    expect(p.refusals).toEqual([]);
    const apply = await run(['apply', '--auto-approve']);
    expect(apply.code, apply.stderr).toBe(0);
    expect(emu.objectGroups().get('threatstop-block')).toHaveLength(31);
  });

  it('refuses a plan past the limit before anything is sent, --force or not', async () => {
    await writeFile(path.join(dir, 'devices', 'block.txt'), hosts(45));
    const p = await planFile([]);
    expect(p.capacity).toMatchObject({ limit, used: limit + 5, source: 'device' });
    expect(p.refusals).toEqual([
      expect.stringMatching(
        new RegExp(
          `^capacity: fwsm-01 would hold ${limit + 5} entries after this plan, over the pix limit of ${limit} \\(read from the device: show np 3 acl count: .*\\) by 5; nothing is sent and --force does not lift this`,
        ),
      ),
    ]);
    const human = await run(['plan']);
    // Its own words say --force does not lift it: the view does not add "apply needs --force".
    expect(human.stdout).toMatch(/ {2}Refused: capacity: fwsm-01 would hold/);
    expect(human.stdout).not.toContain('Refused (apply needs --force): capacity');

    const config = emu.runningConfig();
    const logged = emu.commandLog().length;
    // Planned and applied at once, and the saved plan: both refused by the apply's own guard.
    for (const args of [['--auto-approve'], [lastPlan, '--auto-approve']]) {
      const forced = await run(['apply', ...args, '--force']);
      expect(forced.code, forced.stdout).toBe(1);
      expect(forced.stderr).toMatch(/fwsm-01: the plan is refused: capacity: .* over the pix limit of \d+/);
      expect(forced.stderr).toMatch(/--force does not lift a capacity refusal/);
    }
    expect(emu.runningConfig()).toBe(config);
    const sent = emu.commandLog().slice(logged);
    // Read only: the configuration and the limit, never a configuration command or a save.
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.filter((l) => /^(conf|network-object|object-group|no |write( mem(ory)?)?$)/.test(l.trim()))).toEqual(
      [],
    );
  });

  it('with --refresh=false uses the documented default: no limit read from the device', async () => {
    const logged = emu.commandLog().length;
    const p = await planFile(['--refresh=false']);
    expect(p.capacity).toEqual({
      limit: 80000,
      used: 45,
      source: 'default',
      detail: 'documented FWSM 3.1 maximum: 80K rules in single context mode',
    });
    expect(p.refusals).toEqual([]);
    expect(emu.commandLog().length).toBe(logged);
  });

  it('a PIX states no limit (it refuses show np): the plan uses the documented default', async () => {
    const pix = await startPixEmulator({
      host: `127.0.43.${randomInt(2, 250)}`,
      variant: 'pix7',
      username: env.TSCM_CAP_USER,
      password: env.TSCM_CAP_PASS,
      enablePassword: env.TSCM_CAP_EN,
    });
    const other = await mkdtemp(path.join(tmpdir(), 'tscm-capacity-pix-'));
    try {
      await mkdir(path.join(other, 'devices'));
      await writeFile(path.join(other, 'devices', 'block.txt'), hosts(12));
      await writeFile(path.join(other, 'devices', 'pix.yaml'), deviceYaml('pix-01', pix));
      const out = path.join(other, 'plan.json');
      const r = await runTscm(['plan', '--out', out, '--dir', other], { env });
      expect(r.code, r.stderr).not.toBe(1);
      expect(pix.commandLog()).toContain('show np 3 acl count');
      expect(JSON.parse(await readFile(out, 'utf8')).devices[0].capacity).toEqual({
        limit: 80000,
        used: 12,
        source: 'default',
        detail: 'documented FWSM 3.1 maximum: 80K rules in single context mode',
      });
    } finally {
      await pix.close();
      await rm(other, { recursive: true, force: true });
    }
  });
});

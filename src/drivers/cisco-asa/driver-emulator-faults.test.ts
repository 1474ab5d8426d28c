// The ASA driver end to end against the ASA emulator (src/lab/asa) on loopback 127.0.13.0/24: each device fault,
// then a fresh session that converges; a failover pair (observe on each unit, apply on the active, seen on the
// standby). Booted from the real ASAv 9.16 config as in driver-emulator.test.ts.

import { describe, expect, it } from 'vitest';
import { exactEquals, prefixCount } from '../../cidr/index.js';
import type { PrefixList } from '../../cidr/types.js';
import { ConfigError } from '../../errors.js';
import { startAsaEmulator, startAsaPair } from '../../lab/asa/index.js';
import type { AsaFaults, RunningAsaEmulator } from '../../lab/asa/index.js';
import { DeviceApplyError } from '../driver.js';
import {
  address,
  ALLOW_GROUP,
  BLOCK_GROUP,
  BOOT,
  closeAfterEach,
  connect,
  hosts,
  membersOf,
  planFor,
  REFS,
  run,
  SECRETS,
  track,
} from './e2e/test-helpers.js';

closeAfterEach();

const BLOCK = 0x64400000; // 100.64.0.0 onwards
const SMALL = { 'objectGroups.nestedSize': 1000 };

async function boot(faults: AsaFaults = {}): Promise<RunningAsaEmulator> {
  return track(await startAsaEmulator({ host: address(), ...SECRETS, config: BOOT, faults }));
}

/** A fresh session (faults cleared) applies `want` and the device then holds exactly it. */
async function converges(
  emu: RunningAsaEmulator,
  want: Record<string, PrefixList>,
  options: Record<string, unknown> = SMALL,
): Promise<void> {
  const r = await run(emu, want, options);
  for (const g of [BLOCK_GROUP, ALLOW_GROUP]) expect(exactEquals(membersOf(r.observed, g), want[g]!), g).toBe(true);
  expect(r.predicted.groups).toEqual(r.observed.groups);
}

const failure = async (p: Promise<unknown>): Promise<DeviceApplyError> => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DeviceApplyError);
  return err as DeviceApplyError;
};

describe('ASA driver under device faults, each followed by a converging session', () => {
  const want = (n: number): Record<string, PrefixList> => ({
    [BLOCK_GROUP]: hosts(BLOCK, n, true),
    [ALLOW_GROUP]: hosts(0xc0000200, 2),
  });

  it('answers the anonymous-reporting question on every configure terminal', async () => {
    const emu = await boot({ askReporting: true });
    await converges(emu, want(1500));
    await converges(emu, want(1800)); // asked again, answered again
    expect(emu.commandLog().filter((l) => l === 'configure terminal')).toHaveLength(2);
  });

  it('waits for a configuration session another user holds, names it, converges once it is released', async () => {
    const emu = await boot({ configSessionHeld: true });
    const err = await failure(run(emu, want(1500), SMALL));
    expect(err.message).toMatch(
      /cannot enter configuration mode: another session holds the configuration.*advanced.configSession: kill/,
    );
    expect(err.deviceReply).toMatch(/kill that session and continue/);
    expect(err.transient).toBe(true);
    expect(emu.commandLog().filter((l) => l === 'configure terminal').length).toBeGreaterThan(1); // retried
    expect(emu.objectGroups().has(`${BLOCK_GROUP}-1`)).toBe(false); // nothing was sent
    emu.setFaults({});
    await converges(emu, want(1500));
  });

  it('takes the configuration session over with advanced.configSession: kill', async () => {
    const emu = await boot({ configSessionHeld: true });
    await converges(emu, want(1500), { ...SMALL, 'advanced.configSession': 'kill' });
  });

  it('stops at the ACE limit with the device words, converges once the limit is raised', async () => {
    const emu = await boot({ elementLimit: 1200 });
    const err = await failure(run(emu, want(3000), SMALL));
    expect(err.message).toMatch(/access-list config limit reached/);
    expect(err.deviceReply).toMatch(/ERROR: Unable to add, access-list config limit reached/);
    expect(err.transient).toBe(false);
    expect(err.reached).toBeLessThanOrEqual(1200);
    emu.setFaults({});
    await converges(emu, want(3000));
  });

  it('reads through asynchronous syslog lines between replies', async () => {
    const emu = await boot({ asyncLines: true });
    await converges(emu, want(1500));
    await converges(emu, want(1600));
    emu.setFaults({});
    const again = await run(emu, want(1600), SMALL);
    expect(again.described).toEqual([]);
  });

  it('answers the save confirmation, and reports a failed save with the device words', async () => {
    const emu = await boot({ writeConfirm: true });
    await converges(emu, want(1500));
    const driver = await connect(emu, SMALL);
    await driver.save();
    expect(emu.startupConfig()).toBe(emu.runningConfig());

    emu.setFaults({ writeFailTimes: 1 });
    await converges(emu, want(1600));
    const saver = await connect(emu, SMALL);
    const err = await saver.save().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/%Error copying system:\/running-config \(No Device\)|\[FAILED\]/);
    expect(emu.startupConfig()).not.toBe(emu.runningConfig());
    await saver.save(); // the fault was for one save: the next one works
    expect(emu.startupConfig()).toBe(emu.runningConfig());
  });
});

describe('ASA failover pair', () => {
  it('reports each unit role, applies on the active only, the standby shows it', async () => {
    const pair = track(
      await startAsaPair({ host: address(), secondaryHost: address(), ...SECRETS, config: BOOT, hostname: 'lab-fw' }),
    );
    const standby = await connect(pair.secondary, SMALL);
    const active = await connect(pair.primary, SMALL);
    const onStandby = await standby.observe(REFS);
    expect(onStandby.haRole).toBe('standby');
    expect((await active.observe(REFS)).haRole).toBe('active');

    // The standby refuses configuration before sending anything.
    const desired = { [BLOCK_GROUP]: hosts(BLOCK, 1500, true) };
    const refused = await failure(standby.apply(planFor(onStandby, desired), onStandby));
    expect(refused.message).toMatch(/standby; configuration goes to the active unit/);

    const r = await run(pair.primary, desired, SMALL);
    expect(exactEquals(membersOf(r.observed, BLOCK_GROUP), desired[BLOCK_GROUP])).toBe(true);
    const seen = await standby.observe(REFS);
    expect(seen.haRole).toBe('standby');
    expect(exactEquals(membersOf(seen, BLOCK_GROUP), desired[BLOCK_GROUP])).toBe(true);
    expect(prefixCount(membersOf(seen, BLOCK_GROUP))).toBe(1501);
    expect(pair.secondary.objectGroups().get(`${BLOCK_GROUP}-2`)).toHaveLength(500);
  });
});

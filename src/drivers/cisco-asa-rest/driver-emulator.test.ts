// The ASA REST driver end to end against the ASA REST emulator (src/lab/asa-rest) on loopback 127.0.93.0/24, with
// the emulator's SSH front end on the same ASA: a first apply into three children, no change, an hourly update as a
// minimal diff, removal of a host the device holds in mask form, the SSH driver reading back what REST wrote (the
// same logical groups), a save. Faults and the fallback: driver-emulator-faults.test.ts.

import { describe, expect, it } from 'vitest';
import { exactEquals, prefixCount, prefixesToStrings } from '../../cidr/index.js';
import { DEFAULT_ASA_CONFIG } from '../../lab/asa/default-config.js';
import { startAsaRestEmulator } from '../../lab/asa-rest/index.js';
import type { RunningAsaRestEmulator } from '../../lab/asa-rest/index.js';
import { ConfigError } from '../../errors.js';
import { getDriverFactory } from '../registry.js';
import {
  address,
  ALLOW_GROUP,
  BLOCK_GROUP,
  BOOT_LINES,
  closeAfterEach,
  connect,
  context,
  hosts,
  keepDriver,
  logLines,
  MASK_HOST,
  membersOf,
  REFS,
  run,
  SECRETS,
  track,
  writes,
} from './e2e/test-helpers.js';

closeAfterEach();

const BLOCK = 0x64400000; // 100.64.0.0 onwards
export const BOOT = DEFAULT_ASA_CONFIG.replace('ftp mode passive\n', `${BOOT_LINES.join('\n')}\nftp mode passive\n`);

async function boot(): Promise<RunningAsaRestEmulator> {
  const host = address();
  return track(await startAsaRestEmulator({ host, ...SECRETS, config: BOOT, ssh: { host } }));
}

describe('ASA REST driver against the emulator', () => {
  it('first apply into three children, no change, an hourly minimal diff, the SSH read-back agrees, a save', async () => {
    const emu = await boot();
    const v1 = { [BLOCK_GROUP]: hosts(BLOCK, 250, true), [ALLOW_GROUP]: hosts(0xc0000200, 3) };

    // 1. First apply (nestedSize 100): the master keeps its foreign members and nests 100, 100, 50.
    const first = await run(emu, v1, { 'advanced.chunkSize': 60 });
    expect(first.described).toEqual([
      `create child ${BLOCK_GROUP}-1 (100 members) nested in its master`,
      `create child ${BLOCK_GROUP}-2 (100 members) nested in its master`,
      `create child ${BLOCK_GROUP}-3 (50 members) nested in its master`,
      `create object-group network ${ALLOW_GROUP}`,
      `create child ${ALLOW_GROUP}-1 (3 members) nested in its master`,
    ]);
    expect(exactEquals(membersOf(first.observed, BLOCK_GROUP), v1[BLOCK_GROUP])).toBe(true);
    expect(exactEquals(membersOf(first.observed, ALLOW_GROUP), v1[ALLOW_GROUP])).toBe(true);
    expect(first.predicted.groups).toEqual(first.observed.groups);
    // Children are created with their first chunk (POST), the rest in PATCH chunks of 60; the new allow master is
    // created holding its first child: 5 POSTs; children of 100 = 60 + 40 take one more PATCH each, 50 none; 3
    // attaches to the existing block master.
    expect(writes(first.requests)).toEqual({ POST: 5, PATCH: 5 });
    const groups = emu.objectGroups();
    expect(groups.get(BLOCK_GROUP)).toEqual([
      `network-object host 192.0.2.99`,
      'network-object object web',
      `network-object ${MASK_HOST} 255.255.255.255`,
      `group-object ${BLOCK_GROUP}-1`,
      `group-object ${BLOCK_GROUP}-2`,
      `group-object ${BLOCK_GROUP}-3`,
    ]);
    expect(groups.get(ALLOW_GROUP)).toEqual([`group-object ${ALLOW_GROUP}-1`]);
    expect([1, 2, 3].map((n) => groups.get(`${BLOCK_GROUP}-${n}`)?.length)).toEqual([100, 100, 50]);
    expect(first.observed.groups.find((g) => g.name === BLOCK_GROUP)).toMatchObject({
      foreign: ['network-object object web'],
      usedBy: ['access-list outside_in'],
    });

    // 2. No change: no write at all.
    const again = await run(emu, v1);
    expect(again.described).toEqual([]);
    expect(writes(again.requests)).toEqual({});
    expect(again.requests.total).toBe(0);

    // 3. An hour later: 5 leave the first child and 5 arrive in the room they leave, and the host held in mask form
    // (and the plain host) leave the master: one PATCH per group touched and direction, the removal in the device's form.
    const v2 = { ...v1, [BLOCK_GROUP]: hosts(BLOCK + 5, 250, false) };
    const before = emu.objectGroups();
    const hourly = await run(emu, v2);
    expect(hourly.described).toEqual([]);
    expect(writes(hourly.requests)).toEqual({ PATCH: 3 });
    const after = emu.objectGroups();
    expect(after.get(`${BLOCK_GROUP}-1`)?.length).toBe(100);
    expect(after.get(`${BLOCK_GROUP}-1`)).not.toEqual(before.get(`${BLOCK_GROUP}-1`));
    expect(after.get(`${BLOCK_GROUP}-2`)).toEqual(before.get(`${BLOCK_GROUP}-2`));
    expect(after.get(`${BLOCK_GROUP}-3`)).toEqual(before.get(`${BLOCK_GROUP}-3`));
    expect(after.get(BLOCK_GROUP)).not.toContain(`network-object ${MASK_HOST} 255.255.255.255`);
    const want = hosts(BLOCK + 5, 250);
    expect(prefixesToStrings(membersOf(hourly.observed, BLOCK_GROUP))).toEqual(prefixesToStrings(want));

    // 4. The ASA driver over SSH reads the same logical groups from the same ASA.
    const ssh = emu.ssh;
    if (ssh === undefined) throw new Error('no SSH front end');
    const asa = keepDriver(
      await (
        await getDriverFactory('asa')
      )({ ...context(emu), endpoint: { host: ssh.host, port: ssh.port } }),
    );
    const overSsh = await asa.observe(REFS);
    const strip = (o: typeof overSsh) => o.groups.map((g) => ({ ...g, members: prefixesToStrings(g.members) }));
    expect(strip(overSsh)).toEqual(strip(hourly.observed));

    // 5. Save: writemem, the startup config holds the groups.
    const driver = keepDriver(await (await getDriverFactory('asa-rest'))(context(emu)));
    await driver.save();
    expect(emu.startupConfig()).toContain(`object-group network ${BLOCK_GROUP}-3`);
    expect(prefixCount(want)).toBe(250);
  });

  it('empties a feed an ACL uses with the shim, deletes emptied children, and removes the shim once refilled', async () => {
    const emu = await boot();
    const v1 = { [BLOCK_GROUP]: hosts(BLOCK, 150), [ALLOW_GROUP]: hosts(0xc0000200, 0) };
    await run(emu, v1);
    const emptied = await run(emu, { [BLOCK_GROUP]: hosts(BLOCK, 0) });
    expect(emptied.described).toEqual([
      `add shim 10.255.255.254 to ${BLOCK_GROUP}: in use by access-list outside_in, it may not be empty`,
      `delete child ${BLOCK_GROUP}-1 (emptied)`,
      `delete child ${BLOCK_GROUP}-2 (emptied)`,
    ]);
    // The foreign object stays; it is no address, so the shim keeps the feed's master non-empty.
    expect(emu.objectGroups().get(BLOCK_GROUP)).toEqual([
      'network-object object web',
      'network-object host 10.255.255.254',
    ]);
    expect(prefixCount(membersOf(emptied.observed, BLOCK_GROUP))).toBe(0);
    const refilled = await run(emu, { [BLOCK_GROUP]: hosts(BLOCK, 2) });
    expect(refilled.described).toEqual([
      `create child ${BLOCK_GROUP}-1 (2 members) nested in its master`,
      'remove shim 10.255.255.254 from ThreatSTOP-Block',
    ]);
    expect(emu.objectGroups().get(BLOCK_GROUP)).toEqual(['network-object object web', `group-object ${BLOCK_GROUP}-1`]);
  });

  it('trusts a pinned certificate, refuses it unverified, and warns on every run when self-signed is allowed', async () => {
    const emu = await boot();
    const refused = await connect(emu, { 'advanced.certificateFingerprint': undefined }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConfigError);
    const wrongPin = await connect(emu, { 'advanced.certificateFingerprint': 'AB:'.repeat(31) + 'AB' }).catch(
      (e: unknown) => e,
    );
    expect(wrongPin).toBeInstanceOf(ConfigError);
    logLines.length = 0;
    const lax = await connect(emu, { 'advanced.certificateFingerprint': undefined, 'advanced.allowSelfSigned': true });
    const o = await lax.observe(REFS);
    expect(o.notes).toEqual([
      'the HTTPS certificate was not checked (advanced.allowSelfSigned: true): pin it with advanced.certificateFingerprint instead',
    ]);
    expect(logLines.filter((l) => l.startsWith('warn asa-rest certificate not verified'))).toHaveLength(1);
  });
});

// The ASA driver end to end against the ASA emulator (src/lab/asa) on loopback 127.0.13.0/24, booted from a real
// ASAv 9.16 configuration with our block master in use by an ACL and one foreign member in it: 25,000 entries in
// nested children, an hourly update, an emptied feed held by the shim, foreign config byte for byte, an OpenSSH
// read-back. Faults and HA: driver-emulator-faults.test.ts.

import { describe, expect, it } from 'vitest';
import { exactEquals, prefixCount } from '../../cidr/index.js';
import { startAsaEmulator } from '../../lab/asa/index.js';
import type { RunningAsaEmulator } from '../../lab/asa/index.js';
import { runOpenSshScript } from '../../lab/vty/openssh-script.js';
import {
  ACL_LINE,
  address,
  ALLOW_GROUP,
  BLOCK_GROUP,
  BOOT,
  childOfMember,
  closeAfterEach,
  connect,
  FOREIGN,
  hosts,
  membersOf,
  othersOf,
  planFor,
  REFS,
  run,
  SECRETS,
  track,
} from './e2e/test-helpers.js';

closeAfterEach();

const BLOCK = 0x64400000; // 100.64.0.0 onwards
const NESTED = { 'objectGroups.nestedSize': 10_000 };
const SHIM_LINE = 'network-object host 10.255.255.254';

async function boot(): Promise<RunningAsaEmulator> {
  return track(await startAsaEmulator({ host: address(), ...SECRETS, config: BOOT }));
}

describe('ASA driver against the emulator booted from the real ASAv 9.16 config', () => {
  it(
    'first apply of 25,000 in three children, no change, an hourly update that moves nothing, the shim, a save',
    { timeout: 300_000 },
    async () => {
      const emu = await boot();
      const untouched = othersOf(emu.runningConfig());
      const v1 = { [BLOCK_GROUP]: hosts(BLOCK, 25_000, true), [ALLOW_GROUP]: hosts(0xc0000200, 3) };

      // 1. First apply: the master keeps the foreign member and nests three children of 10,000, 10,000, 5,000.
      const first = await run(emu, v1, NESTED);
      expect(first.described).toEqual([
        `create child ${BLOCK_GROUP}-1 (10000 members) nested in its master`,
        `create child ${BLOCK_GROUP}-2 (10000 members) nested in its master`,
        `create child ${BLOCK_GROUP}-3 (5000 members) nested in its master`,
        `create object-group network ${ALLOW_GROUP}`,
        `create child ${ALLOW_GROUP}-1 (3 members) nested in its master`,
      ]);
      expect(exactEquals(membersOf(first.observed, BLOCK_GROUP), v1[BLOCK_GROUP])).toBe(true);
      expect(exactEquals(membersOf(first.observed, ALLOW_GROUP), v1[ALLOW_GROUP])).toBe(true);
      expect(first.predicted.groups).toEqual(first.observed.groups);
      const groups = emu.objectGroups();
      expect(groups.get(BLOCK_GROUP)).toEqual([
        `network-object host ${FOREIGN}`,
        `group-object ${BLOCK_GROUP}-1`,
        `group-object ${BLOCK_GROUP}-2`,
        `group-object ${BLOCK_GROUP}-3`,
      ]);
      expect([1, 2, 3].map((n) => groups.get(`${BLOCK_GROUP}-${n}`)?.length)).toEqual([10_000, 10_000, 5000]);

      const again = await run(emu, v1, NESTED);
      expect(again.described).toEqual([]);
      expect(again.sent.filter((l) => /network-object|object-group/.test(l))).toEqual([]);

      // 2. An hour later 2% changes: 500 leave (the first child's first 500), 500 arrive. Nothing moves.
      const placed = childOfMember(emu.objectGroups(), BLOCK_GROUP);
      const v2 = { ...v1, [BLOCK_GROUP]: hosts(BLOCK + 500, 25_000, true) };
      const hourly = await run(emu, v2, NESTED);
      expect(hourly.described).toEqual([]); // no child created, none deleted, no shim
      const members = hourly.sent.filter((l) => /network-object/.test(l));
      expect(members).toHaveLength(1000);
      expect(members.filter((l) => /^\s*no /.test(l))).toHaveLength(500);
      expect(exactEquals(membersOf(hourly.observed, BLOCK_GROUP), v2[BLOCK_GROUP])).toBe(true);
      const replaced = childOfMember(emu.objectGroups(), BLOCK_GROUP);
      let stayed = 0;
      for (const [line, child] of placed) {
        const now = replaced.get(line);
        if (now === undefined) continue;
        stayed++;
        expect(now, line).toBe(child);
      }
      expect(stayed).toBe(24_500);
      expect(replaced.size).toBe(25_000);

      // 3. The feed empties while inside_access uses the master: the shim holds it and the plan says so.
      const driver = await connect(emu, NESTED);
      const basis = await driver.observe(REFS);
      const emptied = planFor(basis, {});
      const said = driver.describe(emptied, basis);
      expect(said).toContain(
        `add shim 10.255.255.254 to ${BLOCK_GROUP}: in use by access-list inside_access, it may not be empty`,
      );
      expect(said.filter((l) => l.startsWith('delete child'))).toEqual([
        `delete child ${BLOCK_GROUP}-1 (emptied)`,
        `delete child ${BLOCK_GROUP}-2 (emptied)`,
        `delete child ${BLOCK_GROUP}-3 (emptied)`,
        `delete child ${ALLOW_GROUP}-1 (emptied)`,
      ]);
      await driver.apply(emptied, basis);
      expect(emu.objectGroups().get(BLOCK_GROUP)).toEqual([SHIM_LINE]);
      expect(emu.objectGroups().has(`${BLOCK_GROUP}-1`)).toBe(false);
      expect(emu.runningConfig()).toContain(`${ACL_LINE}\n`);
      const held = await driver.observe(REFS);
      expect(held.groups.map((g) => prefixCount(g.members))).toEqual([0, 0]);

      // The feed comes back: the shim leaves once real members are in.
      const back = await run(emu, v1, NESTED);
      expect(back.described).toContain(`remove shim 10.255.255.254 from ${BLOCK_GROUP}`);
      expect(emu.objectGroups().get(BLOCK_GROUP)).not.toContain(SHIM_LINE);
      expect(exactEquals(membersOf(back.observed, BLOCK_GROUP), v1[BLOCK_GROUP])).toBe(true);

      // 6. Everything outside tscm's groups is byte for byte what the device booted with, and it is saved.
      await driver.save();
      expect(othersOf(emu.runningConfig())).toBe(untouched);
      expect(emu.startupConfig()).toBe(emu.runningConfig());

      // 7. Read back with the OpenSSH client, as an operator would.
      const child = `${BLOCK_GROUP}-3`; // the last 5,000 and the foreign member, back as a desired one
      const out = await runOpenSshScript(
        { host: emu.host, port: emu.port },
        SECRETS,
        `enable\n${SECRETS.enablePassword}\nterminal pager 0\nshow running-config object-group id ${child}\nexit\n`,
      );
      expect(out).toContain(`object-group network ${child}`);
      const shown = out.match(/network-object host \d+\.\d+\.\d+\.\d+/g) ?? [];
      expect(shown).toHaveLength(emu.objectGroups().get(child)!.length);
      expect(new Set(shown)).toEqual(new Set(emu.objectGroups().get(child)));
    },
  );
});

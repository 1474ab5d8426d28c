// One contract suite for every driver (NAPALM's shared getters tests, in our terms): each platform runs it against
// its emulator, booted from a configuration that already holds a group and an ACL tscm does not own and one foreign
// member in the block group. The driver is reached as the core reaches it: a YAML definition loaded by config/,
// then connectDevice through the registry. Nothing of the driver is mocked.

import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrefixListBuilder, prefixesFromStrings, prefixesToStrings } from '../../src/cidr/index.js';
import type { PrefixList } from '../../src/cidr/types.js';
import { loadDefinitions } from '../../src/config/index.js';
import type { DeviceSpec } from '../../src/config/types.js';
import { DeviceApplyError } from '../../src/drivers/driver.js';
import type { Driver, Logger } from '../../src/drivers/driver.js';
import { getPlatform } from '../../src/drivers/registry.js';
import { computePlan, hasChanges } from '../../src/plan/compute-plan.js';
import { withFingerprint } from '../../src/plan/fingerprint.js';
import type { DevicePlan, Inventory, ObservedDevice } from '../../src/plan/model.js';
import { connectDevice } from '../../src/reconcile/connect.js';

/** An emulator of the platform, as the suite drives it. */
export interface ContractDevice {
  readonly host: string;
  readonly port: number;
  readonly hostKeyFingerprint: string;
  /**
   * How the driver trusts the device, as lines under `advanced:` (`  certificateFingerprint: "AA:.."`); when given
   * they replace the `hostKey:` line SSH devices get.
   */
  readonly yaml?: string;
  runningConfig(): string;
  commandLog(): readonly string[];
  /** After N more commands the device refuses every command (its own words: authorization failing, a limit). */
  refuseAfter(commands: number): void;
  /** The session in use is dropped after N more commands. */
  dropAfter(commands: number): void;
  /** Every save fails until faults are cleared. */
  failSaves(): void;
  /** Resolves once the device serves normally again (an agent restarting may still be down). */
  clearFaults(): void | Promise<void>;
  close(): Promise<void>;
}

export interface ContractTarget {
  readonly platform: string;
  /** The device's block and allow groups (the boot config's ACL uses the block group). */
  readonly groups: { readonly block: string; readonly allow: string };
  /** A member of the block group in the boot config that tscm does not own (IPv4 CIDR). */
  readonly foreignMember: string;
  /** Extra YAML for the device (platform options). */
  readonly yaml?: string;
  /** Extra fields of objectGroups (`nestedSize: 500`). */
  readonly objectGroups?: string;
  /** Boots the emulator with these credentials. */
  start(creds: { username: string; password: string; enablePassword: string }): Promise<ContractDevice>;
}

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

function hosts(first: number, n: number, v6 = false): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const a = (first + i) >>> 0;
    out.push(
      v6
        ? `2001:db8:${(i >> 8).toString(16)}::${(i & 0xff).toString(16)}/128`
        : `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}/32`,
    );
  }
  return out;
}

function list(prefixes: readonly string[]): PrefixList {
  return prefixesFromStrings(prefixes);
}

/**
 * The running config without the managed groups' blocks (header, indented members) and their derived groups, and
 * without the `Cryptochecksum:` line PIX/FWSM/ASA print (a digest of the whole configuration, so it moves with
 * tscm's own members).
 */
export function outsideManaged(config: string, isManaged: (name: string) => boolean): string {
  const out: string[] = [];
  let skipping = false;
  for (const line of config.split('\n')) {
    const header = /^object-group (?:network|v6-network) (\S+)/.exec(line);
    if (header !== null) skipping = isManaged(header[1] ?? '');
    else if (!/^\s/.test(line)) skipping = false;
    if (!skipping && !line.startsWith('Cryptochecksum:')) out.push(line);
  }
  return out.join('\n');
}

export function describeDriverContract(target: ContractTarget): void {
  const platform = getPlatform(target.platform);
  const v6 = platform.traits.families.includes('v6');
  const names = [target.groups.block, target.groups.allow];
  const isManaged = (n: string): boolean =>
    names.some((m) => m.toLowerCase() === n.toLowerCase() || platform.groupNames.derived(m, n));

  describe(`driver contract: ${target.platform}`, () => {
    let device: ContractDevice;
    let spec: DeviceSpec;
    let dir: string;
    /** What tscm owns: the members it put there (the suite's own inventory, as the state would hold it). */
    let owned: Inventory = { groups: [] };
    let desiredBlock: string[] = [];
    let desiredAllow: string[] = [];

    beforeAll(async () => {
      const creds = { username: 'netops', password: 'pw-' + randomBytes(8).toString('hex'), enablePassword: 'en-x' };
      device = await target.start(creds);
      dir = await mkdtemp(path.join(tmpdir(), `tscm-contract-${target.platform}-`));
      await writeFile(path.join(dir, 'user'), creds.username);
      await writeFile(path.join(dir, 'password'), creds.password);
      await writeFile(path.join(dir, 'enable'), creds.enablePassword);
      await writeFile(path.join(dir, 'block.txt'), '192.0.2.1\n');
      await writeFile(
        path.join(dir, 'device.yaml'),
        [
          'name: contract-dev',
          `platform: ${target.platform}`,
          'deviceId: tdid_contract',
          `management: { host: ${device.host}, port: ${device.port} }`,
          'credentials:',
          '  username: { file: user }',
          '  password: { file: password }',
          '  enablePassword: { file: enable }',
          ...(device.yaml === undefined ? [`hostKey: { fingerprint: "${device.hostKeyFingerprint}" }`] : []),
          'policy: { blockList: { file: block.txt } }',
          `objectGroups: { block: ${target.groups.block}, allow: ${target.groups.allow}, maxEntries: 100000${target.objectGroups ? `, ${target.objectGroups}` : ''} }`,
          'advanced:',
          '  connectTimeoutMs: 5000',
          '  commandTimeoutMs: 10000',
          '  saveRetries: 1',
          '  saveRetryDelayMs: 10',
          '  configLockRetryDelayMs: 10',
          target.yaml ?? '',
          device.yaml ?? '',
        ].join('\n'),
      );
      const defs = await loadDefinitions(dir, { defaultStateDir: path.join(dir, '.tscm') });
      expect(defs.diagnostics).toEqual([]);
      spec = defs.devices[0]!;
    });

    afterAll(async () => {
      await device?.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    async function session<T>(fn: (driver: Driver) => Promise<T>): Promise<T> {
      const driver = await connectDevice(spec, spec.management, { dir, log: quiet });
      try {
        return await fn(driver);
      } finally {
        await driver.close().catch(() => undefined);
      }
    }

    async function observe(driver: Driver): Promise<ObservedDevice> {
      return withFingerprint(
        await driver.observe(names.map((name, i) => ({ name, role: i === 0 ? 'block' : 'allow' }))),
      );
    }

    function planAgainst(observed: ObservedDevice): DevicePlan {
      const desired = {
        groups: [
          { name: target.groups.block, role: 'block' as const, members: list(desiredBlock) },
          { name: target.groups.allow, role: 'allow' as const, members: list(desiredAllow) },
        ],
      };
      return computePlan(desired, observed, owned, {
        device: spec.name,
        platform: spec.platform,
        maxRemoveShare: 1,
        inputs: { zones: [], observedFingerprint: observed.fingerprint, state: null, adopt: false },
      });
    }

    /** Plans, applies in one window and saves; tscm then owns what it desired (the foreign member stays not ours). */
    async function converge(): Promise<DevicePlan> {
      return session(async (driver) => {
        const observed = await observe(driver);
        const plan = planAgainst(observed);
        if (hasChanges(plan)) await driver.apply(plan.groups, observed);
        await driver.save();
        const after = planAgainst(await observe(driver));
        expect(hasChanges(after), `${target.platform}: converged`).toBe(false);
        owned = {
          groups: [
            { name: target.groups.block, role: 'block', created: true, members: list(desiredBlock) },
            { name: target.groups.allow, role: 'allow', created: true, members: list(desiredAllow) },
          ],
        };
        return plan;
      });
    }

    function membersOf(observed: ObservedDevice, name: string): string[] {
      return prefixesToStrings(
        observed.groups.find((g) => g.name === name)?.members ?? new PrefixListBuilder().build(),
      );
    }

    it('first apply: creates what is missing, both families where the platform has them, and reads it back', async () => {
      desiredBlock = [...hosts(0x0a010000, 300), '198.51.100.0/24', ...(v6 ? hosts(0, 10, true) : [])];
      desiredAllow = hosts(0xc0a80001, 5);
      const plan = await converge();
      expect(plan.summary.add).toBe(desiredBlock.length + desiredAllow.length);
      await session(async (driver) => {
        const seen = await observe(driver);
        expect(membersOf(seen, target.groups.block)).toEqual(
          prefixesToStrings(list([...desiredBlock, target.foreignMember])),
        );
        expect(membersOf(seen, target.groups.allow)).toEqual(prefixesToStrings(list(desiredAllow)));
      });
    });

    it('a second plan against the device has no changes, and its fingerprint is stable', async () => {
      const [a, b] = await session(async (driver) => [await observe(driver), await observe(driver)] as const);
      expect(hasChanges(planAgainst(a))).toBe(false);
      expect(a.fingerprint).toBe(b.fingerprint);
    });

    it('an update is a minimal diff: no command names a member that did not change', async () => {
      const removed = desiredBlock.slice(0, 6);
      const added = hosts(0x0a020000, 6);
      desiredBlock = [...desiredBlock.slice(6), ...added];
      const before = device.commandLog().length;
      const plan = await converge();
      expect(plan.summary).toMatchObject({ add: 6, remove: 6 });
      const sent = device.commandLog().slice(before).join('\n');
      const unchanged = desiredBlock.filter((p) => !added.includes(p)).slice(0, 50);
      for (const p of unchanged)
        expect(sent).not.toMatch(new RegExp(`\\b${p.split('/')[0]!.replace(/\./g, '\\.')}\\b`));
      for (const p of [...removed, ...added]) expect(sent).toContain(p.split('/')[0]);
    });

    it('leaves what it does not own byte for byte: other groups, ACLs, the foreign member', async () => {
      const before = outsideManaged(device.runningConfig(), isManaged);
      desiredBlock = [...desiredBlock, '203.0.113.0/28'];
      await converge();
      expect(outsideManaged(device.runningConfig(), isManaged)).toBe(before);
      await session(async (driver) => {
        expect(membersOf(await observe(driver), target.groups.block)).toContain(target.foreignMember);
      });
    });

    it('a device error mid-apply stops with the command and the device words, and the next run converges', async () => {
      desiredBlock = [...desiredBlock, ...hosts(0x0a030000, 2000)];
      const err = await session(async (driver) => {
        const observed = await observe(driver);
        device.refuseAfter(40);
        return driver.apply(planAgainst(observed).groups, observed).catch((e: unknown) => e);
      });
      await device.clearFaults();
      expect(err).toBeInstanceOf(DeviceApplyError);
      const e = err as DeviceApplyError;
      // Mid-apply: some member changes were confirmed before the refusal, not all.
      expect(e.reached).toBeGreaterThan(0);
      expect(e.reached).toBeLessThan(2000);
      expect(e.deviceReply ?? '').not.toBe('');
      await converge();
    });

    it('a dropped session is a transient failure, and the next run converges', async () => {
      desiredBlock = [...desiredBlock.slice(100), ...hosts(0x0a040000, 1500)];
      const err = await session(async (driver) => {
        const observed = await observe(driver);
        device.dropAfter(3);
        return driver.apply(planAgainst(observed).groups, observed).catch((e: unknown) => e);
      });
      await device.clearFaults();
      expect(err).toBeInstanceOf(DeviceApplyError);
      expect((err as DeviceApplyError).transient).toBe(true);
      await converge();
    });

    it('a failed save says so with the device words; the next save succeeds', async () => {
      device.failSaves();
      const err = await session((driver) => driver.save().catch((e: unknown) => e));
      await device.clearFaults();
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toMatch(/contract-dev/);
      await session((driver) => driver.save());
    });
  });
}

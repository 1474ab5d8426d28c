// The PIX driver end to end against the PIX/FWSM emulator (src/lab/pix) on loopback 127.0.11.0/24, booted from real
// configurations: FWSM 3.1 over SSH, PIX 6 over telnet. Plans are computed here the way the core does (desired
// minus observed), so each run is what `tscm apply` would send.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { afterEach, describe, expect, it } from 'vitest';
import { EMPTY_PREFIXES, exactDifference, exactEquals, PrefixListBuilder, prefixCount } from '../../cidr/index.js';
import type { PrefixList } from '../../cidr/types.js';
import { feedsFrom, NO_PROTECT } from '../../config/policy-feeds.js';
import type { DeviceSpec } from '../../config/types.js';
import { ConfigError } from '../../errors.js';
import { startPixEmulator } from '../../lab/pix/index.js';
import type { PixEmulatorOptions, RunningPixEmulator } from '../../lab/pix/index.js';
import { runOpenSshScript } from '../../lab/vty/openssh-script.js';
import type { GroupChange } from '../../plan/model.js';
import { DeviceApplyError } from '../driver.js';
import type { Driver, DriverContext, Logger, Observation } from '../driver.js';
import { createPixDriver } from './index.js';

const real = (name: string): string =>
  readFileSync(join(import.meta.dirname, '../../lab/pix/testdata/real', name, 'running-config.txt'), 'utf8');
// The real FWSM context, plus our block group in use by an ACL (as a site using tscm would have it).
const FWSM = real('fwsm-ceige-3.1').replace(
  'pager lines 24\n',
  'object-group network threatstop-block\n network-object host 198.51.100.1\n' +
    'access-list outside_in extended deny ip object-group threatstop-block any\n' +
    'access-list outside_in extended permit ip any any\naccess-group outside_in in interface outside\npager lines 24\n',
);
const PIX6 = real('pix501-6.1');
const SECRETS = { username: 'netops', password: 'pw-Secret-1', enablePassword: 'en-Secret-2' };
const REFS = [
  { name: 'threatstop-block', role: 'block' as const },
  { name: 'threatstop-allow', role: 'allow' as const },
];

const running: RunningPixEmulator[] = [];
const drivers: Driver[] = [];
afterEach(async () => {
  await Promise.all(drivers.splice(0).map((d) => d.close().catch(() => undefined)));
  await Promise.all(running.splice(0).map((e) => e.close()));
});

const address = (): string => `127.0.11.${2 + Math.floor(Math.random() * 250)}`;

async function boot(o: Partial<PixEmulatorOptions> & Pick<PixEmulatorOptions, 'variant'>): Promise<RunningPixEmulator> {
  const emu = await startPixEmulator({ host: address(), ...SECRETS, ...o });
  running.push(emu);
  return emu;
}

const quiet: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function context(emu: RunningPixEmulator, options: Record<string, unknown> = {}, secrets = SECRETS): DriverContext {
  const telnet = options['advanced.transport'] === 'telnet';
  const spec: DeviceSpec = {
    name: 'lab-pix',
    platform: 'pix',
    deviceId: 'lab-pix',
    management: { host: emu.host, port: telnet ? emu.telnetPort : emu.port },
    peers: [],
    credentials: { username: { env: 'U' }, password: { env: 'P' }, enablePassword: { env: 'E' } },
    hostKey: telnet ? {} : { fingerprint: emu.hostKeyFingerprint },
    policy: { blockList: feedsFrom({ kind: 'file', path: '/dev/null' }), allowList: [] },
    protect: NO_PROTECT,
    objectGroups: { block: 'threatstop-block', allow: 'threatstop-allow', maxEntries: 1_000_000 },
    policyUpdates: true,
    safety: { maxRemoveShare: 1 },
    logs: { upload: false, rotateKb: 1024, sources: [] },
    advanced: { connectTimeoutMs: 5000, commandTimeoutMs: 10_000, applyWindow: 5000 },
    // Short waits: the fault tests exercise the retries, not the production delays.
    options: { 'advanced.saveRetryDelayMs': 10, 'advanced.configLockRetryDelayMs': 10, ...options },
    source: { file: 'devices/lab-pix.yaml', line: 1 },
  };
  return { spec, endpoint: spec.management, secret: async (f) => secrets[f], log: quiet };
}

async function connect(emu: RunningPixEmulator, options: Record<string, unknown> = {}): Promise<Driver> {
  const driver = await createPixDriver(context(emu, options));
  drivers.push(driver);
  return driver;
}

function hosts(first: number, n: number): PrefixList {
  const b = new PrefixListBuilder();
  for (let i = 0; i < n; i++) b.addV4((first + i) >>> 0, 32);
  return b.build();
}

/** The plan the core would make: desired minus observed and back, per logical group. */
function planFor(basis: Observation, desired: Readonly<Record<string, PrefixList>>): GroupChange[] {
  return basis.groups.map((g) => {
    const want = desired[g.name] ?? EMPTY_PREFIXES;
    const add = exactDifference(want, g.members);
    const remove = exactDifference(g.members, want);
    const moves = prefixCount(add) + prefixCount(remove);
    return {
      name: g.name,
      role: g.role,
      action: !g.exists ? 'create' : moves > 0 ? 'update' : 'none',
      add,
      remove,
      unmanaged: 0,
      alreadyPresent: 0,
      before: prefixCount(g.members),
      after: prefixCount(want),
    };
  });
}

/** One run as `tscm apply` makes it: connect, observe, plan, apply; returns the prediction and the re-read. */
async function run(
  emu: RunningPixEmulator,
  desired: Readonly<Record<string, PrefixList>>,
  options: Record<string, unknown> = {},
): Promise<{ predicted: Observation; observed: Observation; sent: string[] }> {
  const driver = await connect(emu, options);
  const basis = await driver.observe(REFS);
  const before = emu.commandLog().length;
  const predicted = await driver.apply(planFor(basis, desired), basis);
  const sent = emu.commandLog().slice(before);
  const observed = await driver.observe(REFS);
  return { predicted, observed, sent };
}

function membersOf(o: Observation, name: string): PrefixList {
  return o.groups.find((g) => g.name === name)?.members ?? EMPTY_PREFIXES;
}

/** The configuration without tscm's two groups and the checksum: what must stay byte for byte. */
function othersOf(config: string): string {
  const out: string[] = [];
  let ours = false;
  for (const line of config.split('\n')) {
    if (/^object-group network threatstop-(block|allow)$/.test(line)) ours = true;
    else if (!/^\s/.test(line)) ours = false;
    if (!ours && !line.startsWith('Cryptochecksum:')) out.push(line);
  }
  return out.join('\n');
}

const BLOCK = 0x64400000; // 100.64.0.0 onwards: 25,000 hosts

describe('FWSM 3.1 over SSH, booted from the real context', () => {
  it(
    'first apply of 25,000, a no-change run, an hourly minimal update, an emptied feed held by the shim',
    { timeout: 300_000 },
    async () => {
      const emu = await boot({ variant: 'fwsm3', config: FWSM });
      const untouched = othersOf(emu.runningConfig());
      const v1 = { 'threatstop-block': hosts(BLOCK, 25_000), 'threatstop-allow': hosts(0xc0000200, 3) };

      const first = await run(emu, v1);
      expect(prefixCount(membersOf(first.observed, 'threatstop-block'))).toBe(25_000);
      expect(exactEquals(membersOf(first.observed, 'threatstop-allow'), v1['threatstop-allow'])).toBe(true);
      expect(first.predicted.groups).toEqual(first.observed.groups);
      expect(first.predicted.facts).toEqual(first.observed.facts);
      expect(emu.objectGroups().get('threatstop-block')).toHaveLength(25_000); // the seed member went, no shim

      const again = await run(emu, v1);
      expect(again.sent.filter((l) => /network-object|object-group/.test(l))).toEqual([]);

      // An hour later 500 entries leave the feed and 500 arrive: exactly those 1,000 lines move.
      const v2 = { ...v1, 'threatstop-block': hosts(BLOCK + 500, 25_000) };
      const hourly = await run(emu, v2);
      const members = hourly.sent.filter((l) => /network-object/.test(l));
      expect(members).toHaveLength(1000);
      expect(members.filter((l) => /^\s*no /.test(l))).toHaveLength(500);
      expect(exactEquals(membersOf(hourly.observed, 'threatstop-block'), v2['threatstop-block'])).toBe(true);

      // The feed empties: the group outside_in uses keeps the shim, and the plan says so.
      const driver = await connect(emu);
      const basis = await driver.observe(REFS);
      const emptied = planFor(basis, {});
      expect(driver.describe(emptied, basis)).toEqual([
        'add shim 10.255.255.254 to threatstop-block (it would be empty; used by access-list outside_in)',
        'add shim 10.255.255.254 to threatstop-allow (it would be empty; a PIX group is never left empty)',
      ]);
      await driver.apply(emptied, basis);
      expect(emu.objectGroups().get('threatstop-block')).toEqual(['host 10.255.255.254']);
      const held = await driver.observe(REFS);
      expect(held.groups.map((g) => prefixCount(g.members))).toEqual([0, 0]);
      // The feed comes back: the shim leaves once real members are in.
      const back = await run(emu, v1);
      expect(emu.objectGroups().get('threatstop-block')).not.toContain('host 10.255.255.254');
      expect(prefixCount(membersOf(back.observed, 'threatstop-block'))).toBe(25_000);

      await driver.save();
      expect(othersOf(emu.runningConfig())).toBe(untouched);
      expect(emu.startupConfig()).toBe(emu.runningConfig());
      // Read back with the OpenSSH client, as an operator would.
      const out = await runOpenSshScript(
        { host: emu.host, port: emu.port },
        SECRETS,
        `enable\n${SECRETS.enablePassword}\nterminal pager 0\nshow running-config object-group\nexit\n`,
      );
      expect(out.match(/network-object host 100\.64\./g)).toHaveLength(25_000);
    },
  );

  it('each fault, then a run that converges', { timeout: 120_000 }, async () => {
    const emu = await boot({ variant: 'fwsm3', config: FWSM });
    const want = { 'threatstop-block': hosts(BLOCK, 2000), 'threatstop-allow': hosts(0xc0000200, 2) };
    const converged = async (): Promise<void> => {
      const r = await run(emu, want);
      expect(exactEquals(membersOf(r.observed, 'threatstop-block'), want['threatstop-block'])).toBe(true);
      expect(exactEquals(membersOf(r.observed, 'threatstop-allow'), want['threatstop-allow'])).toBe(true);
    };

    // A dropped session mid-apply: transient, never more claimed than confirmed.
    emu.setFaults({ dropAfterCommands: 600 });
    const err = await run(emu, want).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceApplyError);
    expect((err as DeviceApplyError).transient).toBe(true);
    expect((err as DeviceApplyError).reached).toBeLessThanOrEqual(emu.objectGroups().get('threatstop-block')!.length);
    emu.setFaults({});
    await converged();

    // "already exists" for a member that is not there: a notice, not success; the read-back shows it missing.
    emu.setFaults({ objectExistsTimes: 3 });
    const r = await run(emu, { ...want, 'threatstop-block': hosts(BLOCK, 2010) });
    expect(prefixCount(membersOf(r.observed, 'threatstop-block'))).toBe(2007);
    emu.setFaults({});
    await converged();

    // write memory fails once: a ConfigError with the device's words; the next save works.
    emu.setFaults({ writeFailTimes: 1 });
    const driver = await connect(emu);
    await expect(driver.save()).rejects.toThrow(ConfigError);
    await driver.save();
    expect(emu.startupConfig()).toBe(emu.runningConfig());
  });

  it(
    'reports the FWSM ACE limit with what to do, and converges once the limit is raised',
    { timeout: 120_000 },
    async () => {
      const emu = await boot({ variant: 'fwsm3', config: FWSM, faults: { aceLimit: 1500 } });
      const want = { 'threatstop-block': hosts(BLOCK, 3000), 'threatstop-allow': hosts(0xc0000200, 1) };
      const err = await run(emu, want).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DeviceApplyError);
      expect((err as Error).message).toMatch(/access-list config limit reached.*raise the limit on the device/);
      expect((err as DeviceApplyError).transient).toBe(false);
      emu.setFaults({ aceLimit: 1_000_000 });
      const r = await run(emu, want);
      expect(exactEquals(membersOf(r.observed, 'threatstop-block'), want['threatstop-block'])).toBe(true);
    },
  );

  it('needs the legacy algorithms opted in on a legacy-only device', async () => {
    const key = ssh2.utils.generateKeyPairSync('rsa', { bits: 2048 });
    const emu = await boot({
      variant: 'fwsm3',
      config: FWSM,
      hostKey: key.private,
      algorithms: {
        kex: ['diffie-hellman-group1-sha1'],
        cipher: ['aes128-cbc', '3des-cbc'],
        serverHostKey: ['ssh-rsa'],
        hmac: ['hmac-sha1'],
      },
    });
    const refused = await connect(emu).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConfigError);
    expect((refused as Error).message).toMatch(/SSH handshake failed/);
    const driver = await connect(emu, {
      'advanced.kex': ['diffie-hellman-group1-sha1'],
      'advanced.ciphers': ['aes128-cbc'],
      'advanced.hostKeyAlgorithms': ['ssh-rsa'],
    });
    const seen = await driver.observe(REFS);
    expect(seen.groups[0]?.usedBy).toEqual(['access-list outside_in']);
  });
});

describe('PIX 6 over telnet, booted from the real PIX 501', () => {
  it('creates both groups with 25,000 entries, then has nothing to do', { timeout: 300_000 }, async () => {
    const emu = await boot({ variant: 'pix6', config: PIX6 });
    const untouched = othersOf(emu.runningConfig());
    const want = { 'threatstop-block': hosts(BLOCK, 25_000) };
    const telnet = { 'advanced.transport': 'telnet' };
    const first = await run(emu, want, telnet);
    expect(prefixCount(membersOf(first.observed, 'threatstop-block'))).toBe(25_000);
    // Nothing in the allow list: the group is born holding the shim.
    expect(emu.objectGroups().get('threatstop-allow')).toEqual(['host 10.255.255.254']);
    expect(first.predicted.facts).toEqual(first.observed.facts);
    expect(first.sent).not.toContain('end'); // PIX 6 refuses end: config is left with exit
    const again = await run(emu, want, telnet);
    expect(again.sent.filter((l) => /network-object|object-group/.test(l))).toEqual([]);
    expect(othersOf(emu.runningConfig())).toBe(untouched);
  });

  it("takes telnet to port 23 when the definition left the port at SSH's 22", async () => {
    const emu = await boot({ variant: 'pix6', config: PIX6 });
    const ctx = context(emu, { 'advanced.transport': 'telnet' });
    const at22 = { ...ctx, endpoint: { host: emu.host, port: 22 } };
    // Nothing listens on port 23 of this loopback address: the refusal names the port tried.
    await expect(createPixDriver(at22)).rejects.toThrow(`(${emu.host}:23): telnet connection failed`);
  });

  it('refuses a wrong telnet password without echoing it', async () => {
    const emu = await boot({ variant: 'pix6', config: PIX6 });
    const err = await createPixDriver(
      context(emu, { 'advanced.transport': 'telnet' }, { ...SECRETS, password: 'not-it' }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/telnet login refused/);
    expect((err as Error).message).not.toContain('not-it');
  });
});

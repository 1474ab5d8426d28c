// The IOS driver and the shared SSH session against the IOS emulator (src/lab/ios) on loopback.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { afterEach, describe, expect, it } from 'vitest';
import { PrefixListBuilder, prefixCount, prefixesFromStrings } from '../../cidr/index.js';
import type { HostKeyCheck } from '../../config/types.js';
import { ConfigError, TransientError } from '../../errors.js';
import { startIosEmulator } from '../../lab/ios/index.js';
import type { IosEmulatorOptions, RunningIosEmulator } from '../../lab/ios/index.js';
import { fingerprintObserved } from '../../plan/fingerprint.js';
import type { GroupChange } from '../../plan/model.js';
import { DeviceApplyError } from '../driver.js';
import type { ApplyProgress, Driver } from '../driver.js';
import { IOS_ERROR_RULES } from './error-rules.js';
import { CliSession } from '../shared/ssh-session.js';
import { createIosDriver } from './index.js';
import type { IosDriverTuning } from './index.js';
import { createRecordingLogger, makeContext, makeIosSpec } from './test-helpers.js';

const SECRETS = { username: 'netops', password: 'pw-Secret-1', enablePassword: 'en-Secret-2' };
const BASE_CONFIG = `hostname lab-rtr
object-group network TSCM-BLOCK
 description managed by tscm
 host 192.0.2.1
 range 192.0.2.10 192.0.2.20
object-group network OTHER
 host 198.51.100.1
ip access-list extended BLOCK-IN
 10 deny ip object-group TSCM-BLOCK any
 20 permit ip any any
`;

const running: RunningIosEmulator[] = [];
const drivers: Driver[] = [];
afterEach(async () => {
  await Promise.all(drivers.splice(0).map((d) => d.close().catch(() => undefined)));
  await Promise.all(running.splice(0).map((e) => e.close()));
});

/** An ed25519 pair ssh2 can read back (its generator yields an unparsable key ~2 in 1,000: mscdex/ssh2 #1390). */
function parsableKeyPair(): { private: string; public: string } {
  for (let attempt = 0; attempt < 20; attempt++) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519');
    if (!(ssh2.utils.parseKey(pair.private) instanceof Error)) return pair;
  }
  throw new Error('ssh2 generated no parsable ed25519 key in 20 attempts');
}

async function boot(opts: Partial<IosEmulatorOptions> = {}): Promise<RunningIosEmulator> {
  const emu = await startIosEmulator({ host: '127.0.0.1', config: BASE_CONFIG, ...SECRETS, ...opts });
  running.push(emu);
  return emu;
}

async function connect(
  emu: RunningIosEmulator,
  o: {
    hostKey?: HostKeyCheck;
    advanced?: Record<string, unknown>;
    tuning?: IosDriverTuning;
    secrets?: typeof SECRETS;
  } = {},
) {
  const log = createRecordingLogger();
  const spec = makeIosSpec(emu.host, emu.port, o.hostKey ?? { fingerprint: emu.hostKeyFingerprint }, o.advanced);
  const driver = await createIosDriver(makeContext(spec, o.secrets ?? SECRETS, log), o.tuning);
  drivers.push(driver);
  return { driver, log };
}

function hosts(first: number, n: number): GroupChange {
  const b = new PrefixListBuilder();
  for (let i = 0; i < n; i++) b.addV4((first + i) >>> 0, 32);
  const add = b.build();
  return {
    name: 'TSCM-BLOCK',
    role: 'block',
    action: 'update',
    add,
    remove: prefixesFromStrings([]),
    unmanaged: 0,
    alreadyPresent: 0,
    before: 1,
    after: 1 + n,
  };
}

const GROUPS = [
  { name: 'TSCM-BLOCK', role: 'block' as const },
  { name: 'TSCM-ALLOW', role: 'allow' as const },
];

describe('connect', () => {
  it('pins the host key: the right fingerprint connects, a wrong one is refused showing the real one', async () => {
    const emu = await boot();
    const { driver } = await connect(emu);
    const seen = await driver.observe(GROUPS);
    expect(seen.groups[0]?.exists).toBe(true);
    const wrong = connect(emu, { hostKey: { fingerprint: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } });
    await expect(wrong).rejects.toBeInstanceOf(ConfigError);
    await expect(wrong).rejects.toThrow(/does NOT match/);
    const none = await connect(emu, { hostKey: {} }).catch((e: ConfigError) => e);
    expect(none).toBeInstanceOf(ConfigError);
    expect((none as ConfigError).hint).toContain(emu.hostKeyFingerprint);
  });

  it('checks the key against a known_hosts file ([host]:port form)', async () => {
    const pair = parsableKeyPair();
    const emu = await boot({ hostKey: pair.private });
    const dir = mkdtempSync(join(tmpdir(), 'tscm-ios-kh-'));
    const good = join(dir, 'good');
    writeFileSync(good, `[127.0.0.1]:${emu.port} ${pair.public.split(' ').slice(0, 2).join(' ')}\n`);
    const { driver } = await connect(emu, { hostKey: { knownHosts: good } });
    expect((await driver.observe(GROUPS)).groups).toHaveLength(2);
    const other = parsableKeyPair();
    const bad = join(dir, 'bad');
    writeFileSync(bad, `[127.0.0.1]:${emu.port} ${other.public.split(' ').slice(0, 2).join(' ')}\n`);
    await expect(connect(emu, { hostKey: { knownHosts: bad } })).rejects.toThrow(
      /does NOT match the one in known_hosts/,
    );
  });

  it('answers keyboard-interactive with the password', async () => {
    const emu = await boot({ authMethods: ['keyboard-interactive'] });
    const { driver } = await connect(emu);
    expect((await driver.observe(GROUPS)).groups[0]?.exists).toBe(true);
  });

  it('refuses a wrong password and a wrong enable password without leaking them', async () => {
    const emu = await boot();
    const badLogin = await connect(emu, { secrets: { ...SECRETS, password: 'nope-pw-9' } }).catch((e: Error) => e);
    expect(badLogin).toBeInstanceOf(ConfigError);
    expect(String((badLogin as Error).message)).not.toContain('nope-pw-9');
    const badEnable = await connect(emu, { secrets: { ...SECRETS, enablePassword: 'wrong-en-7' } }).catch(
      (e: Error) => e,
    );
    expect(badEnable).toBeInstanceOf(ConfigError);
    expect((badEnable as Error).message).toMatch(/enable password rejected/);
    expect((badEnable as Error).message).not.toContain('wrong-en-7');
  });

  it('connects to a legacy-only device when its algorithms are opted in, and says how otherwise', async () => {
    const emu = await boot({ algorithms: { kex: ['diffie-hellman-group14-sha1'], cipher: ['aes128-cbc'] } });
    const refused = await connect(emu).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConfigError);
    expect((refused as ConfigError).message).toMatch(/handshake failed/i);
    expect((refused as ConfigError).hint).toMatch(/advanced\.kex/);
    const { driver } = await connect(emu, {
      advanced: { kex: ['diffie-hellman-group14-sha1'], ciphers: ['aes128-cbc'] },
    });
    expect((await driver.observe(GROUPS)).groups[0]?.exists).toBe(true);
  });
});

describe('observe and apply', () => {
  it('observes members, foreign lines and ACL usage', async () => {
    const emu = await boot();
    const { driver } = await connect(emu);
    const seen = await driver.observe(GROUPS);
    const block = seen.groups[0]!;
    expect(prefixCount(block.members)).toBe(1);
    expect(block.foreign).toEqual(['range 192.0.2.10 192.0.2.20']);
    expect(block.usedBy).toEqual(['ip access-list extended BLOCK-IN']);
    expect(seen.groups[1]?.exists).toBe(false);
    expect(fingerprintObserved(seen.groups)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('describes the IPv6 twin it will create, and returns the basis after each apply for the next window', async () => {
    const emu = await boot();
    const { driver } = await connect(emu);
    const basis = await driver.observe(GROUPS);
    const change: GroupChange = { ...hosts(0x0a000000, 0), add: prefixesFromStrings(['2001:db8::/48']) };
    expect(driver.describe([change], basis)).toEqual([
      'create object-group v6-network TSCM-BLOCK-v6 for the IPv6 members of TSCM-BLOCK',
    ]);
    const next = await driver.apply([change], basis);
    // The twin exists now: a second window adding IPv6 members describes nothing more, and deleting removes it.
    expect(driver.describe([change], next)).toEqual([]);
    expect(driver.describe([{ ...change, action: 'delete' }], next)).toEqual([
      'delete object-group v6-network TSCM-BLOCK-v6 (the IPv6 twin of TSCM-BLOCK)',
    ]);
    expect(emu.objectGroups().get('TSCM-BLOCK-v6')).toContain('2001:db8::/48');
  });

  it('applies 10,000 adds in batches, with progress, and reads them back', async () => {
    const emu = await boot();
    const { driver, log } = await connect(emu, { tuning: { batchWindow: 500 } });
    const before = await driver.observe(GROUPS);
    const progress: ApplyProgress[] = [];
    await driver.apply([hosts(0x0a000000, 10_000)], before, { onProgress: (p) => progress.push(p) });
    expect(progress.at(-1)).toEqual({ done: 10_000, total: 10_000 });
    expect(progress.map((p) => p.done)).toEqual([...progress.map((p) => p.done)].sort((a, b) => a - b));
    const after = await driver.observe(GROUPS);
    expect(prefixCount(after.groups[0]!.members)).toBe(10_001);
    expect(fingerprintObserved(after.groups)).not.toBe(fingerprintObserved(before.groups));
    expect(emu.objectGroups().get('TSCM-BLOCK')).toContain('host 10.0.39.15');
    const logged = JSON.stringify(log.records);
    for (const s of Object.values(SECRETS)) expect(logged).not.toContain(s);
  });

  it('creates IPv4 + IPv6 twin groups, removes members, deletes groups (console log lines on)', async () => {
    const emu = await boot({ logConfigEvents: true });
    const { driver } = await connect(emu);
    await driver.observe(GROUPS);
    const create: GroupChange = {
      name: 'TSCM-ALLOW',
      role: 'allow',
      action: 'create',
      add: prefixesFromStrings(['203.0.113.0/24', '2001:db8::/48', '2001:db8:1::1/128']),
      remove: prefixesFromStrings([]),
      unmanaged: 0,
      alreadyPresent: 0,
      before: 0,
      after: 3,
    };
    const update: GroupChange = {
      ...hosts(0x0a000000, 0),
      add: prefixesFromStrings(['10.9.0.0/16']),
      remove: prefixesFromStrings(['192.0.2.1/32']),
    };
    await driver.apply([create, update], await driver.observe(GROUPS));
    const seen = await driver.observe(GROUPS);
    expect(seen.groups[1]?.exists).toBe(true);
    expect(prefixCount(seen.groups[1]!.members)).toBe(3);
    expect(emu.objectGroups().get('TSCM-BLOCK')).toEqual(expect.arrayContaining(['10.9.0.0 255.255.0.0']));
    expect(emu.objectGroups().get('TSCM-BLOCK')).not.toContain('host 192.0.2.1');
    const deleteAllow: GroupChange = { ...create, action: 'delete', add: prefixesFromStrings([]), remove: create.add };
    await driver.apply([deleteAllow], await driver.observe(GROUPS));
    expect((await driver.observe(GROUPS)).groups[1]?.exists).toBe(false);
    expect(emu.objectGroups().has('TSCM-ALLOW-v6')).toBe(false);
  });

  it('stops at a command the device refuses, naming it with the device words (not transient)', async () => {
    const emu = await boot();
    const { driver } = await connect(emu);
    await driver.observe(GROUPS);
    const del: GroupChange = { ...hosts(0, 0), action: 'delete', remove: prefixesFromStrings(['192.0.2.1/32']) };
    const err = await driver.apply([hosts(0x0e000000, 3), del], await driver.observe(GROUPS)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceApplyError);
    const e = err as DeviceApplyError;
    expect(e.transient).toBe(false);
    expect(e.command).toBe('no object-group network TSCM-BLOCK');
    expect(e.deviceReply).toMatch(/in use/);
    expect(e.reached).toBe(3);
    expect(emu.objectGroups().has('TSCM-BLOCK')).toBe(true);
    // The session is still usable and back in privileged mode.
    expect((await driver.observe(GROUPS)).groups[0]?.exists).toBe(true);
  });

  it('never sends member lines after a refused group header (host 203.0.113.5 would rename the router)', async () => {
    // The group's name is taken by a group of the other type: the device refuses the header.
    const emu = await boot({ config: `${BASE_CONFIG}object-group v6-network TSCM-ALLOW\n` });
    const { driver } = await connect(emu);
    const basis = await driver.observe(GROUPS);
    expect(basis.groups[1]?.exists).toBe(false);
    const create: GroupChange = {
      ...hosts(0xcb007105, 1),
      name: 'TSCM-ALLOW',
      role: 'allow',
      action: 'create',
    };
    const err = await driver.apply([create], basis).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceApplyError);
    expect((err as DeviceApplyError).command).toBe('object-group network TSCM-ALLOW');
    expect((err as DeviceApplyError).deviceReply).toMatch(/different type/);
    expect((err as DeviceApplyError).reached).toBe(0);
    expect(emu.commandLog().filter((c) => c.includes('203.0.113.5'))).toEqual([]);
    expect(emu.runningConfig()).toMatch(/^hostname lab-rtr$/m);
  });

  it('refuses an algorithm name ssh2 does not know as a ConfigError', async () => {
    const emu = await boot();
    await expect(connect(emu, { advanced: { kex: ['bogus-kex'] } })).rejects.toBeInstanceOf(ConfigError);
  });

  it('gives up on a config lock that persists, as a transient error', async () => {
    const emu = await boot({ faults: { configLockedTimes: 50 } });
    const { driver } = await connect(emu, { advanced: { configLockRetries: 2 } });
    await driver.observe(GROUPS);
    const err = await driver.apply([hosts(0x0b000000, 3)], await driver.observe(GROUPS)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceApplyError);
    expect((err as DeviceApplyError).transient).toBe(true);
    expect((err as DeviceApplyError).reached).toBe(0);
    expect((err as Error).message).toMatch(/locked/);
  });

  it('retries configure terminal while config mode is locked', async () => {
    const emu = await boot({ faults: { configLockedTimes: 2 } });
    const { driver } = await connect(emu);
    await driver.observe(GROUPS);
    await driver.apply([hosts(0x0b000000, 3)], await driver.observe(GROUPS));
    expect(emu.objectGroups().get('TSCM-BLOCK')).toContain('host 11.0.0.2');
  });

  it('reports a dropped session as transient, never claiming more than the device holds', async () => {
    const emu = await boot();
    const { driver } = await connect(emu, { tuning: { batchWindow: 50 } });
    await driver.observe(GROUPS);
    const sentSoFar = emu.commandLog().length;
    emu.setFaults({ dropAfterCommands: sentSoFar + 700 });
    const err = await driver.apply([hosts(0x0c000000, 2000)], await driver.observe(GROUPS)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceApplyError);
    const e = err as DeviceApplyError;
    expect(e.transient).toBe(true);
    const held = (emu.objectGroups().get('TSCM-BLOCK') ?? []).filter((l) => l.startsWith('host 12.')).length;
    expect(e.reached).toBeGreaterThan(0);
    expect(e.reached).toBeLessThanOrEqual(held);
  });
});

function openSession(emu: RunningIosEmulator): Promise<CliSession> {
  return CliSession.open({
    deviceLabel: 'lab-rtr',
    host: emu.host,
    port: emu.port,
    ...SECRETS,
    hostKey: { fingerprint: emu.hostKeyFingerprint },
    connectTimeoutMs: 5000,
    commandTimeoutMs: 5000,
    log: createRecordingLogger(),
  });
}

/** A session in the sub-mode of group OTHER. */
async function openInGroupOther(emu: RunningIosEmulator): Promise<CliSession> {
  const session = await openSession(emu);
  await session.enable(SECRETS.enablePassword, /^[Pp]assword: ?$/);
  await session.send('configure terminal');
  await session.send('object-group network OTHER');
  return session;
}

describe('shared session', () => {
  it('stops a batch at a line that leaves the expected sub-mode, before the next line is sent', async () => {
    const emu = await boot();
    const session = await openInGroupOther(emu);
    try {
      const lines = [' host 15.0.0.1', 'ip access-list extended FALLTHROUGH', ' host 15.0.0.2'];
      const result = await session.sendBatch(
        { length: lines.length, at: (i) => lines[i] },
        { rules: IOS_ERROR_RULES, window: 1, expectPrompt: session.prompt },
      );
      expect(result.confirmed).toBe(1);
      expect(result.failure).toMatchObject({ index: 1, kind: 'desync' });
      expect(result.failure?.deviceReply).toMatch(/left the expected mode: prompt "lab-rtr\(config-ext-nacl\)#"/);
      expect(emu.commandLog().filter((c) => c.includes('15.0.0.2'))).toEqual([]);
    } finally {
      await session.close();
    }
  });

  it('stops sending when its signal is aborted, and says so', async () => {
    const emu = await boot();
    const session = await openInGroupOther(emu);
    try {
      const lines = Array.from({ length: 50 }, (_, i) => ` host 15.1.0.${i + 1}`);
      const stop = new AbortController();
      const result = await session.sendBatch(
        { length: lines.length, at: (i) => lines[i] },
        {
          rules: IOS_ERROR_RULES,
          window: 2,
          signal: stop.signal,
          onConfirmed: (n) => {
            if (n >= 10) stop.abort();
          },
        },
      );
      expect(result.failure?.kind).toBe('interrupted');
      expect(result.confirmed).toBeGreaterThanOrEqual(10);
      expect(result.confirmed).toBeLessThanOrEqual(12);
      const sent = emu.commandLog().filter((c) => c.startsWith(' host 15.1.'));
      expect(sent).toHaveLength(result.confirmed);
    } finally {
      await session.close();
    }
  });

  it('learns a long hostname behind a prompt-like banner, pages --More--, follows the 20-char config prompt', async () => {
    const members = Array.from({ length: 120 }, (_, i) => ` host 10.30.0.${i + 1}`).join('\n');
    const emu = await boot({
      config: `hostname very-long-hostname-edge-router-01\nbanner motd ^C\nfake-prompt#\n^C\nobject-group network BIG\n${members}\n`,
    });
    const session = await openSession(emu);
    try {
      expect(session.prompt).toBe('very-long-hostname-edge-router-01>');
      await session.enable(SECRETS.enablePassword, /^[Pp]assword: ?$/);
      const seg = await session.send('show running-config'); // no `terminal length 0`: the pager is on
      expect(seg.lines.filter((l) => l.startsWith(' host 10.30.0.'))).toHaveLength(120);
      expect(seg.lines.join('\n')).not.toContain('--More--');
      await session.send('configure terminal');
      const cfg = await session.send('object-group network BIG');
      expect(cfg.prompt).toBe('very-long-hostname-e(config-network-group)#');
      expect(session.mode).toBe('config');
      await session.send('end');
      expect(session.mode).toBe('privileged');
    } finally {
      await session.close();
    }
  });

  it('attributes an error to its exact command and stops sending further windows', async () => {
    const emu = await boot();
    const session = await openSession(emu);
    try {
      await session.enable(SECRETS.enablePassword, /^[Pp]assword: ?$/);
      await session.send('configure terminal');
      const lines = ['object-group network BATCH'];
      for (let i = 1; i <= 100; i++) lines.push(i === 40 ? ' hots 10.20.0.40' : ` host 10.20.0.${i}`);
      const before = emu.commandLog().length;
      const result = await session.sendBatch(lines, { rules: IOS_ERROR_RULES, window: 8 });
      expect(result.confirmed).toBe(40);
      expect(result.failure?.index).toBe(40);
      expect(result.failure?.command).toBe(' hots 10.20.0.40');
      expect(result.failure?.deviceReply).toMatch(/Invalid input detected/);
      const received = emu.commandLog().length - before;
      expect(received).toBeLessThan(41 + 8 + 1);
    } finally {
      await session.close();
    }
  });
});

describe('save', () => {
  it('handles [OK], [confirm], a busy NVRAM (retried) and compress-config', async () => {
    const emu = await boot({ faults: { writeConfirm: true, nvramBusyTimes: 2 } });
    const { driver } = await connect(emu, { advanced: { compressConfig: 'compress' } });
    await driver.observe(GROUPS);
    await driver.apply([hosts(0x0d000000, 2)], await driver.observe(GROUPS));
    await driver.save();
    expect(emu.startupConfig()).toContain('host 13.0.0.1');
    expect(emu.runningConfig()).toContain('service compress-config');
  });

  it('gives up on an NVRAM that stays busy with a transient error', async () => {
    const emu = await boot({ faults: { nvramBusyTimes: 10 } });
    const { driver } = await connect(emu, { advanced: { saveRetries: 2 } });
    const err = await driver.save().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientError);
    expect((err as Error).message).toMatch(/Device or resource busy/);
  });
});

// Test-only harness of the ASA driver's end-to-end tests (../driver-emulator*.test.ts): the boot text (a real ASAv
// 9.16 configuration), a driver per run on loopback 127.0.13.0/24, and plans computed the way the core does (desired
// minus observed). It never imports the lab: the tests start the emulator and pass it in.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { EMPTY_PREFIXES, exactDifference, PrefixListBuilder, prefixCount } from '../../../cidr/index.js';
import type { PrefixList } from '../../../cidr/types.js';
import { feedsFrom, NO_PROTECT } from '../../../config/policy-feeds.js';
import type { DeviceSpec } from '../../../config/types.js';
import type { GroupChange } from '../../../plan/model.js';
import type { Driver, DriverContext, Logger, Observation } from '../../driver.js';
import { createAsaDriver } from '../index.js';

const REAL = readFileSync(
  join(import.meta.dirname, '../../../lab/asa/testdata/real/asav-9.16-nac-lab/running-config.txt'),
  'utf8',
);

export const BLOCK_GROUP = 'ThreatSTOP-Block';
export const ALLOW_GROUP = 'ThreatSTOP-Allow';
/** A member put in the master by hand before tscm: tscm keeps it (the runs desire it). */
export const FOREIGN = '192.0.2.99';
export const ACL_LINE = `access-list inside_access extended deny ip object-group ${BLOCK_GROUP} any`;

/** The real config plus our block master in use by the inside ACL, holding the one foreign member. */
export const BOOT = REAL.replace(
  'access-list inside_access extended permit ip any4 any4\n',
  `object-group network ${BLOCK_GROUP}\n network-object host ${FOREIGN}\n${ACL_LINE}\n` +
    'access-list inside_access extended permit ip any4 any4\n',
);

export const SECRETS = { username: 'netops', password: 'pw-Secret-1', enablePassword: 'en-Secret-2' };
export const REFS = [
  { name: BLOCK_GROUP, role: 'block' as const },
  { name: ALLOW_GROUP, role: 'allow' as const },
];

const running: { close(): Promise<void> }[] = [];
const drivers: Driver[] = [];

/** Registers the cleanup of every emulator and driver a test started. */
export function closeAfterEach(): void {
  afterEach(async () => {
    await Promise.all(drivers.splice(0).map((d) => d.close().catch(() => undefined)));
    await Promise.all(running.splice(0).map((e) => e.close()));
  });
}

export const address = (): string => `127.0.13.${2 + Math.floor(Math.random() * 250)}`;

export function track<T extends { close(): Promise<void> }>(emu: T): T {
  running.push(emu);
  return emu;
}

const quiet: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** An emulator as the driver sees it (the lab's types stay out of the drivers' import graph). */
export interface Endpoint {
  readonly host: string;
  readonly port: number;
  readonly hostKeyFingerprint: string;
  commandLog(): string[];
}

function context(emu: Endpoint, options: Record<string, unknown>): DriverContext {
  const spec: DeviceSpec = {
    name: 'lab-asa',
    platform: 'asa',
    deviceId: 'lab-asa',
    management: { host: emu.host, port: emu.port },
    peers: [],
    credentials: { username: { env: 'U' }, password: { env: 'P' }, enablePassword: { env: 'E' } },
    hostKey: { fingerprint: emu.hostKeyFingerprint },
    policy: { blockList: feedsFrom({ kind: 'file', path: '/dev/null' }), allowList: [] },
    protect: NO_PROTECT,
    objectGroups: { block: BLOCK_GROUP, allow: ALLOW_GROUP, maxEntries: 1_000_000 },
    policyUpdates: true,
    safety: { maxRemoveShare: 1 },
    logs: { upload: false, rotateKb: 1024, sources: [] },
    advanced: { connectTimeoutMs: 5000, commandTimeoutMs: 10_000, applyWindow: 5000 },
    // Short waits: the fault tests exercise the retries, not the production delays.
    options: { 'advanced.saveRetryDelayMs': 10, 'advanced.configLockRetryDelayMs': 10, ...options },
    source: { file: 'devices/lab-asa.yaml', line: 1 },
  };
  return { spec, endpoint: spec.management, secret: async (f) => SECRETS[f], log: quiet };
}

export async function connect(emu: Endpoint, options: Record<string, unknown> = {}): Promise<Driver> {
  const driver = await createAsaDriver(context(emu, options));
  drivers.push(driver);
  return driver;
}

/** n consecutive /32s from `first` (a 32-bit address), plus the foreign member when asked. */
export function hosts(first: number, n: number, withForeign = false): PrefixList {
  const b = new PrefixListBuilder();
  for (let i = 0; i < n; i++) b.addV4((first + i) >>> 0, 32);
  if (withForeign) b.addV4(0xc0000263, 32); // 192.0.2.99
  return b.build();
}

/** The plan the core would make: desired minus observed and back, per logical group. */
export function planFor(basis: Observation, desired: Readonly<Record<string, PrefixList>>): GroupChange[] {
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

export interface Run {
  readonly described: readonly string[];
  readonly predicted: Observation;
  readonly observed: Observation;
  readonly sent: string[];
}

/** One run as `tscm apply` makes it: connect, observe, plan, describe, apply, then a re-read. */
export async function run(
  emu: Endpoint,
  desired: Readonly<Record<string, PrefixList>>,
  options: Record<string, unknown> = {},
): Promise<Run> {
  const driver = await connect(emu, options);
  const basis = await driver.observe(REFS);
  const plan = planFor(basis, desired);
  const described = driver.describe(plan, basis);
  const before = emu.commandLog().length;
  const predicted = await driver.apply(plan, basis);
  const sent = emu.commandLog().slice(before);
  const observed = await driver.observe(REFS);
  return { described, predicted, observed, sent };
}

export function membersOf(o: Observation, name: string): PrefixList {
  return o.groups.find((g) => g.name === name)?.members ?? EMPTY_PREFIXES;
}

/** The configuration without tscm's masters and children and the checksum: what must stay byte for byte. */
export function othersOf(config: string): string {
  const out: string[] = [];
  let ours = false;
  for (const line of config.split('\n')) {
    if (/^object-group network ThreatSTOP-(Block|Allow)(-\d+)?$/.test(line)) ours = true;
    else if (!/^\s/.test(line)) ours = false;
    if (!ours && !line.startsWith('Cryptochecksum:')) out.push(line);
  }
  return out.join('\n');
}

/** Which child holds each member line, from the emulator's groups (children `NAME-<n>` of `master`). */
export function childOfMember(groups: Map<string, string[]>, master: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, lines] of groups) {
    if (!name.startsWith(`${master}-`)) continue;
    for (const l of lines) if (l.startsWith('network-object ')) out.set(l, name);
  }
  return out;
}

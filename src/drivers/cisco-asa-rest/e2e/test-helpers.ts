// Test-only harness of the ASA REST driver's tests against the emulator (../driver-emulator*.test.ts): a boot
// config with our block master in use and foreign members, a driver per run on loopback 127.0.93.0/24 (pinned
// certificate, short back-off), plans made the way the core makes them, and a logger that keeps every line so a
// test can look for secrets in it.

import { afterEach } from 'vitest';
import { EMPTY_PREFIXES, exactDifference, PrefixListBuilder, prefixCount } from '../../../cidr/index.js';
import type { PrefixList } from '../../../cidr/types.js';
import { feedsFrom, NO_PROTECT } from '../../../config/policy-feeds.js';
import type { DeviceSpec } from '../../../config/types.js';
import type { GroupChange } from '../../../plan/model.js';
import type { Driver, DriverContext, Logger, Observation } from '../../driver.js';
import { createAsaRestDriver } from '../index.js';
import { readAsaRestOptions } from '../options.js';

export const BLOCK_GROUP = 'ThreatSTOP-Block';
export const ALLOW_GROUP = 'ThreatSTOP-Allow';
export const FOREIGN = '192.0.2.99';
/** A host the device holds in mask form (`A 255.255.255.255`: IPv4Network /32 over REST). */
export const MASK_HOST = '203.0.113.7';
export const ACL_LINE = `access-list outside_in extended deny ip object-group ${BLOCK_GROUP} any`;

/** Lines inserted into the emulator's default ASA config: an object, our master in use, foreign members. */
export const BOOT_LINES = [
  'object network web',
  ' host 198.51.100.80',
  `object-group network ${BLOCK_GROUP}`,
  ` network-object host ${FOREIGN}`,
  ' network-object object web',
  ` network-object ${MASK_HOST} 255.255.255.255`,
  ACL_LINE,
  'access-group outside_in in interface outside',
];

export const SECRETS = { username: 'netops', password: 'pw-Rest-Secret-1', enablePassword: 'en-Secret-2' };
export const REFS = [
  { name: BLOCK_GROUP, role: 'block' as const },
  { name: ALLOW_GROUP, role: 'allow' as const },
];

/** The emulator as the driver's tests see it (no lab types in a driver's helper). */
export interface RestEndpoint {
  readonly host: string;
  readonly port: number;
  readonly fingerprint256: string;
  readonly ssh: { readonly host: string; readonly port: number; readonly hostKeyFingerprint: string } | undefined;
  requests(): { total: number; byRoute: Record<string, number> };
  resetRequests(): void;
}

const running: { close(): Promise<void> }[] = [];
const drivers: Driver[] = [];

export function closeAfterEach(): void {
  afterEach(async () => {
    await Promise.all(drivers.splice(0).map((d) => d.close().catch(() => undefined)));
    await Promise.all(running.splice(0).map((e) => e.close()));
  });
}

export const address = (): string => `127.0.93.${2 + Math.floor(Math.random() * 250)}`;

export function track<T extends { close(): Promise<void> }>(emu: T): T {
  running.push(emu);
  return emu;
}

/** Every log line, as text, for the secrets check. */
export const logLines: string[] = [];
const keep =
  (level: string) =>
  (msg: string, fields?: Record<string, unknown>): void => {
    logLines.push(`${level} ${msg} ${JSON.stringify(fields ?? {})}`);
  };
export const log: Logger = { debug: keep('debug'), info: keep('info'), warn: keep('warn'), error: keep('error') };

export function context(emu: RestEndpoint, options: Record<string, unknown> = {}): DriverContext {
  const spec: DeviceSpec = {
    name: 'lab-asa-rest',
    platform: 'asa-rest',
    deviceId: 'lab-asa-rest',
    management: { host: emu.host, port: emu.port },
    peers: [],
    credentials: { username: { env: 'U' }, password: { env: 'P' }, enablePassword: { env: 'E' } },
    hostKey: emu.ssh === undefined ? {} : { fingerprint: emu.ssh.hostKeyFingerprint },
    policy: { blockList: feedsFrom({ kind: 'file', path: '/dev/null' }), allowList: [] },
    protect: NO_PROTECT,
    objectGroups: { block: BLOCK_GROUP, allow: ALLOW_GROUP, maxEntries: 1_000_000 },
    policyUpdates: true,
    safety: { maxRemoveShare: 1 },
    logs: { upload: false, rotateKb: 1024, sources: [] },
    advanced: { connectTimeoutMs: 5000, commandTimeoutMs: 10_000, applyWindow: 5000 },
    options: {
      'advanced.certificateFingerprint': emu.fingerprint256,
      'objectGroups.nestedSize': 100,
      'advanced.retry': { attempts: 6, maxSeconds: 20 },
      'advanced.saveRetryDelayMs': 10,
      ...(emu.ssh === undefined ? {} : { 'advanced.sshPort': emu.ssh.port }),
      ...options,
    },
    source: { file: 'devices/lab-asa-rest.yaml', line: 1 },
  };
  return { spec, endpoint: spec.management, secret: async (f) => SECRETS[f], log };
}

/** Short back-off: the fault tests exercise the retries, not the production delays. */
export const FAST = { baseDelayMs: 5, maxDelayMs: 100 };

export async function connect(emu: RestEndpoint, options: Record<string, unknown> = {}): Promise<Driver> {
  const ctx = context(emu, options);
  const driver = await createAsaRestDriver(ctx, { options: readAsaRestOptions(ctx.spec.options), retryDelays: FAST });
  drivers.push(driver);
  return driver;
}

export function keepDriver(driver: Driver): Driver {
  drivers.push(driver);
  return driver;
}

/** n consecutive /32s from `first` (a 32-bit address), plus the foreign members when asked. */
export function hosts(first: number, n: number, withForeign = false): PrefixList {
  const b = new PrefixListBuilder();
  for (let i = 0; i < n; i++) b.addV4((first + i) >>> 0, 32);
  if (withForeign) {
    b.addV4(0xc0000263, 32); // 192.0.2.99
    b.addV4(0xcb007107, 32); // 203.0.113.7
  }
  return b.build();
}

/** The plan the core would make: desired minus observed and back, per logical group that changes. */
export function planFor(basis: Observation, desired: Readonly<Record<string, PrefixList>>): GroupChange[] {
  const changes = basis.groups.map((g): GroupChange => {
    const want = desired[g.name] ?? EMPTY_PREFIXES;
    const add = exactDifference(want, g.members);
    const remove = exactDifference(g.members, want);
    const moves = prefixCount(add) + prefixCount(remove);
    return {
      name: g.name,
      role: g.role,
      action: !g.exists ? (prefixCount(want) > 0 ? 'create' : 'none') : moves > 0 ? 'update' : 'none',
      add,
      remove,
      unmanaged: 0,
      alreadyPresent: 0,
      before: prefixCount(g.members),
      after: prefixCount(want),
    };
  });
  return changes.filter((c) => c.action !== 'none');
}

export interface Run {
  readonly described: readonly string[];
  readonly predicted: Observation;
  readonly observed: Observation;
  /** The emulator's counts of the apply alone. */
  readonly requests: { total: number; byRoute: Record<string, number> };
}

/** One run as `tscm apply` makes it: connect, observe, plan, describe, apply, then a re-read. */
export async function run(
  emu: RestEndpoint,
  desired: Readonly<Record<string, PrefixList>>,
  options: Record<string, unknown> = {},
): Promise<Run> {
  const driver = await connect(emu, options);
  const basis = await driver.observe(REFS);
  const plan = planFor(basis, desired);
  const described = driver.describe(plan, basis);
  emu.resetRequests();
  const predicted = await driver.apply(plan, basis);
  const requests = emu.requests();
  const observed = await driver.observe(REFS);
  await driver.close();
  return { described, predicted, observed, requests };
}

export function membersOf(o: Observation, name: string): PrefixList {
  return o.groups.find((g) => g.name === name)?.members ?? EMPTY_PREFIXES;
}

/** Counts of the group writes: `POST`, `PATCH`, `DELETE` on networkobjectgroups. */
export function writes(r: { byRoute: Record<string, number> }): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [route, n] of Object.entries(r.byRoute)) {
    if (/^(POST|PATCH|DELETE|PUT) \/api\/objects\/networkobjectgroups/.test(route)) out[route.split(' ')[0] ?? ''] = n;
  }
  return out;
}

// The genuine plans the plan-file fuzz test mutates: an IOS device with a policy of a few hundred IPv4 and IPv6
// prefixes, a device read from running-config text (tscm's members, hand-typed ones, foreign lines, an ACL using
// the group, an IPv6 twin, a mask-form host), a stored state, and the plan planDevice computes from them. Six
// scenarios cover the plan shapes apply meets: an update with a create, a --refresh=false plan, a plan refused by
// maxRemoveShare, a dropped allow list (delete), a first run, and a first run with --adopt.

import { withFingerprint } from '../../src/plan/fingerprint.js';
import { prefixesFromStrings, prefixesToStrings } from '../../src/cidr/index.js';
import type { DeviceSpec } from '../../src/config/types.js';
import { foldObservedGroups, type IosDeviceFacts } from '../../src/drivers/cisco-ios/observe.js';
import { parseRunningConfig } from '../../src/drivers/cisco-ios/parse.js';
import { renderGroupChanges } from '../../src/drivers/cisco-ios/render.js';
import { makeIosSpec } from '../../src/drivers/cisco-ios/test-helpers.js';
import { computeDesired } from '../../src/plan/desired.js';
import type { DevicePlan, ObservedDevice, Plan, ZonePin } from '../../src/plan/model.js';
import { observedFromState, planDevice, type DeviceBasis } from '../../src/reconcile/plan-device.js';
import type { ResolvedPolicy } from '../../src/reconcile/resolve-policy.js';
import type { DeviceState } from '../../src/state/model.js';
import { Rng } from './rng.js';

export const BLOCK = 'threatstop-block';
export const ALLOW = 'threatstop-allow';
export const REVISION = '0123456789abcdef0123456789abcdef01234567';

export interface FuzzBase {
  readonly name: string;
  readonly spec: DeviceSpec;
  readonly policy: ResolvedPolicy;
  readonly basis: DeviceBasis;
  /** The live device as the IOS driver reads it (its facts set). */
  readonly observed: ObservedDevice;
  readonly facts: IosDeviceFacts;
  /** The genuine plan (one device), as `tscm plan --out` writes it. */
  readonly plan: Plan;
  /**
   * The device's genuine plan with and without --adopt (the same plan once a state exists): an operator chooses it
   * when planning, and a file carries it, so a file may validly be either.
   */
  readonly byAdopt: ReadonlyMap<boolean, DevicePlan>;
  /** What apply of the genuine plan sends: the lines every accepted mutant must render too. */
  readonly lines: readonly string[];
}

const PINS: readonly ZonePin[] = [
  { kind: 'zone', zone: 'block.rpz.example', server: '127.0.0.1:5353', serial: 2026050101, sha256: 'a'.repeat(64) },
  { kind: 'file', path: '/srv/lists/allow.txt', sha256: 'b'.repeat(64) },
];

/** The policy: ~300 block prefixes (hosts, subnets, IPv6) and a small allow list that cuts into some of them. */
function makeLists(rng: Rng): { block: string[]; allow: string[] } {
  const block: string[] = [];
  for (let i = 0; i < 200; i++)
    block.push(`${rng.int(1, 99)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(0, 255)}/32`);
  for (let i = 0; i < 40; i++) block.push(`${rng.int(1, 99)}.${rng.int(0, 255)}.${rng.int(0, 255)}.0/24`);
  for (let i = 0; i < 10; i++) block.push(`${rng.int(1, 99)}.${rng.int(0, 15) * 16}.0.0/12`);
  for (let i = 0; i < 40; i++) block.push(`2001:db8:${rng.int(0, 0xffff).toString(16)}::/48`);
  for (let i = 0; i < 20; i++)
    block.push(`2a0${rng.int(1, 9)}:${rng.int(0, 0xffff).toString(16)}::${rng.int(1, 0xffff).toString(16)}/128`);
  const allow = block
    .filter((p) => p.endsWith('.0/24'))
    .slice(0, 6)
    .map((p) => p.replace('.0/24', '.77/32'));
  allow.push('2001:db8:ffff:1::/64', '192.0.2.0/28');
  return { block, allow };
}

/** One member line of an IOS object-group, as the device prints it. */
function iosLine(cidr: string, maskForm = false): string {
  const [a, l] = cidr.split('/') as [string, string];
  const len = Number(l);
  if (a.includes(':')) return len === 128 ? ` host ${a}` : ` ${a}/${len}`;
  if (len === 32 && !maskForm) return ` host ${a}`;
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  return ` ${a} ${[24, 16, 8, 0].map((s) => (mask >>> s) & 255).join('.')}`;
}

function groupText(name: string, members: readonly string[], extra: readonly string[] = [], maskHost?: string): string {
  const v4 = members.filter((m) => !m.includes(':'));
  const v6 = members.filter((m) => m.includes(':'));
  const out = [`object-group network ${name}`, ...v4.map((m) => iosLine(m)), ...extra];
  if (maskHost) out.push(iosLine(maskHost, true));
  if (v6.length > 0) out.push(`object-group v6-network ${name}-v6`, ...v6.map((m) => iosLine(m)));
  return out.join('\n');
}

function observe(config: string): { observed: ObservedDevice; facts: IosDeviceFacts } {
  const requested = [
    { name: BLOCK, role: 'block' as const },
    { name: ALLOW, role: 'allow' as const },
  ];
  const { facts, ...device } = foldObservedGroups(parseRunningConfig(config), requested);
  return { observed: { ...withFingerprint(device), facts }, facts };
}

function makeState(
  groups: { name: string; role: 'block' | 'allow'; created: boolean; members: string[] }[],
): DeviceState {
  return {
    formatVersion: 1,
    lineage: '3f1c2a9e-6b7d-4e8f-9a0b-1c2d3e4f5a6b',
    serial: 7,
    device: 'lab-rtr',
    appliedAt: '2026-05-01T09:00:00.000Z',
    inventory: { groups: groups.map((g) => ({ ...g, members: prefixesFromStrings(g.members) })) },
    zones: PINS,
    lastApply: null,
  };
}

const ACL = 'ip access-list extended INBOUND\n deny   ip object-group threatstop-block any\n permit ip any any';
const FOREIGN = [' range 10.9.9.1 10.9.9.9', ' group-object ADMIN-HOSTS'];
/** Typed by an administrator, never in the policy: unmanaged, always left in place. */
const TYPED = ['100.64.0.1/32', '100.64.1.0/24', '2001:db8:aaaa::/48'];
/** tscm's members the policy no longer names: removed by an update. */
const OLD = ['100.65.0.0/16', '100.66.0.9/32', '2001:db8:bbbb::/48'];
const OLD_MASK_HOST = '100.67.0.5/32';

interface Scenario {
  readonly name: string;
  readonly allowList: boolean;
  readonly maxRemoveShare: number;
  readonly config: (desired: string[]) => string;
  readonly state: (desired: string[]) => DeviceState | null;
  readonly fromState?: boolean;
  readonly adopt?: boolean;
}

const SCENARIOS: readonly Scenario[] = [
  {
    name: 'update',
    allowList: true,
    maxRemoveShare: 0.5,
    config: (d) =>
      `${groupText(BLOCK, [...d.slice(0, 150), ...OLD, ...TYPED, ...d.slice(200, 203)], FOREIGN, OLD_MASK_HOST)}\n${ACL}`,
    state: (d) =>
      makeState([{ name: BLOCK, role: 'block', created: true, members: [...d.slice(0, 150), ...OLD, OLD_MASK_HOST] }]),
  },
  {
    name: 'refresh-false',
    allowList: true,
    maxRemoveShare: 0.5,
    config: (d) => `${groupText(BLOCK, [...d.slice(0, 120), ...OLD, ...TYPED], FOREIGN)}\n${ACL}`,
    state: (d) => makeState([{ name: BLOCK, role: 'block', created: true, members: [...d.slice(0, 120), ...OLD] }]),
    fromState: true,
  },
  {
    name: 'refused',
    allowList: true,
    maxRemoveShare: 0.2,
    config: (d) => `${groupText(BLOCK, [...d.slice(0, 20), ...OLD, ...rangeOf(40)], FOREIGN)}\n${ACL}`,
    state: (d) =>
      makeState([{ name: BLOCK, role: 'block', created: true, members: [...d.slice(0, 20), ...OLD, ...rangeOf(40)] }]),
  },
  {
    name: 'drop-allow',
    allowList: false,
    maxRemoveShare: 0.5,
    config: (d) =>
      `${groupText(BLOCK, d.slice(0, 250))}\n${groupText(ALLOW, ['192.0.2.0/28', '2001:db8:ffff:1::/64'])}\n${ACL}`,
    state: (d) =>
      makeState([
        { name: BLOCK, role: 'block', created: true, members: d.slice(0, 250) },
        { name: ALLOW, role: 'allow', created: true, members: ['192.0.2.0/28', '2001:db8:ffff:1::/64'] },
      ]),
  },
  {
    name: 'first-run',
    allowList: true,
    maxRemoveShare: 0.5,
    config: (d) => `${groupText(BLOCK, [...TYPED, ...d.slice(10, 14)], FOREIGN)}\n${ACL}`,
    state: () => null,
  },
  {
    name: 'adopt',
    allowList: true,
    maxRemoveShare: 1,
    config: (d) => `${groupText(BLOCK, [...OLD, ...d.slice(0, 30)])}\n${ACL}`,
    state: () => null,
    adopt: true,
  },
];

/** n IPv4 /32s tscm once added (198.18.0.0/15: the generated policy only uses first octets 1-99). */
function rangeOf(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `198.18.${i >> 8}.${i & 255}/32`);
}

export function makeBases(): FuzzBase[] {
  const lists = makeLists(new Rng(20260501));
  return SCENARIOS.map((s) => makeBase(s, lists));
}

function makeBase(s: Scenario, lists: { block: string[]; allow: string[] }): FuzzBase {
  const base = makeIosSpec('127.0.0.1', 2222, { fingerprint: 'SHA256:' + 'A'.repeat(43) });
  const spec: DeviceSpec = {
    ...base,
    objectGroups: { ...base.objectGroups, block: BLOCK, allow: ALLOW },
    safety: { maxRemoveShare: s.maxRemoveShare },
  };
  const block = prefixesFromStrings(lists.block);
  const allow = s.allowList ? prefixesFromStrings(lists.allow) : undefined;
  const desired = computeDesired(spec, block, allow);
  const policy: ResolvedPolicy = { desired, pins: s.allowList ? PINS : PINS.slice(0, 1), sources: [], zones: [] };
  const blockMembers = prefixesToStrings(desired.groups[0]!.members);
  const state = s.state(blockMembers);
  const basis: DeviceBasis = { state: state && { ...state, zones: policy.pins }, journal: [] };
  const { observed, facts } = observe(s.config(blockMembers));
  const pinnedBasis = s.fromState === true ? observedFromState(basis.state) : observed;
  const planWith = (adopt: boolean) => planDevice(spec, policy, pinnedBasis, basis, spec.management, { adopt });
  const byAdopt = new Map([false, true].map((adopt) => [adopt, planWith(adopt)] as const));
  const devicePlan = byAdopt.get(s.adopt === true)!;
  const plan: Plan = {
    formatVersion: 1,
    createdAt: '2026-05-01T10:00:00.000Z',
    gitRevision: REVISION,
    devices: [devicePlan],
  };
  return {
    name: s.name,
    spec,
    policy,
    basis,
    observed,
    facts,
    plan,
    byAdopt,
    lines: renderGroupChanges(devicePlan.groups, facts).lines,
  };
}

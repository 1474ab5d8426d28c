// Step "resolve": a device's block and allow zones -> CIDR sets and the desired state, with the figures
// `tscm policy` prints. A failed or empty zone stops the device here: it never becomes an empty desired set.

import { aggregate, EMPTY_PREFIXES, prefixCount } from '../cidr/index.js';
import type { PrefixList } from '../cidr/types.js';
import type { DeviceSpec, ZoneSource } from '../config/types.js';
import { getPlatform } from '../drivers/registry.js';
import { ConfigError } from '../errors.js';
import { computeDesired } from '../plan/desired.js';
import type { DesiredState, ZonePin } from '../plan/model.js';
import { pinOf, type ResolvedZone, type ZoneResolver } from '../policy/index.js';

export interface ZoneFigures {
  readonly role: 'block' | 'allow';
  readonly source: string;
  readonly serial: number | null;
  readonly records: number;
  readonly decoded: number;
  readonly aggregated: number;
  readonly skipped: Readonly<Record<string, number>>;
  readonly fromCache: boolean;
}

export interface ResolvedPolicy {
  readonly desired: DesiredState;
  readonly pins: readonly ZonePin[];
  readonly zones: readonly ZoneFigures[];
}

export function describeSource(source: ZoneSource): string {
  return source.kind === 'zone' ? `${source.zone} @ ${source.server.host}:${source.server.port}` : source.path;
}

export async function resolveDevicePolicy(resolver: ZoneResolver, spec: DeviceSpec): Promise<ResolvedPolicy> {
  const block = await resolver.resolve(spec.policy.blockList);
  const allow = spec.policy.allowList ? await resolver.resolve(spec.policy.allowList) : undefined;
  if (prefixCount(block.list) === 0) {
    throw new ConfigError(
      `${spec.name}: the block list ${describeSource(spec.policy.blockList)} holds no addresses`,
      'an empty feed never wipes a group: check the policy on the policy server, or the list file',
    );
  }
  const blockList = aggregate(block.list);
  const allowList = allow ? aggregate(allow.list) : undefined;
  const held = heldFamilies(spec, blockList, allowList);
  const desired = withNotes(computeDesired(spec, held.block, held.allow), held.notes);
  const zones = [figuresOf('block', block, blockList)];
  if (allow && allowList) zones.push(figuresOf('allow', allow, allowList));
  return { desired, pins: allow ? [pinOf(block), pinOf(allow)] : [pinOf(block)], zones };
}

/**
 * The lists cut to the address families the platform holds (PIX: IPv4 only), each cut said in the plan: a feed's
 * IPv6 entries never reach a device that cannot hold them, and never silently vanish either.
 */
function heldFamilies(
  spec: DeviceSpec,
  block: PrefixList,
  allow: PrefixList | undefined,
): { block: PrefixList; allow: PrefixList | undefined; notes: string[] } {
  if (getPlatform(spec.platform).traits.families.includes('v6')) return { block, allow, notes: [] };
  const notes: string[] = [];
  const cut = (list: PrefixList, what: string): PrefixList => {
    const n = list.v6.len.length;
    if (n === 0) return list;
    notes.push(`${spec.platform} holds IPv4 members only: ${n} IPv6 entries of the ${what} are left out`);
    return { v4: list.v4, v6: EMPTY_PREFIXES.v6 };
  };
  return { block: cut(block, 'block list'), allow: allow && cut(allow, 'allow list'), notes };
}

function withNotes(desired: DesiredState, notes: readonly string[]): DesiredState {
  return notes.length === 0 ? desired : { ...desired, notes: [...(desired.notes ?? []), ...notes] };
}

function figuresOf(role: 'block' | 'allow', zone: ResolvedZone, aggregated: PrefixList): ZoneFigures {
  return {
    role,
    source: describeSource(zone.source),
    serial: zone.serial ?? null,
    records: zone.records,
    decoded: zone.decoded,
    aggregated: prefixCount(aggregated),
    skipped: zone.skipped,
    fromCache: zone.fromCache,
  };
}

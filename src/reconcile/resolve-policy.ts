// Step "resolve": a device's block and allow zones -> CIDR sets and the desired state, with the figures
// `tscm policy` prints. A failed or empty zone stops the device here: it never becomes an empty desired set.

import { prefixCount } from '../cidr/index.js';
import type { PrefixList } from '../cidr/types.js';
import type { DeviceSpec } from '../config/types.js';
import type { DesiredState, ZonePin } from '../plan/model.js';
import { pinOf, type ResolvedZone, type ZoneResolver } from '../policy/index.js';
import { describeSource, desiredOfLists } from './desired-policy.js';

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

export async function resolveDevicePolicy(resolver: ZoneResolver, spec: DeviceSpec): Promise<ResolvedPolicy> {
  const block = await resolver.resolve(spec.policy.blockList);
  const allow = spec.policy.allowList ? await resolver.resolve(spec.policy.allowList) : undefined;
  const { desired, blockList, allowList } = desiredOfLists(spec, block.list, allow?.list);
  const zones = [figuresOf('block', block, blockList)];
  if (allow && allowList) zones.push(figuresOf('allow', allow, allowList));
  return { desired, pins: allow ? [pinOf(block), pinOf(allow)] : [pinOf(block)], zones };
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

// Step "resolve": a device's block and allow zones -> CIDR sets and the desired state, with the figures
// `tscm policy` prints. A failed or empty zone stops the device here: it never becomes an empty desired set.

import { aggregate, prefixCount } from '../cidr/index.js';
import type { PrefixList } from '../cidr/types.js';
import type { DeviceSpec, ZoneSource } from '../config/types.js';
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
  const desired = computeDesired(spec, blockList, allowList);
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

// The pure half of step "resolve": a device's block and allow lists (already read) -> its desired state. Split from
// resolve-policy.ts so `tscm policy DEVICE --cidrs` over list files computes exactly the same set without loading
// the zone transfer stack.

import { aggregate, EMPTY_PREFIXES, prefixCount } from '../cidr/index.js';
import type { PrefixList } from '../cidr/types.js';
import type { DeviceSpec, ZoneSource } from '../config/types.js';
import { getPlatform } from '../drivers/registry.js';
import { ConfigError } from '../errors.js';
import { computeDesired } from '../plan/desired.js';
import type { DesiredState } from '../plan/model.js';

export function describeSource(source: ZoneSource): string {
  return source.kind === 'zone' ? `${source.zone} @ ${source.server.host}:${source.server.port}` : source.path;
}

export interface DesiredOfLists {
  readonly desired: DesiredState;
  /** The block and allow lists aggregated (before the allow list is taken out and before the cap). */
  readonly blockList: PrefixList;
  readonly allowList: PrefixList | undefined;
}

/** A failed or empty block list stops the device here: it never becomes an empty desired set. */
export function desiredOfLists(spec: DeviceSpec, block: PrefixList, allow: PrefixList | undefined): DesiredOfLists {
  if (prefixCount(block) === 0) {
    throw new ConfigError(
      `${spec.name}: the block list ${describeSource(spec.policy.blockList)} holds no addresses`,
      'an empty feed never wipes a group: check the policy on the policy server, or the list file',
    );
  }
  const blockList = aggregate(block);
  const allowList = allow ? aggregate(allow) : undefined;
  const held = heldFamilies(spec, blockList, allowList);
  const desired = withNotes(computeDesired(spec, held.block, held.allow), held.notes);
  return { desired, blockList, allowList };
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

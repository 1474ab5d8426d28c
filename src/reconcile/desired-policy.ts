// The pure half of step "resolve": a device's sources (the version of each the gates let through) -> its desired
// state. Split from resolve-policy.ts so `tscm policy DEVICE --cidrs` over list files computes exactly the same set
// without loading the zone transfer stack.

import { aggregate, EMPTY_PREFIXES, prefixCount, union } from '../cidr/index.js';
import type { DeviceSpec, ZoneSource } from '../config/types.js';
import { getPlatform } from '../drivers/registry.js';
import type { LockoutInput } from '../plan/carve-out.js';
import { composeDesired, type ComposeSource } from '../plan/compose.js';
import type { DesiredState, GroupRole } from '../plan/model.js';

export function describeSource(source: ZoneSource): string {
  return source.kind === 'zone' ? `${source.zone} @ ${source.server.host}:${source.server.port}` : source.path;
}

/** The desired state of a device from its sources, cut to the address families its platform holds. */
export function desiredOfSources(
  spec: DeviceSpec,
  sources: readonly ComposeSource[],
  lockout: LockoutInput,
): DesiredState {
  const held = heldFamilies(spec, sources);
  return withNotes(composeDesired(spec, held.sources, lockout), held.notes);
}

/**
 * The sources cut to the address families the platform holds (PIX: IPv4 only), each cut said in the plan: a feed's
 * IPv6 entries never reach a device that cannot hold them, and never silently vanish either.
 */
function heldFamilies(
  spec: DeviceSpec,
  sources: readonly ComposeSource[],
): { sources: readonly ComposeSource[]; notes: string[] } {
  if (getPlatform(spec.platform).traits.families.includes('v6')) return { sources, notes: [] };
  const notes: string[] = [];
  for (const [role, what] of [
    ['block', 'block list'],
    ['allow', 'allow list'],
  ] as [GroupRole, string][]) {
    const v6 = sources
      .filter((s) => s.role === role && s.list.v6.len.length > 0)
      .reduce((acc, s) => union(acc, { v4: EMPTY_PREFIXES.v4, v6: s.list.v6 }), EMPTY_PREFIXES);
    const n = prefixCount(aggregate(v6));
    if (n > 0) notes.push(`${spec.platform} holds IPv4 members only: ${n} IPv6 entries of the ${what} are left out`);
  }
  const cut = sources.map((s) =>
    s.list.v6.len.length === 0 ? s : { ...s, list: { v4: s.list.v4, v6: EMPTY_PREFIXES.v6 } },
  );
  return { sources: cut, notes };
}

function withNotes(desired: DesiredState, notes: readonly string[]): DesiredState {
  return notes.length === 0 ? desired : { ...desired, notes: [...(desired.notes ?? []), ...notes] };
}

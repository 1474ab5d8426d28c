// Pure fold of a parsed ASA configuration into logical groups (plan/model.ts ObservedGroup) and the physical
// layout the nested layout function works on (layout.ts): a master group, its managed `<master>-<n>` children,
// its direct members, the shim. The children and the shim are folded away: the core sees one logical group.

import { exactDifference, exactIntersection } from '../../cidr/exact-ops.js';
import { EMPTY_PREFIXES, prefixCount } from '../../cidr/builder.js';
import type { PrefixList } from '../../cidr/types.js';
import type { GroupRole, ObservedGroup } from '../../plan/model.js';
import { childNumber, layoutMembers, type NestedLayout } from './layout.js';
import { groupUsers, type AsaConfig, type AsaGroup } from './parse.js';

export interface FoldedGroup {
  readonly observed: ObservedGroup;
  readonly layout: NestedLayout;
  /** An ACL uses the master, directly or through a parent group. */
  readonly inUse: boolean;
}

/**
 * One logical group from a parse. `group-object` lines naming anything but an existing managed child, and every
 * line tscm does not model, are foreign (a child's prefixed with its name); a managed-shaped group that the
 * master does not nest is `taken` (never reused as a new child's name).
 */
export function foldNestedGroup(
  config: AsaConfig,
  ref: { readonly name: string; readonly role: GroupRole },
  shim: PrefixList,
  users: ReadonlyMap<string, readonly string[]> = groupUsers(config),
): FoldedGroup {
  const byName = new Map<string, AsaGroup>(config.groups.map((g) => [g.name, g]));
  const master = byName.get(ref.name);
  const attached = new Set<string>();
  const children: { name: string; members: PrefixList }[] = [];
  const foreign: string[] = [...(master?.foreign ?? [])];
  for (const c of master?.children ?? []) {
    const child = byName.get(c);
    if (childNumber(ref.name, c) < 0 || child === undefined || attached.has(c)) {
      foreign.push(`group-object ${c}`);
      continue;
    }
    attached.add(c);
    children.push({ name: c, members: child.members });
    for (const l of child.children) foreign.push(`${c}: group-object ${l}`);
    for (const l of child.foreign) foreign.push(`${c}: ${l}`);
  }
  const taken = config.groups
    .filter((g) => childNumber(ref.name, g.name) >= 0 && !attached.has(g.name))
    .map((g) => g.name);
  const own = master?.members ?? EMPTY_PREFIXES;
  const shimHere = prefixCount(exactIntersection(own, shim)) > 0;
  const layout: NestedLayout = {
    master: ref.name,
    masterExists: master !== undefined,
    children,
    direct: shimHere ? exactDifference(own, shim) : own,
    shim: shimHere,
    taken,
  };
  const usedBy = users.get(ref.name) ?? [];
  const observed: ObservedGroup = {
    name: ref.name,
    role: ref.role,
    exists: master !== undefined,
    members: layoutMembers(layout),
    foreign,
    usedBy,
  };
  return { observed, layout, inUse: usedBy.length > 0 };
}

/** Per group of the config, the member forms a removal must repeat (render options). */
export function memberForms(config: AsaConfig): {
  maskHosts: Map<string, ReadonlySet<number>>;
  slashHosts6: Map<string, ReadonlySet<string>>;
} {
  const maskHosts = new Map<string, ReadonlySet<number>>();
  const slashHosts6 = new Map<string, ReadonlySet<string>>();
  for (const g of config.groups) {
    if (g.maskHosts.length > 0) maskHosts.set(g.name, new Set(g.maskHosts));
    if (g.slashHosts6.length > 0) slashHosts6.set(g.name, new Set(g.slashHosts6));
  }
  return { maskHosts, slashHosts6 };
}

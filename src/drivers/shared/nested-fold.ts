// Pure fold of an ASA's network groups (read over SSH or REST) into one logical group (plan/model.ts ObservedGroup)
// and the physical layout the nested layout function works on (nested-layout.ts): a master group, its managed
// `<master>-<n>` children, its direct members, the shim. The children and the shim are folded away: the core sees
// one logical group.

import { exactDifference, exactIntersection } from '../../cidr/exact-ops.js';
import { EMPTY_PREFIXES, isEmptyList, prefixCount } from '../../cidr/builder.js';
import type { PrefixList } from '../../cidr/types.js';
import type { GroupRole, ObservedGroup } from '../../plan/model.js';
import { childNumber, layoutMembers, type NestedLayout } from './nested-layout.js';

/** One network group as the device holds it, whatever the transport. */
export interface NestedGroupView {
  readonly name: string;
  /** Address members, normalised. */
  readonly members: PrefixList;
  /** Nested groups (`group-object X`, objectRef#NetworkObjGroup X), in device order. */
  readonly children: readonly string[];
  /** Members tscm does not model, in the CLI's words (`network-object object X`), in device order. */
  readonly foreign: readonly string[];
}

export interface FoldedGroup {
  readonly observed: ObservedGroup;
  readonly layout: NestedLayout;
  /** An ACL uses the master, directly or through a parent group. */
  readonly inUse: boolean;
}

/**
 * One logical group from the device's groups. Nested groups naming anything but an existing managed child, and
 * every member tscm does not model, are foreign (a child's prefixed with its name); a managed-shaped group that the
 * master does not nest is `taken` (never reused as a new child's name). `users` is groupUsers of the same groups.
 */
export function foldNestedGroup(
  groups: ReadonlyMap<string, NestedGroupView>,
  ref: { readonly name: string; readonly role: GroupRole },
  shim: PrefixList,
  users: ReadonlyMap<string, readonly string[]>,
): FoldedGroup {
  const master = groups.get(ref.name);
  const attached = new Set<string>();
  const children: { name: string; members: PrefixList }[] = [];
  const foreign: string[] = [...(master?.foreign ?? [])];
  for (const c of master?.children ?? []) {
    const child = groups.get(c);
    if (childNumber(ref.name, c) < 0 || child === undefined || attached.has(c)) {
      foreign.push(`group-object ${c}`);
      continue;
    }
    attached.add(c);
    children.push({ name: c, members: child.members });
    for (const l of child.children) foreign.push(`${c}: group-object ${l}`);
    for (const l of child.foreign) foreign.push(`${c}: ${l}`);
  }
  const taken = [...groups.keys()].filter((name) => childNumber(ref.name, name) >= 0 && !attached.has(name));
  // Outside the master, used by nothing, holding addresses only: left by an apply interrupted before its attach.
  const orphans = taken.flatMap((name) => {
    const g = groups.get(name);
    const free = (users.get(name) ?? []).length === 0 && g !== undefined && g.children.length === 0;
    return free && g.foreign.length === 0 && !isEmptyList(g.members) ? [{ name, members: g.members }] : [];
  });
  const own = master?.members ?? EMPTY_PREFIXES;
  const shimHere = prefixCount(exactIntersection(own, shim)) > 0;
  const layout: NestedLayout = {
    master: ref.name,
    masterExists: master !== undefined,
    children,
    direct: shimHere ? exactDifference(own, shim) : own,
    shim: shimHere,
    taken,
    orphans,
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

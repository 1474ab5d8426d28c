// What tscm owns in a group (DESIGN.md convention 9). A member enters the inventory only when tscm's own add
// reached the device, or by an explicit --adopt: a member that was on the device before tscm added it stays
// foreign even when the policy names it, so a later policy change never deletes what an administrator typed.

import { EMPTY_PREFIXES, exactDifference, exactIntersection, exactUnion, prefixCount } from '../cidr/index.js';
import type { PrefixList } from '../cidr/types.js';
import type { DevicePlan, Inventory, InventoryGroup, ObservedDevice, ObservedGroup } from './model.js';

/** The observed members tscm may remove: those in its inventory, or all of them when adopting. */
export function managedMembers(have: ObservedGroup, owned: InventoryGroup | undefined, adopt: boolean): PrefixList {
  if (adopt) return have.members;
  if (!owned) return EMPTY_PREFIXES;
  // The same list (a plan from the stored state, --refresh=false): its intersection with itself, without the walk.
  return owned.members === have.members ? have.members : exactIntersection(have.members, owned.members);
}

/**
 * What tscm owns once `plan` is fully applied to the endpoint it was computed against (`observed`, with the
 * inventory the plan used): per group, the managed members it keeps plus its own adds. Never the desired members
 * that were on the device already without being tscm's.
 */
export function inventoryAfterApply(plan: DevicePlan, observed: ObservedDevice, inventory: Inventory): Inventory {
  const groups: InventoryGroup[] = [];
  for (const change of plan.groups) {
    if (change.action === 'delete') continue;
    const have = observed.groups.find((g) => g.name === change.name);
    const owned = inventory.groups.find((g) => g.name === change.name);
    const managed = have?.exists ? managedMembers(have, owned, plan.inputs.adopt) : EMPTY_PREFIXES;
    const members = exactUnion(exactDifference(managed, change.remove), change.add);
    const created = change.action === 'create' || owned?.created === true;
    if (created || prefixCount(members) > 0) groups.push({ name: change.name, role: change.role, created, members });
  }
  return { groups };
}

/**
 * What tscm owns after an apply that stopped half-way, from a fresh read of the device (`observedNow`): what it
 * managed before, plus the adds it sent (`sent`: the journaled windows), where the device has them now. A member
 * that was on the device before and not tscm's stays foreign; an add never sent is never claimed.
 */
export function inventoryAfterPartialApply(
  plan: DevicePlan,
  observedBefore: ObservedDevice,
  inventory: Inventory,
  sent: Inventory,
  observedNow: ObservedDevice,
): Inventory {
  const groups: InventoryGroup[] = [];
  const names = new Set([...inventory.groups, ...sent.groups, ...plan.groups].map((g) => g.name));
  for (const name of [...names].sort()) {
    const now = observedNow.groups.find((g) => g.name === name);
    if (!now?.exists) continue;
    const was = observedBefore.groups.find((g) => g.name === name);
    const owned = inventory.groups.find((g) => g.name === name);
    const adds = sent.groups.find((g) => g.name === name);
    const managed = was?.exists ? managedMembers(was, owned, plan.inputs.adopt) : EMPTY_PREFIXES;
    const members = exactIntersection(now.members, exactUnion(managed, adds?.members ?? EMPTY_PREFIXES));
    const created = owned?.created === true || adds?.created === true;
    const role = (owned ?? adds ?? plan.groups.find((g) => g.name === name))!.role;
    if (created || prefixCount(members) > 0) groups.push({ name, role, created, members });
  }
  return { groups };
}

/** One inventory for several endpoints (HA peers) or sources: the union of what each may hold of tscm's. */
export function mergeInventories(...parts: readonly Inventory[]): Inventory {
  const byName = new Map<string, { group: InventoryGroup; lists: PrefixList[]; created: boolean }>();
  for (const g of parts.flatMap((p) => p.groups)) {
    const seen = byName.get(g.name);
    if (seen) {
      seen.lists.push(g.members);
      seen.created ||= g.created;
    } else byName.set(g.name, { group: g, lists: [g.members], created: g.created });
  }
  return {
    groups: [...byName.keys()].sort().map((name) => {
      const { group, lists, created } = byName.get(name)!;
      return { name, role: group.role, created, members: unionAll(lists) };
    }),
  };
}

/** The exact union of many lists, merged pairwise (log k rounds, not k growing merges: the windows of 1M adds). */
function unionAll(lists: PrefixList[]): PrefixList {
  let round = lists;
  while (round.length > 1) {
    const next: PrefixList[] = [];
    for (let i = 0; i < round.length; i += 2)
      next.push(i + 1 < round.length ? exactUnion(round[i]!, round[i + 1]!) : round[i]!);
    round = next;
  }
  return round[0] ?? EMPTY_PREFIXES;
}

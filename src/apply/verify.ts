// Step "verify": after an apply, the device is converged only if every desired member is on it and no member the
// plan removed is left. Members tscm does not own may stay (they are not ours to touch).

import { EMPTY_PREFIXES, exactDifference, exactIntersection, exactUnion, prefixCount } from '../cidr/index.js';
import type { PrefixList } from '../cidr/types.js';
import type { DesiredState, DevicePlan, Inventory, InventoryGroup, ObservedDevice } from '../plan/model.js';

export interface GroupMismatch {
  readonly name: string;
  readonly missing: number;
  readonly leftOver: number;
}

export function findMismatches(desired: DesiredState, plan: DevicePlan, observed: ObservedDevice): GroupMismatch[] {
  const out: GroupMismatch[] = [];
  for (const change of plan.groups) {
    const want = desired.groups.find((g) => g.name === change.name);
    const have = observed.groups.find((g) => g.name === change.name);
    const haveMembers = have && have.exists ? have.members : undefined;
    const missing = want
      ? haveMembers
        ? prefixCount(exactDifference(want.members, haveMembers))
        : prefixCount(want.members)
      : 0;
    const leftOver = haveMembers ? prefixCount(exactIntersection(change.remove, haveMembers)) : 0;
    const deletedButPresent = change.action === 'delete' && have?.exists === true;
    if (missing > 0 || leftOver > 0 || deletedButPresent) out.push({ name: change.name, missing, leftOver });
  }
  return out;
}

/**
 * What tscm owns after an apply that stopped half-way. With a fresh read of the device it is exact: the owned
 * members still there, plus the planned adds that arrived. Without one (the device is unreachable) it is the
 * safe superset: everything owned before plus everything we tried to add; removal is always limited to what the
 * device really has, so claiming an add that never arrived is harmless.
 */
export function inventoryAfterPartialApply(
  before: Inventory,
  plan: DevicePlan,
  observedNow: ObservedDevice | null,
): Inventory {
  const groups: InventoryGroup[] = [];
  const names = new Set([...before.groups.map((g) => g.name), ...plan.groups.map((g) => g.name)]);
  for (const name of [...names].sort()) {
    const prior = before.groups.find((g) => g.name === name);
    const change = plan.groups.find((g) => g.name === name);
    const role = (prior ?? change)!.role;
    let owned: PrefixList = prior && change ? exactUnion(prior.members, change.add) : (prior?.members ?? change!.add);
    if (observedNow) {
      const seen = observedNow.groups.find((g) => g.name === name);
      owned = seen && seen.exists ? exactIntersection(seen.members, owned) : EMPTY_PREFIXES;
    }
    if (prefixCount(owned) > 0) groups.push({ name, role, members: owned });
  }
  return { groups };
}

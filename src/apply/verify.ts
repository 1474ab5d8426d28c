// Step "verify": after an apply, the device is converged only if every desired member is on it and no member the
// plan removed is left. Members tscm does not own may stay (they are not ours to touch).

import { exactDifference, exactIntersection, prefixCount } from '../cidr/index.js';
import type { DesiredState, DevicePlan, ObservedDevice } from '../plan/model.js';

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

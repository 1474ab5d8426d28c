// The one-word outcome of a plan and its counts, shared by the JSON document, the markdown comment's status line
// and `tscm show`: failed (a device could not be planned) before refused (a safety refusal: apply needs --force)
// before changes, else no changes.

import { hasChanges } from '../../plan/compute-plan.js';
import type { Plan } from '../../plan/model.js';

export type PlanStatus = 'failed' | 'refused' | 'changes' | 'no-changes';

export interface PlanTotals {
  /** Devices planned (failures not counted). */
  readonly devices: number;
  readonly withChanges: number;
  readonly refused: number;
  readonly failed: number;
  readonly add: number;
  readonly remove: number;
  readonly create: number;
  readonly delete: number;
}

export function planTotals(plan: Plan): PlanTotals {
  const t = { add: 0, remove: 0, create: 0, delete: 0 };
  for (const d of plan.devices) for (const k of ['add', 'remove', 'create', 'delete'] as const) t[k] += d.summary[k];
  return {
    devices: plan.devices.length,
    withChanges: plan.devices.filter(hasChanges).length,
    refused: plan.devices.filter((d) => d.refusals.length > 0).length,
    failed: plan.failures?.length ?? 0,
    ...t,
  };
}

export function planStatus(t: PlanTotals): PlanStatus {
  if (t.failed > 0) return 'failed';
  if (t.refused > 0) return 'refused';
  return t.withChanges > 0 ? 'changes' : 'no-changes';
}

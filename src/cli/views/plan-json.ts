// The plan for machines: one JSON document, per device a summary { add, remove, create, delete } and the changes
// with every member as a CIDR string. Stable key order; no colour, no prose beyond warnings and refusals.

import { prefixesToStrings } from '../../cidr/index.js';
import type { DevicePlan, Plan } from '../../plan/model.js';
import { hasChanges } from '../../plan/compute-plan.js';

/** The JSON text (no trailing newline). */
export function renderPlanJson(plan: Plan): string {
  return JSON.stringify(planToJson(plan), null, 2);
}

export function planToJson(plan: Plan): Record<string, unknown> {
  return {
    formatVersion: plan.formatVersion,
    createdAt: plan.createdAt,
    gitRevision: plan.gitRevision,
    changes: plan.devices.some(hasChanges),
    devices: plan.devices.map(deviceToJson),
  };
}

function deviceToJson(p: DevicePlan): Record<string, unknown> {
  return {
    device: p.device,
    platform: p.platform,
    changes: hasChanges(p),
    summary: { add: p.summary.add, remove: p.summary.remove, create: p.summary.create, delete: p.summary.delete },
    groups: p.groups.map((g) => ({
      name: g.name,
      role: g.role,
      action: g.action,
      before: g.before,
      after: g.after,
      unmanaged: g.unmanaged,
      alreadyPresent: g.alreadyPresent,
      add: prefixesToStrings(g.add),
      remove: prefixesToStrings(g.remove),
    })),
    warnings: p.warnings,
    refusals: p.refusals,
    truncation: p.truncation ?? null,
    inputs: p.inputs,
  };
}

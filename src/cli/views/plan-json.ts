// The plan for machines: one JSON document (schemas/plan-output.schema.json), printed alike by `tscm plan --json`
// and `tscm show FILE --json`. The outcome and its counts first, then which devices the plan covers, per device a
// summary and the changes with every member as a CIDR string, then the devices that could not be planned, each with
// its step, message and hint (a failed run must not read as "no changes"). Stable key order; no colour, no prose.

import { prefixesToStrings } from '../../cidr/index.js';
import type { DevicePlan, Plan, PlanScope } from '../../plan/model.js';
import { capacityDocument, policyReportDocument } from '../../plan/policy-report-document.js';
import { hasChanges } from '../../plan/compute-plan.js';
import { serializePin } from '../../plan/plan-file.js';
import { planStatus, planTotals } from './plan-status.js';

/**
 * The version of this document, apart from the plan file's: a field added keeps it, a field renamed, removed or
 * changed in meaning raises it.
 */
export const PLAN_OUTPUT_VERSION = 1;

/** The JSON text (no trailing newline). */
export function renderPlanJson(plan: Plan): string {
  return JSON.stringify(planToJson(plan), null, 2);
}

export function planToJson(plan: Plan): Record<string, unknown> {
  const totals = planTotals(plan);
  const scope = plan.scope ?? null;
  return {
    formatVersion: PLAN_OUTPUT_VERSION,
    createdAt: plan.createdAt,
    gitRevision: plan.gitRevision,
    status: planStatus(totals),
    changes: totals.withChanges > 0,
    summary: totals,
    scope: scope && scopeToJson(scope),
    devices: plan.devices.map(deviceToJson),
    failures: (plan.failures ?? []).map((f) => ({ device: f.device, step: f.step, message: f.message, hint: f.hint })),
  };
}

function scopeToJson(s: PlanScope): Record<string, unknown> {
  return {
    selection: s.selection,
    changedSince: s.changedSince && { ref: s.changedSince.ref, commit: s.changedSince.commit },
    removedFromDefinitions: [...s.removedFromDefinitions],
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
    truncation: p.truncation
      ? { dropped: p.truncation.dropped, sample: [...p.truncation.sample], limit: p.truncation.limit }
      : null,
    layout: [...(p.layout ?? [])],
    // Only when the plan has them: plans made before issue 12 print as they always did.
    ...(p.policy ? { policy: policyReportDocument(p.policy) } : {}),
    ...(p.capacity ? { capacity: capacityDocument(p.capacity) } : {}),
    // The same fields as the plan file's, whatever else the in-memory pins carry.
    inputs: {
      zones: p.inputs.zones.map(serializePin),
      observedFingerprint: p.inputs.observedFingerprint,
      state: p.inputs.state && { lineage: p.inputs.state.lineage, serial: p.inputs.state.serial },
      adopt: p.inputs.adopt,
    },
  };
}

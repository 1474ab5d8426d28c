// The plan for machines: one JSON document, per device a summary { add, remove, create, delete } and the changes
// with every member as a CIDR string, then the devices that could not be planned, each with its step, message and
// hint (a failed run must not read as "no changes"). Stable key order; no colour, no prose beyond those.

import { prefixesToStrings } from '../../cidr/index.js';
import { redactSecrets } from '../../config/secrets.js';
import type { DevicePlan, Plan } from '../../plan/model.js';
import { hasChanges } from '../../plan/compute-plan.js';
import type { FailureLike } from './failures-human.js';

/** The JSON text (no trailing newline). */
export function renderPlanJson(plan: Plan, failures: readonly FailureLike[] = []): string {
  return JSON.stringify(planToJson(plan, failures), null, 2);
}

export function planToJson(plan: Plan, failures: readonly FailureLike[] = []): Record<string, unknown> {
  return {
    formatVersion: plan.formatVersion,
    createdAt: plan.createdAt,
    gitRevision: plan.gitRevision,
    changes: plan.devices.some(hasChanges),
    devices: plan.devices.map(deviceToJson),
    failures: failures.map(failureToJson),
  };
}

function failureToJson(f: FailureLike): Record<string, unknown> {
  const err = f.error as { message?: unknown; hint?: unknown };
  const message = typeof err?.message === 'string' ? err.message : String(f.error);
  return {
    device: f.device,
    step: f.step,
    message: redactSecrets(message),
    hint: typeof err?.hint === 'string' ? redactSecrets(err.hint) : null,
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

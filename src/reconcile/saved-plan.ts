// The plan for the management address when applying a plan made earlier (`tscm apply FILE`, or the plan shown
// before the confirmation question): refuse it when a pinned input moved, recompute it from the pinned inputs,
// and carry out the recomputed plan only when the given plan's changes are exactly it. A plan file is input like
// any other: group names come from the definitions, members are recomputed, safety refusals recomputed, never read.

import type { DeviceSpec } from '../config/types.js';
import type { Logger } from '../drivers/driver.js';
import { ConfigError } from '../errors.js';
import { comparePlans } from '../plan/plan-compare.js';
import { checkPlanFresh } from '../plan/plan-file.js';
import type { DevicePlan, ObservedDevice } from '../plan/model.js';
import { observedFromState, planDevice, STATE_FINGERPRINT_PREFIX, type DeviceBasis } from './plan-device.js';
import type { ResolvedPolicy } from './resolve-policy.js';

export interface SavedPlan {
  readonly devicePlan: DevicePlan;
  readonly planGitRevision: string | null;
  /** The definitions' git revision now. */
  readonly revision: string | null;
}

/** Steps "plan" and "guard" in one: the plan to carry out for the management address, or a ConfigError. */
export function planForEndpoint(
  spec: DeviceSpec,
  policy: ResolvedPolicy,
  basis: DeviceBasis,
  observed: ObservedDevice,
  saved: SavedPlan,
  ctx: { readonly fromFile: boolean; readonly log: Logger },
): DevicePlan {
  const recomputed = recomputeSavedPlan(spec, policy, basis, observed, saved, ctx.log);
  guardSavedPlan(spec, basis, recomputed, saved, ctx);
  return recomputed.plan;
}

/** What the plan's pinned inputs give: `pinned` from its basis; `plan`, the one to carry out. */
export interface RecomputedPlan {
  readonly pinned: DevicePlan;
  readonly plan: DevicePlan;
  /** The pinned basis: the device's read, or the stored state for a plan made with --refresh=false. */
  readonly basis: ObservedDevice;
  readonly fromState: boolean;
}

/** Step "plan" for a saved plan: recompute it from its pinned inputs (and, made from the state, from the device). */
export function recomputeSavedPlan(
  spec: DeviceSpec,
  policy: ResolvedPolicy,
  basis: DeviceBasis,
  observed: ObservedDevice,
  saved: SavedPlan,
  log: Logger,
): RecomputedPlan {
  const { devicePlan } = saved;
  // A plan made with --refresh=false never saw the device: its basis is the stored state, checked by the state pin
  // and recomputed from it; the device must then agree with it too.
  const fromState = devicePlan.inputs.observedFingerprint.startsWith(STATE_FINGERPRINT_PREFIX);
  const pinnedBasis = fromState ? observedFromState(basis.state) : observed;
  if (fromState) log.warn('the plan was made without reading the device (--refresh=false)', { device: spec.name });
  const adopt = { adopt: devicePlan.inputs.adopt };
  const pinned = planDevice(spec, policy, pinnedBasis, basis, spec.management, adopt);
  const plan = fromState ? planDevice(spec, policy, observed, basis, spec.management, adopt) : pinned;
  return { pinned, plan, basis: pinnedBasis, fromState };
}

/**
 * Step "guard" for a saved plan: refused when a pinned input moved (stale), when its changes are not exactly the
 * recomputed plan (edited), or when the device no longer fits a plan made from the stored state.
 */
export function guardSavedPlan(
  spec: DeviceSpec,
  basis: DeviceBasis,
  recomputed: RecomputedPlan,
  saved: SavedPlan,
  ctx: { readonly fromFile: boolean },
): void {
  const { devicePlan } = saved;
  const where = ctx.fromFile ? 'the plan file' : 'the plan';
  const { state } = basis;
  const moved = checkPlanFresh(devicePlan, {
    zones: recomputed.pinned.inputs.zones,
    observedFingerprint: recomputed.basis.fingerprint,
    state: state ? { lineage: state.lineage, serial: state.serial } : null,
    gitRevision: saved.revision,
    planGitRevision: saved.planGitRevision,
  });
  if (moved.length > 0) {
    throw new ConfigError(
      `${spec.name}: the plan is stale; these inputs moved since it was made:${listed(moved)}`,
      'run tscm plan again and review the new plan',
    );
  }
  const tampered = comparePlans(devicePlan, recomputed.pinned);
  if (tampered.length > 0) {
    throw new ConfigError(
      `${spec.name}: ${where} is not the plan its pinned inputs give; refusing it:${listed(tampered)}`,
      'a saved plan must not be edited: run tscm plan --out FILE again and apply that file',
    );
  }
  if (!recomputed.fromState) return;
  const drift = comparePlans(devicePlan, recomputed.plan);
  if (drift.length > 0) {
    throw new ConfigError(
      `${spec.name}: the device differs from tscm's stored state, so the plan made with --refresh=false no longer fits it:${listed(drift)}`,
      'run tscm plan (with refresh) again and review the new plan',
    );
  }
}

/** How many differences a refusal lists: an edited file can hold thousands of groups or pins. */
const MAX_LISTED = 10;

function listed(items: readonly string[]): string {
  const more = items.length > MAX_LISTED ? [`and ${items.length - MAX_LISTED} more`] : [];
  return [...items.slice(0, MAX_LISTED), ...more].map((item) => `\n  - ${item}`).join('');
}

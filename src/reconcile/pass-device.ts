// One device's attempt in a reconcile pass, through its named steps. A device the pass may change runs them all
// (steps-apply.ts) in one session per endpoint; a device it must not change (policyUpdates: false, a closed change
// window, a drift check with `drift: report`) runs up to plan (steps-plan.ts) and its guard holds it: the changes
// are reported, not applied.

import { PlanRefusedError } from '../apply/apply-device.js';
import type { DeviceSpec } from '../config/types.js';
import { hasChanges } from '../plan/compute-plan.js';
import type { DevicePlan, Plan } from '../plan/model.js';
import { planIdOf } from '../plan/plan-file.js';
import type { ReconcileEvents } from './events.js';
import type { Fleet } from './fleet.js';
import { planDevice } from './plan-device.js';
import type { ResolvedPolicy } from './resolve-policy.js';
import { applyDeviceSteps } from './steps-apply.js';
import { planDeviceSteps } from './steps-plan.js';
import { DeviceSteps, type StepFailure } from './steps.js';

export type DeviceOutcome =
  /** Applied (some changes sent) or up to date (none needed). */
  | {
      readonly kind: 'applied';
      readonly added: number;
      readonly removed: number;
      readonly policy: ResolvedPolicy;
      readonly plans: readonly DevicePlan[];
    }
  /** Planned and reported, not applied: `held` says why. */
  | {
      readonly kind: 'held';
      readonly held: string;
      readonly plan: DevicePlan;
      readonly peersOutOfStep: number;
      readonly policy: ResolvedPolicy;
    }
  | { readonly kind: 'refused'; readonly message: string; readonly policy: ResolvedPolicy | null }
  | { readonly kind: 'failed'; readonly failure: StepFailure };

export interface DeviceAttempt {
  readonly fleet: Fleet;
  readonly spec: DeviceSpec;
  /** Why the device may not be changed now; undefined: it may. */
  readonly hold: string | undefined;
  readonly revision: string | null;
  readonly command: string;
  readonly events: ReconcileEvents | undefined;
  readonly signal: AbortSignal | undefined;
  readonly now: () => Date;
}

/** Runs the device's steps; never throws: a failure is an outcome, reported once. */
export async function attemptDevice(a: DeviceAttempt): Promise<DeviceOutcome> {
  const { fleet, spec } = a;
  const steps = new DeviceSteps(spec.name, 'load');
  try {
    if (a.hold !== undefined) {
      const p = await planDeviceSteps(fleet, spec, steps, { refresh: true, adopt: false, force: false });
      steps.enter('guard');
      return { kind: 'held', held: a.hold, plan: p.plan, peersOutOfStep: p.peersOutOfStep, policy: p.policy };
    }
    // The plan the loop carries out is its own: recorded in the plan history (the audit trail `tscm plan` keeps
    // too) when it changes something, and named by its id in the state.
    let planned: Plan | undefined;
    const done = await applyDeviceSteps(fleet, spec, steps, {
      command: a.command,
      force: false,
      revision: a.revision,
      planId: (plans) => {
        const devices = plans.filter(hasChanges).slice(0, 1);
        planned = { formatVersion: 1, createdAt: a.now().toISOString(), gitRevision: a.revision, devices };
        return planIdOf(planned);
      },
      planner: ({ policy, basis, endpoint }) => ({
        plan: (observed) => planDevice(spec, policy, observed, basis, endpoint, { adopt: false }),
      }),
      recordUnchanged: false,
      ...(a.signal === undefined ? {} : { signal: a.signal }),
    });
    if (planned !== undefined && planned.devices.length > 0) await fleet.store.appendPlanHistory(spec.name, planned);
    const added = done.endpoints.reduce((n, r) => n + r.added, 0);
    const removed = done.endpoints.reduce((n, r) => n + r.removed, 0);
    if (added + removed > 0) a.events?.applied?.(spec.name, { added, removed });
    return { kind: 'applied', added, removed, policy: done.policy, plans: done.plans };
  } catch (error) {
    const failure = steps.failure(error);
    if (error instanceof PlanRefusedError) {
      return { kind: 'refused', message: error.message, policy: null };
    }
    fleet.log.error('device failed', { device: spec.name, step: failure.step, error: (error as Error).message });
    a.events?.stepFailed?.(spec.name, failure.step, failure.kind);
    return { kind: 'failed', failure };
  }
}

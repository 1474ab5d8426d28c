// Apply a plan to every device in it, running each device's steps (steps-apply.ts): lock, resolve, then per
// endpoint observe, plan (recomputed: a saved plan is untrusted input), guard (stale or edited plan, safety), apply,
// verify, save, and record. A device with policyUpdates: false is skipped before it is opened.

import type { Endpoint } from '../config/types.js';
import type { ApplyProgress } from '../drivers/driver.js';
import { ConfigError } from '../errors.js';
import { ApplyFailedError, type EndpointResult } from '../apply/apply-device.js';
import { hasChanges } from '../plan/compute-plan.js';
import { planIdOf } from '../plan/plan-file.js';
import type { DevicePlan, Plan } from '../plan/model.js';
import type { DeviceState } from '../state/index.js';
import type { EndpointPlanner } from './device-run.js';
import type { Fleet } from './fleet.js';
import { formatRevision } from './git-revision.js';
import { planDevice } from './plan-device.js';
import { guardSavedPlan, recomputeSavedPlan, type RecomputedPlan, type SavedPlan } from './saved-plan.js';
import { applyDeviceSteps, type PlannerContext } from './steps-apply.js';
import { DeviceSteps, type StepFailure } from './steps.js';

export interface ApplyFleetOptions {
  readonly force: boolean;
  readonly command: string;
  /** The plan was read from a file (`tscm apply FILE`): it is checked against the recomputed plan. */
  readonly fromFile: boolean;
  readonly onProgress?: (device: string, endpoint: Endpoint, p: ApplyProgress) => void;
  /** Aborted by the first SIGINT/SIGTERM: the device in progress stops after its lines in flight; no other starts. */
  readonly signal?: AbortSignal;
}

export interface DeviceApplied {
  readonly device: string;
  readonly endpoints: readonly EndpointResult[];
  /** HA standby units left to replication, each with whether it follows the active unit now. */
  readonly followers: readonly string[];
  readonly state: DeviceState;
}

export interface DeviceSkipped {
  readonly device: string;
  readonly reason: string;
  /** The plan had changes that were left unapplied. */
  readonly pending: boolean;
}

export interface FleetApplyResult {
  readonly applied: readonly DeviceApplied[];
  readonly skipped: readonly DeviceSkipped[];
  readonly failures: readonly StepFailure[];
  /** Set when a signal stopped the run: what reached the devices was recorded. */
  readonly interrupted?: { readonly reached: number };
}

export async function applyFleet(fleet: Fleet, plan: Plan, opts: ApplyFleetOptions): Promise<FleetApplyResult> {
  const applied: DeviceApplied[] = [];
  const skipped: DeviceSkipped[] = [];
  const failures: StepFailure[] = [];
  for (const devicePlan of plan.devices) {
    if (opts.signal?.aborted === true) {
      skipped.push({ device: devicePlan.device, reason: 'interrupted before it started', pending: true });
      continue;
    }
    const spec = fleet.devices.find((d) => d.name === devicePlan.device);
    if (spec && !spec.policyUpdates) {
      skipped.push({
        device: spec.name,
        reason: 'policyUpdates is false: planned and reported only, the device is left untouched',
        pending: hasChanges(devicePlan),
      });
      continue;
    }
    const steps = new DeviceSteps(devicePlan.device);
    try {
      applied.push(await applyOneDevice(fleet, plan, devicePlan, steps, opts));
    } catch (error) {
      const failure = steps.failure(error);
      fleet.log.error('device failed', { device: failure.device, step: failure.step, error: (error as Error).message });
      failures.push(failure);
      if (error instanceof ApplyFailedError && error.interrupted) {
        return { applied, skipped, failures, interrupted: { reached: error.reached } };
      }
    }
  }
  return { applied, skipped, failures };
}

async function applyOneDevice(
  fleet: Fleet,
  plan: Plan,
  devicePlan: DevicePlan,
  steps: DeviceSteps,
  opts: ApplyFleetOptions,
): Promise<DeviceApplied> {
  const spec = fleet.devices.find((d) => d.name === devicePlan.device);
  if (!spec) {
    throw new ConfigError(
      `the plan names device "${devicePlan.device}", which is no longer in the definitions`,
      'make a new plan',
    );
  }
  const revision = formatRevision(await fleet.revision());
  const saved: SavedPlan = { devicePlan, planGitRevision: plan.gitRevision, revision };
  const log = fleet.log;
  const planner = ({ policy, basis, endpoint, primary }: PlannerContext): EndpointPlanner => {
    if (!primary) {
      return {
        plan: (observed) => planDevice(spec, policy, observed, basis, endpoint, { adopt: devicePlan.inputs.adopt }),
      };
    }
    // The first endpoint applied to (the management address, or the active unit of a failover pair) carries out the
    // plan shown or saved, recomputed, and only when nothing moved.
    let recomputed: RecomputedPlan | undefined;
    return {
      plan: (observed) => (recomputed = recomputeSavedPlan(spec, policy, basis, observed, saved, log)).plan,
      guard: () => guardSavedPlan(spec, basis, recomputed!, saved, { fromFile: opts.fromFile }),
    };
  };
  const planId = planIdOf(plan);
  const done = await applyDeviceSteps(fleet, spec, steps, {
    command: opts.command,
    force: opts.force,
    // The plan shown or saved decided which gates --force lets through; none when it shows no sources.
    plannedSources: devicePlan.policy?.sources ?? [],
    revision,
    planId: () => planId,
    summary: devicePlan.summary,
    planner,
    recordUnchanged: true,
    ...(opts.onProgress === undefined ? {} : { onProgress: opts.onProgress }),
    ...(opts.signal === undefined ? {} : { signal: opts.signal }),
  });
  return { device: spec.name, endpoints: done.endpoints, followers: done.followers, state: done.state! };
}

// Apply a plan to every device in it: lock the device, re-resolve and re-read it, recompute the plan (a saved plan
// is untrusted input: it must be exactly the recomputed plan), apply the management address and then each HA peer
// one after another, and record the state from the device (also after a failure or an interruption), so the state
// is never ahead of or behind it. A device with policyUpdates: false is skipped.

import type { Endpoint } from '../config/types.js';
import type { ApplyProgress } from '../drivers/driver.js';
import { ConfigError } from '../errors.js';
import { ApplyFailedError, type EndpointResult } from '../apply/apply-device.js';
import { hasChanges } from '../plan/compute-plan.js';
import { planIdOf } from '../plan/plan-file.js';
import type { DevicePlan, Plan } from '../plan/model.js';
import type { DeviceState } from '../state/index.js';
import { endpointsOf } from './connect.js';
import { DeviceRun, lockDevice } from './device-run.js';
import type { Fleet } from './fleet.js';
import { formatRevision } from './git-revision.js';
import { planDevice, type DeviceBasis } from './plan-device.js';
import type { DeviceFailure } from './plan-fleet.js';
import { resolveDevicePolicy } from './resolve-policy.js';
import { planForEndpoint } from './saved-plan.js';

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
  readonly failures: readonly DeviceFailure[];
  /** Set when a signal stopped the run: what reached the devices was recorded. */
  readonly interrupted?: { readonly reached: number };
}

export async function applyFleet(fleet: Fleet, plan: Plan, opts: ApplyFleetOptions): Promise<FleetApplyResult> {
  const applied: DeviceApplied[] = [];
  const skipped: DeviceSkipped[] = [];
  const failures: DeviceFailure[] = [];
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
    try {
      applied.push(await applyOneDevice(fleet, plan, devicePlan, opts));
    } catch (error) {
      fleet.log.error('device failed', { device: devicePlan.device, step: 'apply', error: (error as Error).message });
      failures.push({ device: devicePlan.device, step: 'apply', error });
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
  opts: ApplyFleetOptions,
): Promise<DeviceApplied> {
  const spec = fleet.devices.find((d) => d.name === devicePlan.device);
  if (!spec) {
    throw new ConfigError(
      `the plan names device "${devicePlan.device}", which is no longer in the definitions`,
      'make a new plan',
    );
  }
  const planId = planIdOf(plan);
  const revision = formatRevision(await fleet.revision());
  const lock = await lockDevice(fleet, spec.name, opts.command);
  try {
    const policy = await resolveDevicePolicy(fleet.resolver, spec);
    const basis: DeviceBasis = {
      state: await fleet.store.read(spec.name),
      journal: await fleet.store.readJournal(spec.name),
    };
    const run = new DeviceRun(fleet, spec, basis, policy.pins, {
      force: opts.force,
      ...(opts.onProgress === undefined ? {} : { onProgress: opts.onProgress }),
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
    });
    const saved = { devicePlan, planGitRevision: plan.gitRevision, revision };
    const log = fleet.log;
    try {
      for (const endpoint of endpointsOf(spec)) {
        await run.applyTo(endpoint, policy.desired, (observed) =>
          endpoint === spec.management
            ? planForEndpoint(spec, policy, basis, observed, saved, { fromFile: opts.fromFile, log })
            : planDevice(spec, policy, observed, basis, endpoint, { adopt: devicePlan.inputs.adopt }),
        );
      }
    } catch (err) {
      // Record what reached the devices before reporting, so the next run starts from the truth. Nothing to
      // record when no change was sent: the failure came before any endpoint (stale plan, refusal, unreachable).
      if (err instanceof ApplyFailedError || run.results.length > 0) {
        await run.record({ ok: false, planId, message: (err as Error).message, revision });
      }
      throw err;
    }
    const state = await run.record({ ok: true, planId, summary: devicePlan.summary, revision });
    return { device: spec.name, endpoints: run.results, state };
  } finally {
    await lock.release();
  }
}

// The steps of one device's apply, shared by `tscm apply` (a plan shown or saved before), `tscm remove` and the
// reconcile loop: lock, resolve, then observe, plan, guard, apply, verify and save on the management address and
// each HA peer in turn (one session at a time), and record. After a failure or an interruption the state is
// recorded from what the devices hold before the error is reported, so the next run starts from the truth.

import { ApplyFailedError, type EndpointResult } from '../apply/apply-device.js';
import type { DeviceSpec, Endpoint } from '../config/types.js';
import type { ApplyProgress } from '../drivers/driver.js';
import { hasChanges } from '../plan/compute-plan.js';
import type { DevicePlan, ZonePin } from '../plan/model.js';
import { TransientError } from '../errors.js';
import type { DeviceState, LastApplyRecord } from '../state/index.js';
import { endpointsOf } from './connect.js';
import { DeviceRun, lockDevice, type EndpointPlanner } from './device-run.js';
import type { Fleet } from './fleet.js';
import type { DeviceBasis } from './plan-device.js';
import { resolveDevicePolicy, type ResolvedPolicy } from './resolve-policy.js';
import { sourcesRecord, type GateOptions } from './source-gates.js';
import type { DeviceSteps } from './steps.js';

export interface PlannerContext {
  readonly policy: ResolvedPolicy;
  readonly basis: DeviceBasis;
  readonly endpoint: Endpoint;
  /**
   * The first endpoint applied to in this run (the management address, or the active unit of a failover pair
   * whose management address is the standby): the one a plan shown or saved before was made against.
   */
  readonly primary: boolean;
}

export interface ApplyStepsOptions {
  /** Named in the lock (who holds it). */
  readonly command: string;
  readonly force: boolean;
  /** Applying a plan made before: its sources (--force lets through only the gates it let through). */
  readonly plannedSources?: GateOptions['planned'];
  /** The definitions' git revision, recorded in the state. */
  readonly revision: string | null;
  /** The id recorded as the state's last apply, given the plans made so far (one per endpoint reached). */
  readonly planId: (plans: readonly DevicePlan[]) => string;
  /** The counts recorded with a completed apply; default: the management address's plan. */
  readonly summary?: DevicePlan['summary'];
  /** How each endpoint is planned and guarded. */
  readonly planner: (ctx: PlannerContext) => EndpointPlanner;
  /**
   * Write the state even when nothing changed (`tscm apply` always records its run); the loop leaves an unchanged
   * device's state alone, so a drift check that finds nothing writes nothing (a commit each time on a git backend).
   */
  readonly recordUnchanged: boolean;
  readonly onProgress?: (device: string, endpoint: Endpoint, p: ApplyProgress) => void;
  readonly signal?: AbortSignal;
}

export interface DeviceApplyOutcome {
  readonly device: string;
  readonly policy: ResolvedPolicy;
  readonly endpoints: readonly EndpointResult[];
  /** The plan carried out on each endpoint, in the order of `endpoints`. */
  readonly plans: readonly DevicePlan[];
  /** HA standby units left to replication, and whether each follows the active unit now. */
  readonly followers: readonly string[];
  /** The state written; null when there was nothing to record. */
  readonly state: DeviceState | null;
}

export async function applyDeviceSteps(
  fleet: Fleet,
  spec: DeviceSpec,
  steps: DeviceSteps,
  opts: ApplyStepsOptions,
): Promise<DeviceApplyOutcome> {
  steps.enter('lock');
  const lock = await lockDevice(fleet, spec.name, opts.command);
  try {
    steps.enter('resolve');
    const basis: DeviceBasis = {
      state: await fleet.store.read(spec.name),
      journal: await fleet.store.readJournal(spec.name),
    };
    const policy = await resolveDevicePolicy(fleet, spec, {
      state: basis.state,
      force: opts.force,
      ...(opts.plannedSources === undefined ? {} : { planned: opts.plannedSources }),
    });
    const { gated } = policy;
    const run = new DeviceRun(fleet, spec, basis, policy.pins, {
      force: opts.force,
      // What the state records of each source: the version applied (its last good set) and the gates forced.
      ...(gated === undefined
        ? {}
        : {
            sources: (lastApply: LastApplyRecord) =>
              sourcesRecord(gated, basis.state, lastApply, new Date().toISOString()),
          }),
      ...(opts.onProgress === undefined ? {} : { onProgress: opts.onProgress }),
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
    });
    const { revision } = opts;
    const followers: string[] = [];
    try {
      const standbys: Endpoint[] = [];
      for (const endpoint of endpointsOf(spec)) {
        const primary = run.results.length === 0;
        const r = await run.applyTo(
          endpoint,
          policy.desired,
          opts.planner({ policy, basis, endpoint, primary }),
          steps,
        );
        if (r === 'standby') standbys.push(endpoint);
      }
      if (standbys.length > 0 && run.results.length === 0) {
        throw new TransientError(
          `${spec.name}: every unit answered as the failover standby; tscm configures the active unit only`,
          'add the active unit to management or peers, or check `show failover` on the pair',
        );
      }
      // Reading a standby again is observing another endpoint (the step order allows observe after save).
      if (standbys.length > 0) steps.enter('observe');
      for (const endpoint of standbys) {
        const planner = opts.planner({ policy, basis, endpoint, primary: false });
        followers.push(await run.confirmFollower(endpoint, planner));
      }
    } catch (err) {
      steps.stop(err);
      // Record what reached the devices before reporting, so the next run starts from the truth. Nothing to
      // record when no change was sent: the failure came before any endpoint (stale plan, refusal, unreachable).
      if (err instanceof ApplyFailedError || run.results.length > 0) {
        await run.record({ ok: false, planId: opts.planId(run.plans), message: (err as Error).message, revision });
      }
      throw err;
    }
    steps.enter('record');
    const summary = opts.summary ?? run.plans[0]?.summary;
    const state =
      opts.recordUnchanged || changedAnything(run, basis, policy.pins)
        ? await run.record({
            ok: true,
            planId: opts.planId(run.plans),
            revision,
            ...(summary === undefined ? {} : { summary }),
          })
        : null;
    return { device: spec.name, policy, endpoints: run.results, plans: run.plans, followers, state };
  } finally {
    await lock.release();
  }
}

/**
 * Whether the run changes what the state says: members sent or a save, a journal left to fold in, a first or
 * failed last apply, or zones whose serial or content moved.
 */
function changedAnything(run: DeviceRun, basis: DeviceBasis, pins: readonly ZonePin[]): boolean {
  if (run.plans.some(hasChanges) || run.results.some((r) => r.saved)) return true;
  const { state } = basis;
  if (state === null || state.lastApply?.ok !== true || basis.journal.length > 0) return true;
  return JSON.stringify(state.zones) !== JSON.stringify(pins);
}

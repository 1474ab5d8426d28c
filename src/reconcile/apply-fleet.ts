// Apply a plan to every device in it: lock the device, re-resolve and re-read it, refuse a stale plan naming the
// input that moved, apply the management address and then each HA peer one after another, and record the state
// (also after a failure: then from a fresh read of the device, so the state is never ahead of or behind it).

import type { Endpoint } from '../config/types.js';
import type { ApplyProgress } from '../drivers/driver.js';
import { ConfigError } from '../errors.js';
import {
  ApplyFailedError,
  applyEndpoint,
  inventoryOfDesired,
  mergeInventories,
  type EndpointResult,
} from '../apply/apply-device.js';
import { checkPlanFresh, planIdOf } from '../plan/plan-file.js';
import type { DevicePlan, Inventory, Plan } from '../plan/model.js';
import { acquireDeviceLock, inventoryFromState, type DeviceState } from '../state/index.js';
import { connectDevice, endpointsOf } from './connect.js';
import type { Fleet } from './fleet.js';
import { formatRevision } from './git-revision.js';
import { STATE_FINGERPRINT_PREFIX, observeDevice, planDevice } from './plan-device.js';
import type { DeviceFailure } from './plan-fleet.js';
import { resolveDevicePolicy } from './resolve-policy.js';

export interface ApplyFleetOptions {
  readonly force: boolean;
  readonly adopt: boolean;
  readonly command: string;
  readonly onProgress?: (device: string, endpoint: Endpoint, p: ApplyProgress) => void;
}

export interface DeviceApplied {
  readonly device: string;
  readonly endpoints: readonly EndpointResult[];
  readonly state: DeviceState;
}

export interface FleetApplyResult {
  readonly applied: readonly DeviceApplied[];
  readonly failures: readonly DeviceFailure[];
}

export async function applyFleet(fleet: Fleet, plan: Plan, opts: ApplyFleetOptions): Promise<FleetApplyResult> {
  const applied: DeviceApplied[] = [];
  const failures: DeviceFailure[] = [];
  for (const devicePlan of plan.devices) {
    try {
      applied.push(await applyOneDevice(fleet, plan, devicePlan, opts));
    } catch (error) {
      fleet.log.error('device failed', { device: devicePlan.device, step: 'apply', error: (error as Error).message });
      failures.push({ device: devicePlan.device, step: 'apply', error });
    }
  }
  return { applied, failures };
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
  const lock = await acquireDeviceLock(fleet.stateDir, spec.name, { command: opts.command });
  try {
    const policy = await resolveDevicePolicy(fleet.resolver, spec);
    const state = await fleet.store.read(spec.name);
    const inventoryBefore: Inventory = state ? inventoryFromState(state) : { groups: [] };
    const [primary, ...peers] = endpointsOf(spec);
    const connect = (e: Endpoint) => connectDevice(spec, e, fleet);
    const results: EndpointResult[] = [];
    const converged = inventoryOfDesired(policy.desired);
    try {
      for (const endpoint of [primary!, ...peers]) {
        // One session at a time, closed as soon as its endpoint is done (devices cap concurrent SSH sessions).
        const driver = await connect(endpoint);
        try {
          const observed = await observeDevice(spec, driver, state);
          let endpointPlan: DevicePlan;
          if (endpoint === primary) {
            // A plan made with --refresh=false never saw the device, so there is no device fingerprint to compare;
            // its zones and state are still checked, and the read-back after apply verifies the device.
            const fromState = devicePlan.inputs.observedFingerprint.startsWith(STATE_FINGERPRINT_PREFIX);
            if (fromState)
              fleet.log.warn('the plan was made without reading the device (--refresh=false)', { device: spec.name });
            const moved = checkPlanFresh(devicePlan, {
              zones: policy.pins,
              observedFingerprint: fromState ? devicePlan.inputs.observedFingerprint : observed.fingerprint,
              state: state ? { lineage: state.lineage, serial: state.serial } : null,
              gitRevision: revision,
              planGitRevision: plan.gitRevision,
            });
            if (moved.length > 0) {
              throw new ConfigError(
                `${spec.name}: the plan is stale; these inputs moved since it was made:\n  - ${moved.join('\n  - ')}`,
                'run tscm plan again and review the new plan',
              );
            }
            endpointPlan = devicePlan;
          } else {
            // An HA peer is planned against its own groups: same desired state, same inventory.
            endpointPlan = planDevice(spec, policy, observed, state, { adopt: opts.adopt });
          }
          results.push(
            await applyEndpoint(spec, { endpoint, driver, plan: endpointPlan }, policy.desired, inventoryBefore, {
              force: opts.force,
              log: fleet.log,
              saveUnchanged: state?.lastApply?.ok === false,
              onProgress: (e, p) => opts.onProgress?.(spec.name, e, p),
              reconnect: () => connect(endpoint),
            }),
          );
        } finally {
          await driver.close().catch(() => undefined);
        }
      }
    } catch (err) {
      // Record what reached the devices before reporting, so the next run starts from the truth. Nothing to
      // record when no change was sent: the failure came before any endpoint (stale plan, refusal, unreachable).
      if (err instanceof ApplyFailedError || results.length > 0) {
        await fleet.store.write(spec.name, {
          inventory: inventoryAfterFailure(converged, inventoryBefore, results.length, err, 1 + peers.length),
          zones: policy.pins,
          lastApply: { ok: false, planId, message: (err as Error).message, revision },
        });
      }
      throw err;
    }
    const next = await fleet.store.write(spec.name, {
      inventory: converged,
      zones: policy.pins,
      lastApply: { ok: true, planId, summary: devicePlan.summary, revision },
    });
    return { device: spec.name, endpoints: results, state: next };
  } finally {
    await lock.release();
  }
}

/**
 * What tscm owns after a run that stopped at endpoint `done` (0-based) of `total`: the endpoints before it hold
 * the desired members; the failed one holds err.inventory when it could be read after the failure; an endpoint
 * not reached (or not read) may still hold any member owned before. Leaving the last out would strand members
 * that the policy dropped meanwhile on that unit, as foreign members tscm never removes.
 */
function inventoryAfterFailure(
  converged: Inventory,
  before: Inventory,
  done: number,
  err: unknown,
  total: number,
): Inventory {
  const parts: Inventory[] = [];
  if (done > 0) parts.push(converged);
  const failedWasRead = err instanceof ApplyFailedError;
  if (failedWasRead) parts.push(err.inventory);
  if (!failedWasRead || done + 1 < total) parts.push(before);
  return parts.reduce((a, b) => mergeInventories(a, b));
}

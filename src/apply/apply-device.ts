// Step "apply" for one device: for the management address and then each HA peer, one after another: re-plan
// against that endpoint's groups, refuse unsafe plans, send the changes, read back and verify, write memory.
// The state records exactly what reached the devices: after a failure it is rebuilt from a fresh read.

import { exactUnion } from '../cidr/index.js';
import type { DeviceSpec, Endpoint } from '../config/types.js';
import { DeviceApplyError, type ApplyProgress, type Driver, type Logger } from '../drivers/driver.js';
import { ConfigError } from '../errors.js';
import { hasChanges } from '../plan/compute-plan.js';
import type { DesiredState, DevicePlan, Inventory, ObservedDevice } from '../plan/model.js';
import { findMismatches, inventoryAfterPartialApply } from './verify.js';

export interface EndpointSession {
  readonly endpoint: Endpoint;
  readonly driver: Driver;
  /** The plan for this endpoint, computed from a read of it just now. */
  readonly plan: DevicePlan;
}

export interface ApplyDeviceOptions {
  readonly force: boolean;
  readonly log: Logger;
  readonly onProgress?: (endpoint: Endpoint, p: ApplyProgress) => void;
  /** The last apply did not finish (e.g. write memory failed): save even when there is nothing to change. */
  readonly saveUnchanged?: boolean;
  /** Opens a fresh session to the same endpoint, to re-read the device when the first one broke. */
  readonly reconnect?: () => Promise<Driver>;
}

export interface EndpointResult {
  readonly endpoint: Endpoint;
  readonly added: number;
  readonly removed: number;
  readonly saved: boolean;
}

/** Thrown after a failed apply, carrying the inventory that matches what the device has now. */
export class ApplyFailedError extends Error {
  override readonly name = 'ApplyFailedError';
  constructor(
    message: string,
    readonly inventory: Inventory,
    readonly done: readonly EndpointResult[],
    readonly transient: boolean,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export function refuseUnsafe(plan: DevicePlan, force: boolean): void {
  if (plan.refusals.length === 0 || force) return;
  throw new ConfigError(
    `${plan.device}: the plan is refused for safety:\n  - ${plan.refusals.join('\n  - ')}`,
    'review the plan; if the change is intended, run again with --force',
  );
}

/**
 * Applies one endpoint's plan. On any failure it re-reads the device and throws ApplyFailedError with the
 * inventory that matches the truth, so the caller can record it before reporting.
 */
export async function applyEndpoint(
  spec: DeviceSpec,
  session: EndpointSession,
  desired: DesiredState,
  inventoryBefore: Inventory,
  opts: ApplyDeviceOptions,
): Promise<EndpointResult> {
  const { plan, driver, endpoint } = session;
  const where = `${spec.name} (${endpoint.host}:${endpoint.port})`;
  refuseUnsafe(plan, opts.force);
  if (!hasChanges(plan)) {
    if (!opts.saveUnchanged) return { endpoint, added: 0, removed: 0, saved: false };
    await saveOrFail(driver, where, inventoryOfDesired(desired));
    return { endpoint, added: 0, removed: 0, saved: true };
  }

  opts.log.info('apply started', {
    device: spec.name,
    endpoint: endpoint.host,
    add: plan.summary.add,
    remove: plan.summary.remove,
  });
  try {
    await driver.apply(plan.groups, (p) => opts.onProgress?.(endpoint, p));
  } catch (err) {
    const observedNow = await tryObserve(driver, spec, opts);
    const inventory = inventoryAfterPartialApply(inventoryBefore, plan, observedNow);
    if (err instanceof DeviceApplyError) {
      const said = err.deviceReply ? `\n  device said: ${err.deviceReply.trim()}` : '';
      const cmd = err.command ? `\n  command: ${err.command}` : '';
      throw new ApplyFailedError(
        `${where}: apply stopped after ${err.reached} confirmed changes: ${err.message}${cmd}${said}`,
        inventory,
        [],
        err.transient,
        err.transient ? 'run tscm apply again: it re-reads the device and sends only what is still missing' : undefined,
      );
    }
    throw new ApplyFailedError(`${where}: apply failed: ${(err as Error).message}`, inventory, [], true);
  }

  const observed = await driver.observe(groupRefsOf(spec));
  const mismatches = findMismatches(desired, plan, observed);
  if (mismatches.length > 0) {
    const detail = mismatches.map((m) => `${m.name}: ${m.missing} missing, ${m.leftOver} not removed`).join('; ');
    throw new ApplyFailedError(
      `${where}: the device did not converge after apply (${detail})`,
      inventoryAfterPartialApply(inventoryBefore, plan, observed),
      [],
      false,
      'the device accepted the commands but its groups differ: check its logs (memory, TCAM) before retrying',
    );
  }
  await saveOrFail(driver, where, inventoryOfDesired(desired));
  opts.log.info('apply finished', { device: spec.name, endpoint: endpoint.host });
  return { endpoint, added: plan.summary.add, removed: plan.summary.remove, saved: true };
}

/** The running config matches the plan; a failed save is reported with the converged inventory. */
async function saveOrFail(driver: Driver, where: string, converged: Inventory): Promise<void> {
  try {
    await driver.save();
  } catch (err) {
    throw new ApplyFailedError(
      `${where}: the changes are in the running configuration but saving it failed: ${(err as Error).message}`,
      converged,
      [],
      true,
      'run tscm apply again: it saves the configuration even when there is nothing else to change',
    );
  }
}

/** After full convergence tscm owns exactly the desired members. */
export function inventoryOfDesired(desired: DesiredState): Inventory {
  return { groups: desired.groups.map((g) => ({ name: g.name, role: g.role, members: g.members })) };
}

/** Across HA peers one inventory covers all: the union of what each endpoint may hold of ours. */
export function mergeInventories(a: Inventory, b: Inventory): Inventory {
  const names = [...new Set([...a.groups, ...b.groups].map((g) => g.name))].sort();
  return {
    groups: names.map((name) => {
      const x = a.groups.find((g) => g.name === name);
      const y = b.groups.find((g) => g.name === name);
      const role = (x ?? y)!.role;
      return { name, role, members: x && y ? exactUnion(x.members, y.members) : (x ?? y)!.members };
    }),
  };
}

/** The logical groups tscm manages on a device. */
export function groupRefsOf(spec: DeviceSpec): { name: string; role: 'block' | 'allow' }[] {
  return [
    { name: spec.objectGroups.block, role: 'block' },
    { name: spec.objectGroups.allow, role: 'allow' },
  ];
}

async function tryObserve(driver: Driver, spec: DeviceSpec, opts: ApplyDeviceOptions): Promise<ObservedDevice | null> {
  try {
    return await driver.observe(groupRefsOf(spec));
  } catch (first) {
    if (opts.reconnect) {
      try {
        const fresh = await opts.reconnect();
        try {
          return await fresh.observe(groupRefsOf(spec));
        } finally {
          await fresh.close();
        }
      } catch {
        // fall through to the warning below
      }
    }
    opts.log.warn('could not re-read the device after a failed apply; recording the safe superset', {
      device: spec.name,
      error: (first as Error).message,
    });
    return null;
  }
}

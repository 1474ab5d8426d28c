// Steps "apply", "verify" and "save" for one endpoint of a device (the management address or an HA peer): send the
// changes window by window (each journaled before it is sent), read back and verify, write memory. What tscm owns
// afterwards is computed from the device: after a failure or an interruption from a fresh read of it. The safety
// refusal (refuseUnsafe) belongs to the step "guard" before them.

import { prefixCount } from '../cidr/index.js';
import type { DeviceSpec, Endpoint } from '../config/types.js';
import { DeviceApplyError } from '../drivers/driver.js';
import type { ApplyProgress, Driver, GroupRef, Logger, Observation } from '../drivers/driver.js';
import { withFingerprint } from '../plan/fingerprint.js';
import { ConfigError } from '../errors.js';
import { capacityRefusal } from '../plan/capacity.js';
import { hasChanges } from '../plan/compute-plan.js';
import type { DesiredState, DevicePlan, GroupChange, Inventory, ObservedDevice } from '../plan/model.js';
import { inventoryAfterApply, inventoryAfterPartialApply, mergeInventories } from '../plan/ownership.js';
import { findMismatches } from './verify.js';
import { splitIntoWindows } from './windows.js';

export interface EndpointSession {
  readonly endpoint: Endpoint;
  readonly driver: Driver;
  /** The read of this endpoint the plan was computed against; the driver applies on this basis. */
  readonly observed: ObservedDevice;
  readonly plan: DevicePlan;
}

export interface ApplyDeviceOptions {
  readonly log: Logger;
  readonly onProgress?: (endpoint: Endpoint, p: ApplyProgress) => void;
  /** The last apply did not finish (e.g. write memory failed): save even when there is nothing to change. */
  readonly saveUnchanged?: boolean;
  /** Opens a fresh session to the same endpoint, to re-read the device when the first one broke. */
  readonly reconnect?: () => Promise<Driver>;
  /** Records a window's adds durably before it is sent (the apply journal). */
  readonly journal?: (window: readonly GroupChange[]) => Promise<void>;
  /** Member changes per window (spec.advanced.applyWindow). */
  readonly window: number;
  /** Aborted by the first SIGINT/SIGTERM: stop after the lines in flight, read back, record. */
  readonly signal?: AbortSignal;
  /** Told as each step starts (apply, verify, save), so that a failure names its step. */
  readonly onStep?: (step: 'apply' | 'verify' | 'save') => void;
}

export interface EndpointResult {
  readonly endpoint: Endpoint;
  readonly added: number;
  readonly removed: number;
  readonly saved: boolean;
  /** What tscm owns on this endpoint now. */
  readonly inventory: Inventory;
}

/**
 * Thrown after a failed or interrupted apply. `inventory` is what tscm owns on the endpoint per a fresh read, or
 * null when the device could not be read again (the caller then keeps the journal for the next run).
 */
export class ApplyFailedError extends Error {
  override readonly name = 'ApplyFailedError';
  constructor(
    message: string,
    readonly inventory: Inventory | null,
    readonly reached: number,
    readonly transient: boolean,
    readonly interrupted: boolean,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** A plan a safety rule refused (a large removal, an emptied group): applied only with --force. */
export class PlanRefusedError extends ConfigError {}

/** Step "guard": refuses an unsafe plan unless forced. */
export function refuseUnsafe(plan: DevicePlan, force: boolean): void {
  if (plan.refusals.length === 0 || force) return;
  throw new PlanRefusedError(
    `${plan.device}: the plan is refused for safety:\n  - ${plan.refusals.join('\n  - ')}`,
    'review the plan; if the change is intended, run again with --force',
  );
}

/**
 * Step "guard", before the safety refusal: a plan that would add past the platform's limit is refused whatever
 * --force says (the device would refuse the adds, or drop the whole batch); it is recomputed here from the read of
 * the endpoint the apply is about to change, never taken from a saved plan.
 */
export function refuseOverCapacity(plan: DevicePlan): void {
  const why = capacityRefusal(plan);
  if (why === undefined) return;
  throw new PlanRefusedError(
    `${plan.device}: the plan is refused: ${why}`,
    '--force does not lift a capacity refusal: lower objectGroups.maxEntries, or raise the limit on the device, then plan again',
  );
}

/** Applies one endpoint's plan; see ApplyFailedError for how a failure reports what tscm owns. */
export async function applyEndpoint(
  spec: DeviceSpec,
  session: EndpointSession,
  desired: DesiredState,
  inventoryBefore: Inventory,
  opts: ApplyDeviceOptions,
): Promise<EndpointResult> {
  const { plan, driver, endpoint, observed } = session;
  const where = `${spec.name} (${endpoint.host}:${endpoint.port})`;
  const owned = inventoryAfterApply(plan, observed, inventoryBefore);
  if (!hasChanges(plan)) {
    if (!opts.saveUnchanged) return { endpoint, added: 0, removed: 0, saved: false, inventory: owned };
    opts.onStep?.('save');
    await saveOrFail(driver, where, owned);
    return { endpoint, added: 0, removed: 0, saved: true, inventory: owned };
  }

  opts.onStep?.('apply');
  opts.log.info('apply started', { device: spec.name, endpoint: endpoint.host, ...plan.summary });
  // The adds of each window sent, merged only if the apply fails (merging as it goes would cost O(n) per window).
  const sent: Inventory[] = [];
  let reached = 0;
  // Each window is sent against the layout the previous one left (the driver predicts it; nothing is re-read).
  let basis: Observation = observed;
  try {
    for (const window of splitIntoWindows(plan.groups, opts.window)) {
      if (opts.signal?.aborted === true) {
        throw new DeviceApplyError(`${where}: interrupted`, undefined, undefined, reached, true, true);
      }
      await opts.journal?.(window);
      sent.push(addsOf(window));
      const base = reached;
      basis = await driver
        .apply(window, basis, {
          onProgress: (p) => opts.onProgress?.(endpoint, { done: base + p.done, total: memberChanges(plan) }),
          ...(opts.signal === undefined ? {} : { signal: opts.signal }),
        })
        .catch((err: unknown) => {
          if (err instanceof DeviceApplyError) reached = base + err.reached;
          throw err;
        });
      reached = base + windowChanges(window);
    }
  } catch (err) {
    throw await failedApply(err, {
      spec,
      session,
      inventoryBefore,
      sent: mergeInventories(...sent),
      reached,
      where,
      opts,
    });
  }

  opts.onStep?.('verify');
  const after = withFingerprint(await driver.observe(groupRefsOf(spec)));
  const mismatches = findMismatches(desired, plan, after);
  if (mismatches.length > 0) {
    const detail = mismatches.map((m) => `${m.name}: ${m.missing} missing, ${m.leftOver} not removed`).join('; ');
    throw new ApplyFailedError(
      `${where}: the device did not converge after apply (${detail})`,
      inventoryAfterPartialApply(plan, observed, inventoryBefore, mergeInventories(...sent), after),
      reached,
      false,
      false,
      'the device accepted the commands but its groups differ: check its logs (memory, TCAM) before retrying',
    );
  }
  opts.onStep?.('save');
  await saveOrFail(driver, where, owned);
  opts.log.info('apply finished', { device: spec.name, endpoint: endpoint.host });
  return { endpoint, added: plan.summary.add, removed: plan.summary.remove, saved: true, inventory: owned };
}

interface FailureContext {
  readonly spec: DeviceSpec;
  readonly session: EndpointSession;
  readonly inventoryBefore: Inventory;
  readonly sent: Inventory;
  readonly reached: number;
  readonly where: string;
  readonly opts: ApplyDeviceOptions;
}

/** Re-reads the device after a failure so the inventory is the truth, and words the error. */
async function failedApply(err: unknown, f: FailureContext): Promise<ApplyFailedError> {
  const now = await tryObserve(f.session.driver, f.spec, f.opts);
  const inventory =
    now && inventoryAfterPartialApply(f.session.plan, f.session.observed, f.inventoryBefore, f.sent, now);
  if (err instanceof DeviceApplyError) {
    if (err.interrupted) {
      return new ApplyFailedError(
        `${f.where}: interrupted after ${f.reached} confirmed changes`,
        inventory,
        f.reached,
        true,
        true,
      );
    }
    const said = err.deviceReply ? `\n  device said: ${err.deviceReply.trim()}` : '';
    const cmd = err.command ? `\n  command: ${err.command}` : '';
    return new ApplyFailedError(
      `${f.where}: apply stopped after ${f.reached} confirmed changes: ${err.message}${cmd}${said}`,
      inventory,
      f.reached,
      err.transient,
      false,
      err.transient ? 'run tscm apply again: it re-reads the device and sends only what is still missing' : undefined,
    );
  }
  return new ApplyFailedError(`${f.where}: apply failed: ${(err as Error).message}`, inventory, f.reached, true, false);
}

/** The running config matches the plan; a failed save is reported with the converged inventory. */
async function saveOrFail(driver: Driver, where: string, converged: Inventory): Promise<void> {
  try {
    await driver.save();
  } catch (err) {
    throw new ApplyFailedError(
      `${where}: the changes are in the running configuration but saving it failed: ${(err as Error).message}`,
      converged,
      0,
      true,
      false,
      'run tscm apply again: it saves the configuration even when there is nothing else to change',
    );
  }
}

/** The logical groups tscm manages on a device. */
export function groupRefsOf(spec: DeviceSpec): GroupRef[] {
  return [
    { name: spec.objectGroups.block, role: 'block' },
    { name: spec.objectGroups.allow, role: 'allow' },
  ];
}

/** The adds of a window as an inventory (what a crash after sending it may have given tscm). */
export function addsOf(window: readonly GroupChange[]): Inventory {
  return {
    groups: window
      .filter((c) => c.action !== 'delete')
      .map((c) => ({ name: c.name, role: c.role, created: c.action === 'create', members: c.add })),
  };
}

function windowChanges(window: readonly GroupChange[]): number {
  return window.reduce((n, c) => n + prefixCount(c.add) + prefixCount(c.remove), 0);
}

function memberChanges(plan: DevicePlan): number {
  return plan.summary.add + plan.summary.remove;
}

async function tryObserve(driver: Driver, spec: DeviceSpec, opts: ApplyDeviceOptions): Promise<ObservedDevice | null> {
  try {
    return withFingerprint(await driver.observe(groupRefsOf(spec)));
  } catch (first) {
    if (opts.reconnect) {
      try {
        const fresh = await opts.reconnect();
        try {
          return withFingerprint(await fresh.observe(groupRefsOf(spec)));
        } finally {
          await fresh.close();
        }
      } catch {
        // fall through to the warning below
      }
    }
    opts.log.warn('could not re-read the device after a failed apply; the journal keeps what was sent', {
      device: spec.name,
      error: (first as Error).message,
    });
    return null;
  }
}

// One device's apply across its endpoints (the management address, then each HA peer), one session at a time:
// the steps observe, plan and guard (the caller's planner decides how), then apply, verify and save with the
// journal, keeping what each endpoint's apply found tscm owns there. record() writes the state from those reads,
// so it is never ahead of or behind the devices.

import { prefixCount } from '../cidr/index.js';
import {
  addsOf,
  ApplyFailedError,
  applyEndpoint,
  refuseOverCapacity,
  refuseUnsafe,
  type EndpointResult,
} from '../apply/apply-device.js';
import type { DeviceSpec, Endpoint } from '../config/types.js';
import type { ApplyProgress } from '../drivers/driver.js';
import type { DesiredState, DevicePlan, Inventory, ObservedDevice, ZonePin } from '../plan/model.js';
import { hasChanges } from '../plan/compute-plan.js';
import { inventoryAfterApply, mergeInventories } from '../plan/ownership.js';
import { getPlatform } from '../drivers/registry.js';
import {
  endpointKey,
  inventoryFromState,
  type DeviceLock,
  type DeviceState,
  type DeviceStateUpdate,
  type LastApplyRecord,
} from '../state/index.js';
import { connectDevice, endpointsOf } from './connect.js';
import type { Fleet } from './fleet.js';
import { describeLayout, inventoryOf, observeDevice, type DeviceBasis } from './plan-device.js';
import type { DeviceSteps } from './steps.js';

/** Takes the device's lock; one left by a run that died on this host is recovered, with a warning. */
export function lockDevice(fleet: Fleet, device: string, command: string): Promise<DeviceLock> {
  return fleet.store.lock(
    device,
    { command },
    {
      onRecovered: (owner, why) =>
        fleet.log.warn('recovered the lock of a tscm run that died; its apply journal is read back', {
          device,
          pid: owner.pid,
          host: owner.hostname,
          command: owner.command,
          since: owner.startedAt,
          why,
        }),
    },
  );
}

/** How one endpoint is planned (step "plan") and checked before anything is sent (step "guard"). */
export interface EndpointPlanner {
  plan(observed: ObservedDevice): DevicePlan | Promise<DevicePlan>;
  /** Throws to refuse the plan (a stale saved plan, a removal an ACL blocks...); the safety refusal comes after. */
  guard?(plan: DevicePlan, observed: ObservedDevice): void | Promise<void>;
}

export interface DeviceRunOptions {
  /** Apply a plan a safety rule refused. */
  readonly force: boolean;
  /** What the state records of the policy's sources (source-gates.ts sourcesRecord); default: the state's, kept. */
  readonly sources?: (lastApply: LastApplyRecord) => Pick<DeviceStateUpdate, 'sources' | 'overrides'>;
  readonly onProgress?: (device: string, endpoint: Endpoint, p: ApplyProgress) => void;
  readonly signal?: AbortSignal;
}

export class DeviceRun {
  readonly results: EndpointResult[] = [];
  /** The plan carried out on each endpoint of `results`, in the same order. */
  readonly plans: DevicePlan[] = [];
  /** Ownership per endpoint (`host:port`), computed from a read of it in this run. */
  private readonly owned = new Map<string, Inventory>();

  constructor(
    private readonly fleet: Fleet,
    private readonly spec: DeviceSpec,
    private readonly basis: DeviceBasis,
    private readonly zones: readonly ZonePin[],
    private readonly opts: DeviceRunOptions,
  ) {}

  /**
   * Runs the steps observe, plan, guard, apply, verify and save for `endpoint` in one session. On a platform that is
   * configured on its active unit only (ASA failover), a standby is read and left alone: `standby` is returned, and
   * confirmFollower reads it again once the active unit is done.
   */
  async applyTo(
    endpoint: Endpoint,
    desired: DesiredState,
    planner: EndpointPlanner,
    steps: DeviceSteps,
  ): Promise<EndpointResult | 'standby'> {
    const { fleet, spec, basis } = this;
    steps.enter('observe');
    const driver = await connectDevice(spec, endpoint, fleet);
    try {
      const observed = await observeDevice(spec, driver, basis.state);
      if (observed.haRole === 'standby' && getPlatform(spec.platform).traits.ha === 'active-only') {
        fleet.log.info('standby unit left to replication from the active unit', {
          device: spec.name,
          endpoint: endpoint.host,
        });
        return 'standby';
      }
      steps.enter('plan');
      const plan = describeLayout(await planner.plan(observed), driver, observed);
      steps.enter('guard');
      await planner.guard?.(plan, observed);
      refuseOverCapacity(plan);
      refuseUnsafe(plan, this.opts.force);
      const key = endpointKey(endpoint);
      const journal = (window: Parameters<typeof addsOf>[0]): Promise<void> =>
        fleet.store.appendJournal(
          spec.name,
          // A window of removes only gives tscm nothing: no entry, and no fsync.
          addsOf(window)
            .groups.filter((g) => g.created || prefixCount(g.members) > 0)
            .map((g) => ({
              endpoint: key,
              group: g.name,
              role: g.role,
              create: g.created,
              add: g.members,
            })),
        );
      const session = { endpoint, driver, observed, plan };
      const result = await applyEndpoint(spec, session, desired, inventoryOf(basis, endpoint), {
        log: fleet.log,
        saveUnchanged: basis.state?.lastApply?.ok === false,
        onProgress: (e, p) => this.opts.onProgress?.(spec.name, e, p),
        onStep: (step) => steps.enter(step),
        reconnect: () => connectDevice(spec, endpoint, fleet),
        journal,
        window: spec.advanced.applyWindow,
        ...(this.opts.signal === undefined ? {} : { signal: this.opts.signal }),
      }).catch((err: unknown) => {
        if (err instanceof ApplyFailedError && err.inventory !== null) this.owned.set(key, err.inventory);
        throw err;
      });
      this.owned.set(key, result.inventory);
      this.results.push(result);
      this.plans.push(plan);
      return result;
    } finally {
      await driver.close().catch(() => undefined);
    }
  }

  /**
   * After the active unit: reads a standby again and keeps what tscm owns there. One that does not hold the
   * desired groups yet (replication still running, or broken) is named in the returned note, never changed.
   */
  async confirmFollower(endpoint: Endpoint, planner: EndpointPlanner): Promise<string> {
    const { fleet, spec, basis } = this;
    const where = `${endpoint.host}:${endpoint.port}`;
    const driver = await connectDevice(spec, endpoint, fleet);
    try {
      const observed = await observeDevice(spec, driver, basis.state);
      const plan = await planner.plan(observed);
      const key = endpointKey(endpoint);
      this.owned.set(key, inventoryAfterApply(plan, observed, inventoryOf(basis, endpoint)));
      if (!hasChanges(plan)) return `HA standby ${where} follows the active unit (configuration replication)`;
      const note = `HA standby ${where} does not hold the desired groups yet (${plan.summary.add} to add, ${plan.summary.remove} to remove): replication from the active unit has not finished or is broken; check \`show failover\``;
      fleet.log.warn('standby unit out of step after the apply', { device: spec.name, endpoint: endpoint.host });
      return note;
    } finally {
      await driver.close().catch(() => undefined);
    }
  }

  /**
   * Writes the state: the union of what tscm owns per endpoint. An endpoint not read in this run (not reached, or
   * unreadable after a failure) keeps the stored inventory and its journal entries, which the next run reads back.
   */
  async record(lastApply: NonNullable<DeviceState['lastApply']>): Promise<DeviceState> {
    const { spec, basis } = this;
    const unread = endpointsOf(spec).filter((e) => !this.owned.has(endpointKey(e)));
    let inventory: Inventory = { groups: [] };
    for (const part of this.owned.values()) inventory = mergeInventories(inventory, part);
    if (unread.length > 0) inventory = mergeInventories(inventory, inventoryFromState(basis.state));
    const keep = new Set(unread.map(endpointKey));
    // This run's journal entries for an unread endpoint are in the file with the older ones.
    const journal = (await this.fleet.store.readJournal(spec.name)).filter((e) => keep.has(e.endpoint));
    const sources = this.opts.sources?.(lastApply) ?? {
      sources: basis.state?.sources ?? [],
      overrides: basis.state?.overrides ?? [],
    };
    const state = await this.fleet.store.write(spec.name, { inventory, zones: this.zones, lastApply, ...sources });
    await this.fleet.store.writeJournal(spec.name, journal);
    return state;
  }
}

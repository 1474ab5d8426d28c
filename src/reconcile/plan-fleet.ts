// Plan every selected device: load -> resolve -> observe -> plan, device by device. A device that fails is
// reported once with its step and the others go on (Flux-style); the Plan holds the devices that planned.

import { hasChanges } from '../plan/compute-plan.js';
import type { DeviceSpec } from '../config/types.js';
import type { DevicePlan, Plan } from '../plan/model.js';
import type { DeviceState } from '../state/index.js';
import { connectDevice } from './connect.js';
import type { Fleet } from './fleet.js';
import { formatRevision } from './git-revision.js';
import { observeDevice, planDevice, type DeviceBasis } from './plan-device.js';
import { resolveDevicePolicy, type ResolvedPolicy } from './resolve-policy.js';

export interface PlannedDevice {
  readonly spec: DeviceSpec;
  readonly policy: ResolvedPolicy;
  readonly state: DeviceState | null;
  readonly plan: DevicePlan;
  /** HA peers that differ from the desired state or could not be read (refresh on): apply changes them too. */
  readonly peersOutOfStep: number;
}

export interface DeviceFailure {
  readonly device: string;
  readonly step: 'resolve' | 'observe' | 'plan' | 'apply' | 'verify' | 'record';
  readonly error: unknown;
}

export interface FleetPlan {
  readonly plan: Plan;
  readonly planned: readonly PlannedDevice[];
  readonly failures: readonly DeviceFailure[];
}

export interface PlanFleetOptions {
  readonly refresh: boolean;
  readonly adopt: boolean;
}

export async function planFleet(fleet: Fleet, opts: PlanFleetOptions): Promise<FleetPlan> {
  const planned: PlannedDevice[] = [];
  const failures: DeviceFailure[] = [];
  for (const spec of fleet.devices) {
    let step: DeviceFailure['step'] = 'resolve';
    try {
      const policy = await resolveDevicePolicy(fleet.resolver, spec);
      const state = await fleet.store.read(spec.name);
      const basis: DeviceBasis = { state, journal: await fleet.store.readJournal(spec.name) };
      step = 'observe';
      const driver = opts.refresh ? await connectDevice(spec, spec.management, fleet) : null;
      try {
        const observed = await observeDevice(spec, driver, state);
        step = 'plan';
        const primary = planDevice(spec, policy, observed, basis, spec.management, { adopt: opts.adopt });
        const notes = opts.refresh ? await planPeers(fleet, spec, policy, basis, opts) : [];
        const plan = notes.length > 0 ? { ...primary, warnings: [...primary.warnings, ...notes] } : primary;
        planned.push({ spec, policy, state, plan, peersOutOfStep: notes.length });
      } finally {
        await driver?.close();
      }
    } catch (error) {
      fleet.log.error('device failed', { device: spec.name, step, error: (error as Error).message });
      failures.push({ device: spec.name, step, error });
    }
  }
  const plan: Plan = {
    formatVersion: 1,
    createdAt: new Date().toISOString(),
    gitRevision: formatRevision(await fleet.revision()),
    devices: planned.map((p) => p.plan),
  };
  return { plan, planned, failures };
}

/**
 * The plan is made against the management address; each HA peer is read too, and one that differs is named in the
 * plan (apply re-plans it against its own groups after the primary), so a peer out of step is never hidden
 * behind "No changes".
 */
async function planPeers(
  fleet: Fleet,
  spec: DeviceSpec,
  policy: ResolvedPolicy,
  basis: DeviceBasis,
  opts: PlanFleetOptions,
): Promise<string[]> {
  const notes: string[] = [];
  for (const peer of spec.peers) {
    let driver;
    try {
      driver = await connectDevice(spec, peer, fleet);
    } catch (err) {
      // A peer that is down must not hold back the primary's update: apply tries it again after the primary.
      notes.push(
        `HA peer ${peer.host}:${peer.port} could not be read (${(err as Error).message}); apply tries it after ${spec.management.host}:${spec.management.port}`,
      );
      continue;
    }
    try {
      const observed = await observeDevice(spec, driver, basis.state);
      const p = planDevice(spec, policy, observed, basis, peer, { adopt: opts.adopt });
      if (!hasChanges(p)) continue;
      const refused = p.refusals.length > 0 ? `; refused for safety: ${p.refusals.join('; ')}` : '';
      notes.push(
        `HA peer ${peer.host}:${peer.port} is out of step: ${p.summary.add} to add, ${p.summary.remove} to remove; apply brings it in line after ${spec.management.host}:${spec.management.port}${refused}`,
      );
    } finally {
      await driver.close();
    }
  }
  return notes;
}

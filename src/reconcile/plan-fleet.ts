// Plan every selected device: load -> resolve -> observe -> plan, device by device. A device that fails is
// reported once with its step and the others go on (Flux-style); the Plan holds the devices that planned.

import type { DeviceSpec } from '../config/types.js';
import type { DevicePlan, Plan } from '../plan/model.js';
import type { DeviceState } from '../state/index.js';
import { connectDevice } from './connect.js';
import type { Fleet } from './fleet.js';
import { formatRevision } from './git-revision.js';
import { observeDevice, planDevice } from './plan-device.js';
import { resolveDevicePolicy, type ResolvedPolicy } from './resolve-policy.js';

export interface PlannedDevice {
  readonly spec: DeviceSpec;
  readonly policy: ResolvedPolicy;
  readonly state: DeviceState | null;
  readonly plan: DevicePlan;
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
      step = 'observe';
      const driver = opts.refresh ? await connectDevice(spec, spec.management, fleet) : null;
      try {
        const observed = await observeDevice(spec, driver, state);
        step = 'plan';
        planned.push({ spec, policy, state, plan: planDevice(spec, policy, observed, state, { adopt: opts.adopt }) });
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

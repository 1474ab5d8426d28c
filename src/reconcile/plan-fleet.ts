// Plan every selected device: each runs its steps up to plan (steps-plan.ts). A device that fails is reported once
// with its step and the others go on (Flux-style); the Plan holds the devices that planned.

import type { Plan } from '../plan/model.js';
import type { Fleet } from './fleet.js';
import { formatRevision } from './git-revision.js';
import { planDeviceSteps, type PlannedDevice, type PlanStepsOptions } from './steps-plan.js';
import { DeviceSteps, type StepFailure } from './steps.js';

export type { PlannedDevice } from './steps-plan.js';

export interface FleetPlan {
  readonly plan: Plan;
  readonly planned: readonly PlannedDevice[];
  readonly failures: readonly StepFailure[];
}

export type PlanFleetOptions = PlanStepsOptions;

export async function planFleet(fleet: Fleet, opts: PlanFleetOptions): Promise<FleetPlan> {
  const planned: PlannedDevice[] = [];
  const failures: StepFailure[] = [];
  // Read the revision (a git child) while the devices are planned, not after; a failure is awaited below.
  const revision = fleet.revision();
  revision.catch(() => undefined);
  // Zone cache writes go on while the devices are planned; all are done before the plan is returned (and a git
  // state backend commits the history).
  fleet.resolver.deferCacheWrites();
  for (const spec of fleet.devices) {
    // The definitions are loaded (step "load") for the whole fleet; each device starts from there.
    const steps = new DeviceSteps(spec.name, 'load');
    try {
      planned.push(await planDeviceSteps(fleet, spec, steps, opts));
    } catch (error) {
      const failure = steps.failure(error);
      fleet.log.error('device failed', { device: spec.name, step: failure.step, error: (error as Error).message });
      failures.push(failure);
    }
  }
  await fleet.resolver.settled();
  const plan: Plan = {
    formatVersion: 1,
    createdAt: new Date().toISOString(),
    gitRevision: formatRevision(await revision),
    devices: planned.map((p) => p.plan),
  };
  return { plan, planned, failures };
}

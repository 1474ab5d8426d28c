// tscm remove: take what tscm manages off a device. It is a plan with nothing desired, so only members and groups
// in tscm's inventory go: a group tscm created is deleted (with an IPv6 twin), a group it did not create keeps
// everything but tscm's members. A group still referenced by an ACL is refused (step "guard"), naming the ACLs.
// The steps: lock, resolve (nothing is desired: the basis is what tscm owns), then per endpoint observe, plan,
// guard (refusal, confirmation), apply, verify, save, and record.

import type { EndpointResult } from '../apply/apply-device.js';
import type { DeviceSpec } from '../config/types.js';
import { ConfigError } from '../errors.js';
import { computePlan } from '../plan/compute-plan.js';
import type { DevicePlan, ObservedDevice } from '../plan/model.js';
import { endpointsOf } from './connect.js';
import { DeviceRun, lockDevice } from './device-run.js';
import type { Fleet } from './fleet.js';
import { inventoryOf, type DeviceBasis } from './plan-device.js';
import { DeviceSteps } from './steps.js';

export interface RemoveDeviceOptions {
  /** Shown the removal plan of each endpoint; returns false to stop. */
  readonly confirm: (plan: DevicePlan) => Promise<boolean>;
  readonly command: string;
  readonly signal?: AbortSignal;
}

class RemoveCancelled extends Error {}

export async function removeDevice(
  fleet: Fleet,
  spec: DeviceSpec,
  opts: RemoveDeviceOptions,
  steps: DeviceSteps = new DeviceSteps(spec.name),
): Promise<EndpointResult[] | null> {
  steps.enter('lock');
  const lock = await lockDevice(fleet, spec.name, opts.command);
  try {
    steps.enter('resolve');
    const basis: DeviceBasis = {
      state: await fleet.store.read(spec.name),
      journal: await fleet.store.readJournal(spec.name),
    };
    const { state } = basis;
    if (endpointsOf(spec).every((e) => inventoryOf(basis, e).groups.length === 0)) {
      throw new ConfigError(
        `${spec.name}: tscm manages nothing on this device (no applied state)`,
        'nothing to remove',
      );
    }
    const run = new DeviceRun(fleet, spec, basis, state?.zones ?? [], {
      force: true,
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
    });
    const record = { planId: 'remove', revision: null };
    try {
      for (const endpoint of endpointsOf(spec)) {
        const planner = {
          plan: (observed: ObservedDevice) =>
            computePlan({ groups: [] }, observed, inventoryOf(basis, endpoint), {
              device: spec.name,
              platform: spec.platform,
              maxRemoveShare: 1,
              inputs: {
                zones: [],
                observedFingerprint: observed.fingerprint,
                state: state ? { lineage: state.lineage, serial: state.serial } : null,
                adopt: false,
              },
            }),
          guard: async (plan: DevicePlan) => {
            if (plan.refusals.length > 0) {
              throw new ConfigError(
                `${spec.name} (${endpoint.host}): cannot remove tscm's groups:\n  - ${plan.refusals.join('\n  - ')}`,
                'take the groups out of the ACLs (or access-group lines) that use them, then run tscm remove again',
              );
            }
            if (!(await opts.confirm(plan))) throw new RemoveCancelled();
          },
        };
        await run.applyTo(endpoint, { groups: [] }, planner, steps);
      }
    } catch (err) {
      steps.stop(err);
      if (err instanceof RemoveCancelled && run.results.length === 0) return null;
      // What is left of tscm's groups stays tscm's: recorded from the devices read.
      if (run.results.length > 0 || !(err instanceof ConfigError)) {
        await run.record({ ok: false, ...record, message: (err as Error).message });
      }
      if (err instanceof RemoveCancelled) return null;
      throw err;
    }
    steps.enter('record');
    await run.record({ ok: true, ...record, message: 'tscm remove' });
    return run.results;
  } finally {
    await lock.release();
  }
}

// tscm remove: take the groups tscm manages off a device. It is a plan with nothing desired, so only members and
// groups in tscm's inventory go; a group still referenced by an ACL is refused, naming the ACLs.

import { ApplyFailedError, applyEndpoint, type EndpointResult } from '../apply/apply-device.js';
import type { DeviceSpec } from '../config/types.js';
import { ConfigError } from '../errors.js';
import { computePlan } from '../plan/compute-plan.js';
import type { DevicePlan } from '../plan/model.js';
import { acquireDeviceLock, inventoryFromState } from '../state/index.js';
import { connectDevice, endpointsOf } from './connect.js';
import type { Fleet } from './fleet.js';
import { observeDevice } from './plan-device.js';

export interface RemoveDeviceOptions {
  /** Shown the removal plan of each endpoint; returns false to stop. */
  readonly confirm: (plan: DevicePlan) => Promise<boolean>;
  readonly command: string;
}

export async function removeDevice(
  fleet: Fleet,
  spec: DeviceSpec,
  opts: RemoveDeviceOptions,
): Promise<EndpointResult[] | null> {
  const lock = await acquireDeviceLock(fleet.stateDir, spec.name, { command: opts.command });
  try {
    const state = await fleet.store.read(spec.name);
    const inventory = inventoryFromState(state);
    if (!state || inventory.groups.length === 0) {
      throw new ConfigError(
        `${spec.name}: tscm manages nothing on this device (no applied state)`,
        'nothing to remove',
      );
    }
    const results: EndpointResult[] = [];
    for (const endpoint of endpointsOf(spec)) {
      const driver = await connectDevice(spec, endpoint, fleet);
      try {
        const observed = await observeDevice(spec, driver, state);
        const plan = computePlan({ groups: [] }, observed, inventory, {
          device: spec.name,
          platform: spec.platform,
          maxRemoveShare: 1,
          inputs: {
            zones: [],
            observedFingerprint: observed.fingerprint,
            state: { lineage: state.lineage, serial: state.serial },
          },
        });
        if (plan.refusals.length > 0) {
          throw new ConfigError(
            `${spec.name} (${endpoint.host}): cannot remove tscm's groups:\n  - ${plan.refusals.join('\n  - ')}`,
            'take the groups out of the ACLs (or access-group lines) that use them, then run tscm remove again',
          );
        }
        if (!(await opts.confirm(plan))) return null;
        try {
          results.push(
            await applyEndpoint(spec, { endpoint, driver, plan }, { groups: [] }, inventory, {
              force: true,
              log: fleet.log,
            }),
          );
        } catch (err) {
          // What is left of tscm's groups on this endpoint (endpoints done before it hold none) stays tscm's.
          if (err instanceof ApplyFailedError) {
            await fleet.store.write(spec.name, {
              inventory: err.inventory,
              zones: state.zones,
              lastApply: { ok: false, planId: 'remove', message: err.message, revision: null },
            });
          }
          throw err;
        }
      } finally {
        await driver.close().catch(() => undefined);
      }
    }
    await fleet.store.write(spec.name, {
      inventory: { groups: [] },
      zones: [],
      lastApply: { ok: true, planId: 'remove', message: 'tscm remove', revision: null },
    });
    return results;
  } finally {
    await lock.release();
  }
}

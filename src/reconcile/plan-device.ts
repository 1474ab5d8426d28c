// Steps "observe" and "plan" for one device: read its groups (or trust the stored state with refresh off),
// then computePlan against the desired state and the inventory of what tscm owns.

import type { DeviceSpec } from '../config/types.js';
import type { Driver } from '../drivers/driver.js';
import { groupRefsOf } from '../apply/apply-device.js';
import { computePlan } from '../plan/compute-plan.js';
import { fingerprintObserved } from '../plan/fingerprint.js';
import type { DevicePlan, Inventory, ObservedDevice } from '../plan/model.js';
import { inventoryFromState, type DeviceState } from '../state/index.js';
import type { ResolvedPolicy } from './resolve-policy.js';

export interface PlanDeviceOptions {
  /** Take over members already in the desired groups on a device tscm has no state for (migration). */
  readonly adopt: boolean;
}

export async function observeDevice(
  spec: DeviceSpec,
  driver: Driver | null,
  state: DeviceState | null,
): Promise<ObservedDevice> {
  if (driver) return driver.observe(groupRefsOf(spec));
  return observedFromState(state);
}

/** Marks the fingerprint of a plan made from the stored state (`--refresh=false`) rather than from the device. */
export const STATE_FINGERPRINT_PREFIX = 'state:';

/** With `--refresh=false` the stored inventory stands in for the device: what tscm last applied. */
function observedFromState(state: DeviceState | null): ObservedDevice {
  const inventory = state ? inventoryFromState(state) : { groups: [] };
  const groups = inventory.groups.map((g) => ({
    name: g.name,
    role: g.role,
    exists: true,
    members: g.members,
    foreign: [],
    usedBy: [],
  }));
  return { groups, fingerprint: STATE_FINGERPRINT_PREFIX + fingerprintObserved(groups) };
}

export function planDevice(
  spec: DeviceSpec,
  policy: ResolvedPolicy,
  observed: ObservedDevice,
  state: DeviceState | null,
  opts: PlanDeviceOptions,
): DevicePlan {
  const inventory: Inventory = state ? inventoryFromState(state) : { groups: [] };
  return computePlan(policy.desired, observed, inventory, {
    device: spec.name,
    platform: spec.platform,
    maxRemoveShare: spec.safety.maxRemoveShare,
    adopt: opts.adopt && state === null,
    inputs: {
      zones: policy.pins,
      observedFingerprint: observed.fingerprint,
      state: state ? { lineage: state.lineage, serial: state.serial } : null,
    },
  });
}

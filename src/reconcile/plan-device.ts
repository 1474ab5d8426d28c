// Steps "observe" and "plan" for one device endpoint: read its groups (or trust the stored state with refresh
// off), then computePlan against the desired state and the inventory of what tscm owns there: the stored state
// plus what the apply journal of a run that died may have given it on that endpoint.

import type { DeviceSpec, Endpoint } from '../config/types.js';
import type { Driver } from '../drivers/driver.js';
import { groupRefsOf } from '../apply/apply-device.js';
import { withCapacity } from '../plan/capacity.js';
import { computePlan } from '../plan/compute-plan.js';
import { getPlatform } from '../drivers/registry.js';
import { fingerprintObserved, withFingerprint } from '../plan/fingerprint.js';
import type { DevicePlan, Inventory, ObservedDevice } from '../plan/model.js';
import { mergeInventories } from '../plan/ownership.js';
import {
  endpointKey,
  inventoryFromState,
  journalInventory,
  type DeviceState,
  type JournalEntry,
} from '../state/index.js';
import type { ResolvedPolicy } from './resolve-policy.js';

/** What tscm knows of a device before it reads it: the stored state and a left-over apply journal. */
export interface DeviceBasis {
  readonly state: DeviceState | null;
  readonly journal: readonly JournalEntry[];
}

export interface PlanDeviceOptions {
  /** Take over members already in the desired groups on a device tscm has no state for (migration). */
  readonly adopt: boolean;
}

/** What tscm may own on one endpoint: the state's inventory plus the journaled adds sent there. */
export function inventoryOf(basis: DeviceBasis, endpoint: Endpoint): Inventory {
  const journaled = journalInventory(basis.journal, endpointKey(endpoint));
  return mergeInventories(inventoryFromState(basis.state), journaled);
}

export async function observeDevice(
  spec: DeviceSpec,
  driver: Driver | null,
  state: DeviceState | null,
): Promise<ObservedDevice> {
  if (driver) return withFingerprint(await driver.observe(groupRefsOf(spec)));
  return observedFromState(state);
}

/** The plan with what its changes do on the device beyond members, in the driver's words (pure, from the basis). */
export function describeLayout(plan: DevicePlan, driver: Driver | null, observed: ObservedDevice): DevicePlan {
  if (driver === null) return plan;
  const layout = driver.describe(plan.groups, observed);
  return layout.length === 0 ? plan : { ...plan, layout: [...(plan.layout ?? []), ...layout] };
}

/** Marks the fingerprint of a plan made from the stored state (`--refresh=false`) rather than from the device. */
export const STATE_FINGERPRINT_PREFIX = 'state:';

/** With `--refresh=false` the stored inventory stands in for the device: what tscm last applied. */
export function observedFromState(state: DeviceState | null): ObservedDevice {
  const inventory = inventoryFromState(state);
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
  basis: DeviceBasis,
  endpoint: Endpoint,
  opts: PlanDeviceOptions,
): DevicePlan {
  const { state } = basis;
  const computed = computePlan(policy.desired, observed, inventoryOf(basis, endpoint), {
    device: spec.name,
    platform: spec.platform,
    maxRemoveShare: spec.safety.maxRemoveShare,
    inputs: {
      zones: policy.pins,
      observedFingerprint: observed.fingerprint,
      state: state ? { lineage: state.lineage, serial: state.serial } : null,
      adopt: opts.adopt && state === null,
    },
  });
  // With refresh off the stored state stands in for the device: no limit read, the documented default applies.
  const plan = withCapacity(computed, observed, getPlatform(spec.platform).traits.capacity);
  if (spec.policyUpdates) return plan;
  const note = `policyUpdates is false for ${spec.name}: planned and reported only; apply leaves the device untouched`;
  return { ...plan, warnings: [note, ...plan.warnings] };
}

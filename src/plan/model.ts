// The plan model: what computePlan returns and what views and the plan file serialise.
// Groups here are *logical* groups (the block list group and the allow list group of a device), holding both
// address families; each driver maps them to device structures (IOS v6-network groups, ASA nested groups, ...).

import type { Family, PrefixList } from '../cidr/types.js';
import type { Platform } from '../config/types.js';

export type GroupRole = 'block' | 'allow';

/** What the device has, folded back into logical groups by a driver. */
export interface ObservedGroup {
  readonly name: string;
  readonly role: GroupRole;
  readonly exists: boolean;
  /** Address members (host, subnet, prefix), normalised. */
  readonly members: PrefixList;
  /** Member lines tscm does not model (range, group-object, any, fqdn): reported, never touched. */
  readonly foreign: readonly string[];
  /** Device objects (ACL names, access-group lines) that reference this group. */
  readonly usedBy: readonly string[];
}

export interface ObservedDevice {
  readonly groups: readonly ObservedGroup[];
  /** sha256 over the observed managed groups (name, members), pinned in a plan; computed by the core. */
  readonly fingerprint: string;
  /** Facts only the driver that observed the device reads back in apply (opaque to the core). */
  readonly facts?: unknown;
  /** The endpoint's failover role, where the platform tells it; absent: standalone. */
  readonly haRole?: 'active' | 'standby';
  /** The driver's words on how the endpoint was read (a fallback transport): plan warnings. */
  readonly notes?: readonly string[];
}

/** What tscm owns on a device: only these members are ever removed (DESIGN.md convention 9). */
export interface InventoryGroup {
  readonly name: string;
  readonly role: GroupRole;
  /** tscm created the group: `tscm remove` (or dropping it from the YAML) deletes it. Else only members go. */
  readonly created: boolean;
  readonly members: PrefixList;
}

export interface Inventory {
  readonly groups: readonly InventoryGroup[];
}

export interface DesiredGroup {
  readonly name: string;
  readonly role: GroupRole;
  /** Aggregated (minimal, no overlaps). */
  readonly members: PrefixList;
}

export interface Truncation {
  /** Entries the cap left out, and the first few of them for the report. */
  readonly dropped: number;
  readonly sample: readonly string[];
  readonly limit: number;
}

export interface DesiredState {
  readonly groups: readonly DesiredGroup[];
  readonly truncation?: Truncation;
  /** What the policy lost on its way to this device (IPv6 entries on an IPv4-only platform): plan warnings. */
  readonly notes?: readonly string[];
}

export type GroupAction = 'create' | 'update' | 'delete' | 'none';

export interface GroupChange {
  readonly name: string;
  readonly role: GroupRole;
  readonly action: GroupAction;
  readonly add: PrefixList;
  readonly remove: PrefixList;
  /** Members present on the device that tscm does not own (not in the inventory): left alone. */
  readonly unmanaged: number;
  /**
   * Of those, the ones the policy names too: already on the device, not managed, left in place. They stay foreign
   * after the apply (tscm did not add them), so a later policy change never removes them.
   */
  readonly alreadyPresent: number;
  /** Members before and after, for the safety check and the views. */
  readonly before: number;
  readonly after: number;
}

/** An input the plan depends on; apply refuses the plan when one has moved. */
export type ZonePin =
  | {
      readonly kind: 'zone';
      readonly zone: string;
      readonly server: string;
      readonly serial: number;
      readonly sha256: string;
    }
  | { readonly kind: 'file'; readonly path: string; readonly sha256: string };

export interface DevicePlanInputs {
  readonly zones: readonly ZonePin[];
  readonly observedFingerprint: string;
  /** null when the device has no state yet. */
  readonly state: { readonly lineage: string; readonly serial: number } | null;
  /** Planned with --adopt (first run, no state): the members already in the groups count as tscm's. */
  readonly adopt: boolean;
}

export interface DevicePlan {
  readonly device: string;
  readonly platform: Platform;
  readonly groups: readonly GroupChange[];
  readonly summary: { readonly add: number; readonly remove: number; readonly create: number; readonly delete: number };
  readonly warnings: readonly string[];
  /** Safety refusals (too large a removal, a group emptied); apply needs --force to go on. */
  readonly refusals: readonly string[];
  readonly truncation?: Truncation;
  /**
   * What the changes do on the device beyond members, as its driver words it (children created and deleted, a shim
   * added or removed, the HA unit applied to); absent or empty: nothing beyond members.
   */
  readonly layout?: readonly string[];
  readonly inputs: DevicePlanInputs;
}

/** A device that could not be planned: named in the plan so that an incomplete plan never reads as "no changes". */
export interface PlanFailure {
  readonly device: string;
  /** The reconcile step it stopped at (state/status-model.ts RECONCILE_STEPS). */
  readonly step: string;
  /** The error's message and hint, secrets redacted. */
  readonly message: string;
  readonly hint: string | null;
}

/** Which devices a plan covers. */
export interface PlanScope {
  /** all: every device; named: the devices named on the command line; changed: those changed since a revision. */
  readonly selection: 'all' | 'named' | 'changed';
  /** `--changed-since REV`: the revision as given and the commit it named. */
  readonly changedSince: { readonly ref: string; readonly commit: string } | null;
  /** Devices defined at that revision and no longer: their groups stay on the device (plan never removes them). */
  readonly removedFromDefinitions: readonly string[];
}

export interface Plan {
  readonly formatVersion: 1;
  readonly createdAt: string;
  /** The git revision of the definitions, when they live in a git work tree. */
  readonly gitRevision: string | null;
  readonly devices: readonly DevicePlan[];
  /** The devices that could not be planned (none when absent). */
  readonly failures?: readonly PlanFailure[];
  /** Which devices the plan covers; null or absent: not recorded (plan files before format 4). */
  readonly scope?: PlanScope | null;
}

export type { Family };

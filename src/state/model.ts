// The applied state of one device: what tscm last wrote there and therefore owns (the inventory), with the inputs
// it came from. lineage is fixed at the first write; serial grows by one on every write (Terraform's model).

import type { PrefixList } from '../cidr/types.js';
import type { DevicePlan, GateName, GroupRole, Inventory, ZonePin } from '../plan/model.js';

export const STATE_FORMAT_VERSION = 1;

/** The outcome of the last apply: the plan it carried out, and how it ended. */
export interface LastApplyRecord {
  readonly ok: boolean;
  /** The id of the plan applied. */
  readonly planId: string;
  /** The plan's counts, when it completed. */
  readonly summary?: DevicePlan['summary'];
  /** Why it stopped, when it failed (the inventory then holds what really reached the device). */
  readonly message?: string;
  /** The git revision of the definitions applied, when known. */
  readonly revision: string | null;
}

export interface DeviceState {
  readonly formatVersion: 1;
  /** A uuid fixed at the first write: a state file from another lineage is not this device's history. */
  readonly lineage: string;
  /** 1 at the first write, then +1 on every write. */
  readonly serial: number;
  readonly device: string;
  /** ISO 8601 time of the write. */
  readonly appliedAt: string;
  /** The groups and members tscm owns on the device; only these are ever removed. */
  readonly inventory: Inventory;
  /** The zones' pins (serial, hash) of the applied policy. */
  readonly zones: readonly ZonePin[];
  readonly lastApply: LastApplyRecord | null;
  /** Per source, the version last applied to the device: the gates compare against it and hold it (issue 12). */
  readonly sources?: readonly AppliedSource[];
  /** The integrity gates --force overrode, oldest first (the last OVERRIDES_KEEP). */
  readonly overrides?: readonly GateOverride[];
}

/** The version of one source last applied to a device: its last good set. */
export interface AppliedSource {
  readonly role: GroupRole;
  /** describeSource: `zone @ host:port` or the file's path. */
  readonly source: string;
  readonly serial: number | null;
  /** The source's hash (cidr hashPrefixes of its decoded list): an unchanged version passes every gate. */
  readonly sha256: string;
  readonly records: number;
  readonly decoded: number;
  readonly rejected: number;
  /** The version's entries, aggregated: held in place of a newer version a gate refuses. */
  readonly members: PrefixList;
}

/** One integrity gate that `tscm apply --force` let through. */
export interface GateOverride {
  /** ISO 8601 time of the apply. */
  readonly at: string;
  readonly planId: string;
  readonly role: GroupRole;
  readonly source: string;
  readonly gate: GateName;
  readonly detail: string;
}

/** How many overrides a state keeps (the oldest go first). */
export const OVERRIDES_KEEP = 50;

/** What a caller passes to StateStore.write: the store sets formatVersion, lineage, serial and device. */
export interface DeviceStateUpdate {
  readonly inventory: Inventory;
  readonly zones: readonly ZonePin[];
  readonly lastApply: LastApplyRecord | null;
  /** Absent: none recorded. */
  readonly sources?: readonly AppliedSource[];
  readonly overrides?: readonly GateOverride[];
  /** Defaults to now. */
  readonly appliedAt?: string;
}

/** Who holds a device lock; written as JSON into the lock file. */
export interface LockOwner {
  readonly pid: number;
  readonly hostname: string;
  readonly command: string;
  readonly startedAt: string;
  /** Random per acquisition: release() removes the lock only while it is still ours. */
  readonly token: string;
  /** Git backend: when the lock lapses unless renewed (another runner may then take it over). */
  readonly expiresAt?: string;
}

/** One recorded plan of a device's history. */
export interface PlanHistoryEntry {
  readonly path: string;
  readonly file: string;
  /** When the plan was recorded (from the file name), ISO 8601. */
  readonly recordedAt: string;
  /** The state serial the plan was computed against (0: no state yet). */
  readonly serial: number;
}

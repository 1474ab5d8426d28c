// The applied state of one device: what tscm last wrote there and therefore owns (the inventory), with the inputs
// it came from. lineage is fixed at the first write; serial grows by one on every write (Terraform's model).

import type { DevicePlan, Inventory, ZonePin } from '../plan/model.js';

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
}

/** What a caller passes to StateStore.write: the store sets formatVersion, lineage, serial and device. */
export interface DeviceStateUpdate {
  readonly inventory: Inventory;
  readonly zones: readonly ZonePin[];
  readonly lastApply: LastApplyRecord | null;
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

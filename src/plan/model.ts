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
  /** The platform's limit as the device states it (FWSM `show np 3 acl count`); absent: the documented default. */
  readonly capacity?: DeviceCapacity;
}

/** A member limit read from a device, and what the device counts against it now. */
export interface DeviceCapacity {
  readonly limit: number;
  /** Entries counted against the limit now, device-wide (tscm's groups and everything else); null: not shown. */
  readonly inUse: number | null;
  /** Where it was read ("show np 3 acl count: CLS ACL Rule MAX 56627"). */
  readonly detail: string;
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

/** The integrity gate that held a source's new version back (issue 12). */
export type GateName = 'failed' | 'empty' | 'serial' | 'shrink' | 'churn' | 'rejected';

export interface GateFinding {
  readonly gate: GateName;
  /** What tripped it, with the figures ("shrank from 10000 to 3000 entries: 70% > maxShrink 50%"). */
  readonly detail: string;
}

/** One source of a device's list: its counts (FortiGate `external-resource stats`, per source) and its gate. */
export interface SourceReport {
  readonly role: GroupRole;
  /** 1: the highest priority of its list. */
  readonly priority: number;
  /** describeSource: `zone @ host:port` or the file's path. */
  readonly source: string;
  readonly serial: number | null;
  /** Records of the version used (zones: without the SOA; files: entries read). */
  readonly records: number;
  readonly decoded: number;
  /** Malformed records (bad rpz-ip triggers, bad address rdata; files refuse any bad line). */
  readonly rejected: number;
  /** Entries of this source alone, aggregated. */
  readonly aggregated: number;
  /** Entries this source gives the desired group: after higher-priority sources, the allow list and carve-outs. */
  readonly kept: number;
  /** Entries of this source the cap left out (lowest priority first). */
  readonly droppedByCap: number;
  /** fresh: this run's version; held: the last good set stands in (a gate, a failure); forced: a gate overridden. */
  readonly status: 'fresh' | 'held' | 'forced';
  readonly gate?: GateFinding;
  /** A held source that failed: since when (ISO 8601), and whether that is longer than its staleAfter. */
  readonly failingSince?: string;
  readonly stale?: boolean;
}

/** A protected address the block list covered, taken out of it (carve mode). */
export interface CarveOut {
  /** The protected prefix. */
  readonly address: string;
  /** Why it is protected ("management address", "policy server", "protect (tscm.yaml)"). */
  readonly why: string;
  /** The block entry that covered it, and the source that entry came from. */
  readonly coveredBy: string;
  readonly source: string;
}

/** The lock-out proof: every protected address checked against the desired block set. */
export interface LockoutReport {
  readonly mode: 'carve' | 'strict';
  readonly protected: readonly { readonly prefix: string; readonly why: string }[];
  readonly carved: readonly CarveOut[];
  /** Names (a syslog host, an upload URL) that did not resolve to an address: not proven, said in the plan. */
  readonly unresolved: readonly string[];
}

/** The allow list's precedence over the block list, proven on the desired groups. */
export interface AllowPrecedence {
  /** Block entries the allow list cut into, and a few of them with the allow entry that cut each. */
  readonly overlaps: number;
  readonly sample: readonly { readonly allow: string; readonly blockEntry: string }[];
  /** No desired block member shares an address with the allow group (checked after the cap). */
  readonly proven: boolean;
}

/** How a device's policy was composed from its sources and guarded. */
export interface PolicyReport {
  readonly sources: readonly SourceReport[];
  readonly lockout: LockoutReport;
  readonly allowPrecedence?: AllowPrecedence;
}

/** The platform's practical member limit against what the device would hold after the plan. */
export interface CapacityReport {
  readonly limit: number;
  /** Members on the device after the plan (tscm's and everything else counted against the same limit). */
  readonly used: number;
  /** device: read from the device; default: the platform's documented default. */
  readonly source: 'device' | 'default';
  /** How the limit was found ("show ... : 50000 elements", "documented default for FWSM 4.x"). */
  readonly detail: string;
}

export interface DesiredState {
  readonly groups: readonly DesiredGroup[];
  readonly truncation?: Truncation;
  /** How the policy was composed (sources, gates, lock-out proof); absent for states made in code. */
  readonly report?: PolicyReport;
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
  /** How the policy was composed and guarded (copied from the desired state). */
  readonly policy?: PolicyReport;
  /** The platform's member limit against the members after the plan; over it, the plan is refused. */
  readonly capacity?: CapacityReport;
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

// Composes a device's desired state from its sources (issue 12): each list's sources in priority order, merged;
// the allow list taken out of the block list; protected addresses carved out (carve-out.ts); the cap dropping the
// lowest-priority source's entries first; and the per-source figures of the plan's policy report. Pure.
//
// SKELETON (lead's contract commit): merges by plain union and reports the figures it has; the compose helper
// replaces the body (priority cap, per-source kept/dropped, allow precedence proof).

import { prefixCount, union, aggregate, EMPTY_PREFIXES } from '../cidr/index.js';
import type { PrefixList } from '../cidr/types.js';
import type { DeviceSpec } from '../config/types.js';
import { carveProtected, type LockoutInput } from './carve-out.js';
import { computeDesired } from './desired.js';
import type { DesiredState, GateFinding, GroupRole, SourceReport } from './model.js';

/** One source of a device's list as the gates let it through: the version used, and its figures. */
export interface ComposeSource {
  readonly role: GroupRole;
  /** 1: the highest priority of its list. */
  readonly priority: number;
  /** describeSource: `zone @ host:port` or the file's path. */
  readonly label: string;
  /** The version used (this run's, or the last good set when held), not aggregated. */
  readonly list: PrefixList;
  readonly serial: number | null;
  readonly records: number;
  readonly decoded: number;
  readonly rejected: number;
  readonly status: SourceReport['status'];
  readonly gate?: GateFinding;
  readonly failingSince?: string;
  readonly stale?: boolean;
}

export function composeDesired(
  spec: DeviceSpec,
  sources: readonly ComposeSource[],
  lockout: LockoutInput,
): DesiredState {
  const of = (role: GroupRole): PrefixList[] => sources.filter((s) => s.role === role).map((s) => s.list);
  const merge = (lists: PrefixList[]): PrefixList => lists.reduce((a, b) => union(a, b), EMPTY_PREFIXES);
  const block = merge(of('block'));
  const allowLists = of('allow');
  const carved = carveProtected([{ list: aggregate(block), label: 'block list' }], lockout);
  const desired = computeDesired(spec, carved.parts[0]!, allowLists.length > 0 ? merge(allowLists) : undefined);
  const report = {
    sources: sources.map((s): SourceReport => ({
      role: s.role,
      priority: s.priority,
      source: s.label,
      serial: s.serial,
      records: s.records,
      decoded: s.decoded,
      rejected: s.rejected,
      aggregated: prefixCount(aggregate(s.list)),
      kept: 0,
      droppedByCap: 0,
      status: s.status,
      ...(s.gate === undefined ? {} : { gate: s.gate }),
      ...(s.failingSince === undefined ? {} : { failingSince: s.failingSince }),
      ...(s.stale === undefined ? {} : { stale: s.stale }),
    })),
    lockout: {
      mode: lockout.mode,
      protected: lockout.addresses,
      carved: carved.carved,
      unresolved: lockout.unresolved,
    },
  };
  return { ...desired, report };
}

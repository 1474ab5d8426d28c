// Composes a device's desired state from its sources (issue 12): each list's sources in priority order as disjoint
// parts (an address counts for the highest-priority source naming it); the allow list taken out of the block list;
// protected addresses carved out (carve-out.ts); the cap dropping the lowest-priority source's entries first
// (compose-cap.ts); then the proofs (lock-out, allow precedence) and the per-source figures of the plan. Pure.

import { aggregate, isEmptyList, prefixCount, prefixesToStrings, subtract, capPrefixes } from '../cidr/index.js';
import type { PrefixList } from '../cidr/types.js';
import type { DeviceSpec } from '../config/types.js';
import { ConfigError } from '../errors.js';
import { allowOverlaps, proveAllowPrecedence } from './allow-precedence.js';
import { assertNotCovered, carveProtected, type LockoutInput } from './carve-out.js';
import { capParts, disjointParts, unionAll } from './compose-cap.js';
import type { AllowPrecedence, DesiredGroup, DesiredState, GateFinding, GroupRole, SourceReport } from './model.js';
import type { Truncation } from './model.js';
import { takePrefixes } from './prefix-window.js';

/** How many dropped entries the truncation report names. */
export const TRUNCATION_SAMPLE_SIZE = 5;

/** One source of a device's list as the gates let it through: the version used, and its figures. */
export interface ComposeSource {
  readonly role: GroupRole;
  /** 1: the highest priority of its list. */
  readonly priority: number;
  /** describeSource: `zone @ host:port` or the file's path. */
  readonly label: string;
  /** The version used (this run's, or the last good set when held); aggregated or not. */
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

/** What compose works out per source before the report: the source alone aggregated, kept, dropped by the cap. */
interface SourceFigures {
  readonly source: ComposeSource;
  readonly aggregated: PrefixList;
  readonly kept: number;
  readonly droppedByCap: number;
}

export function composeDesired(
  spec: DeviceSpec,
  sources: readonly ComposeSource[],
  lockout: LockoutInput,
): DesiredState {
  const where = `${spec.source.file}:${spec.source.line} (device ${spec.name})`;
  const of = (role: GroupRole) => sources.filter((s) => s.role === role).sort((a, b) => a.priority - b.priority);
  const blockSources = of('block');
  const allowSources = of('allow');
  const blockAgg = blockSources.map((s) => aggregate(s.list));
  const allowAgg = allowSources.map((s) => aggregate(s.list));
  if (blockAgg.every(isEmptyList)) {
    throw new ConfigError(
      `${where}: the block list resolved to no addresses; refusing to compute an empty block group`,
      'an empty feed never wipes a group: check the block list zone or file on the policy source',
    );
  }

  const allowParts = disjointParts(allowAgg);
  const allow = allowSources.length > 0 ? unionAll(allowParts) : undefined;
  const merged = disjointParts(blockAgg);
  const blockParts = allow ? merged.map((p) => subtract(p, allow)) : merged;
  if (blockParts.every(isEmptyList)) {
    throw new ConfigError(
      `${where}: the allow list covers every address of the block list; the block group would be empty`,
      'check policy.allowList: it should hold exceptions, not the whole block list',
    );
  }
  let precedence: Omit<AllowPrecedence, 'proven'> | undefined;
  if (allow) {
    // The parts are disjoint: the union of (part − allow) is (all of them − allow).
    precedence = allowOverlaps(unionAll(merged), allow, unionAll(blockParts));
  }

  const carved = carveProtected(
    blockParts.map((list, i) => ({ list, label: blockSources[i]!.label })),
    lockout,
  );
  if (carved.parts.every(isEmptyList)) {
    throw new ConfigError(
      `${where}: the protected addresses (protect, management, policy servers) cover every address of the block list; the block group would be empty`,
      'check the block list sources: a feed covering only protected addresses blocks nothing',
    );
  }

  const limit = spec.objectGroups.maxEntries;
  const allowCap = allow ? capPrefixes(allow, limit) : undefined;
  const allowKept = allowCap ? prefixCount(allowCap.kept) : 0;
  if (allow && allowKept >= limit) {
    throw new ConfigError(
      `${where}: the allow list alone (${prefixCount(allow)} entries) fills objectGroups.maxEntries (${limit}); no room is left for the block group`,
      'raise objectGroups.maxEntries or shorten the allow list',
    );
  }
  const cap = capParts(carved.parts, limit - allowKept);

  // The proofs, on the groups the device will hold.
  assertNotCovered(cap.members, lockout);
  if (allowCap) proveAllowPrecedence(cap.members, allowCap.kept);

  const groups: DesiredGroup[] = [{ name: spec.objectGroups.block, role: 'block', members: cap.members }];
  if (allowCap) groups.push({ name: spec.objectGroups.allow, role: 'allow', members: allowCap.kept });

  const figures: SourceFigures[] = [
    ...blockSources.map((source, i) => ({
      source,
      aggregated: blockAgg[i]!,
      kept: prefixCount(cap.kept[i]!),
      droppedByCap: prefixCount(cap.dropped[i]!),
    })),
    ...allowSources.map((source, i) => ({
      source,
      aggregated: allowAgg[i]!,
      kept: prefixCount(allowParts[i]!),
      droppedByCap: 0,
    })),
  ];
  const report = {
    sources: figures.map(sourceReport),
    lockout: {
      mode: lockout.mode,
      protected: lockout.addresses,
      carved: carved.carved,
      unresolved: lockout.unresolved,
    },
    ...(precedence ? { allowPrecedence: { ...precedence, proven: true } } : {}),
  };
  // Lowest priority first: the entries the cap took first are named first.
  const truncation = truncationOf([allowCap?.dropped, ...[...cap.dropped].reverse()], limit);
  return { groups, ...(truncation ? { truncation } : {}), report };
}

function sourceReport({ source: s, aggregated, kept, droppedByCap }: SourceFigures): SourceReport {
  return {
    role: s.role,
    priority: s.priority,
    source: s.label,
    serial: s.serial,
    records: s.records,
    decoded: s.decoded,
    rejected: s.rejected,
    aggregated: prefixCount(aggregated),
    kept,
    droppedByCap,
    status: s.status,
    ...(s.gate === undefined ? {} : { gate: s.gate }),
    ...(s.failingSince === undefined ? {} : { failingSince: s.failingSince }),
    ...(s.stale === undefined ? {} : { stale: s.stale }),
  };
}

function truncationOf(dropped: readonly (PrefixList | undefined)[], limit: number): Truncation | undefined {
  const lists = dropped.filter((d): d is PrefixList => d !== undefined && !isEmptyList(d));
  const total = lists.reduce((n, d) => n + prefixCount(d), 0);
  if (total === 0) return undefined;
  const sample: string[] = [];
  for (const d of lists) {
    if (sample.length >= TRUNCATION_SAMPLE_SIZE) break;
    sample.push(...prefixesToStrings(takePrefixes(d, TRUNCATION_SAMPLE_SIZE - sample.length)));
  }
  return { dropped: total, sample, limit };
}

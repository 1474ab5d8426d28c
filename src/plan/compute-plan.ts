// computePlan: desired state + what the device has + what tscm owns -> the changes per logical group. Pure, no IO,
// deterministic (groups sorted, no timestamps). Set work runs on typed arrays in the CIDR engine, so a 1M-entry
// group costs a few linear passes, never an object or a string per entry.

import {
  EMPTY_PREFIXES,
  exactDifference,
  exactDifferences,
  exactIntersection,
  prefixCount,
  prefixesToStrings,
} from '../cidr/index.js';
import { InternalError } from '../errors.js';
import type { Platform } from '../config/types.js';
import type {
  DesiredGroup,
  DesiredState,
  DevicePlan,
  DevicePlanInputs,
  GroupChange,
  GroupRole,
  Inventory,
  InventoryGroup,
  ObservedDevice,
  ObservedGroup,
} from './model.js';
import { managedMembers } from './ownership.js';
import { takePrefixes } from './prefix-window.js';

export interface ComputePlanOptions {
  readonly device: string;
  readonly platform: Platform;
  readonly inputs: DevicePlanInputs;
  /** Share (0..1] of a group's current members a plan may remove before it is refused (apply needs --force). */
  readonly maxRemoveShare: number;
}

/** How many foreign member lines (or existing members of a group in use) a warning quotes. */
const FOREIGN_SAMPLE = 3;

export function computePlan(
  desired: DesiredState,
  observed: ObservedDevice,
  inventory: Inventory,
  opts: ComputePlanOptions,
): DevicePlan {
  const warnings: string[] = [];
  const refusals: string[] = [];
  const observedByName = indexByName(observed.groups, 'observed group', opts.device);
  const inventoryByName = indexByName(inventory.groups, 'inventory group', opts.device);
  const desiredByName = indexByName(desired.groups, 'desired group', opts.device);

  const changes: GroupChange[] = [];
  for (const want of desired.groups) {
    const have = observedByName.get(want.name);
    const owned = inventoryByName.get(want.name);
    changes.push(planDesiredGroup(want, have, owned, opts, warnings));
  }
  for (const owned of inventory.groups) {
    if (desiredByName.has(owned.name)) continue;
    const change = planDroppedGroup(owned, observedByName.get(owned.name), warnings);
    if (change) changes.push(change);
  }
  changes.sort(compareChanges);

  for (const have of [...observed.groups].sort((a, b) => compareNames(a.name, b.name))) {
    if (!have.exists || have.foreign.length === 0) continue;
    const quoted = have.foreign.slice(0, FOREIGN_SAMPLE).map((l) => `'${l}'`);
    const more = have.foreign.length > FOREIGN_SAMPLE ? ` and ${have.foreign.length - FOREIGN_SAMPLE} more` : '';
    warnings.push(
      `group ${have.name}: ${have.foreign.length} member line(s) tscm does not model are left untouched: ${quoted.join(', ')}${more}`,
    );
  }
  warnings.push(...(observed.notes ?? []), ...(desired.notes ?? []));
  // The cut to maxEntries is the plan's `truncation` (every view shows it), not a warning as well: it was said twice.
  for (const change of changes) {
    const have = observedByName.get(change.name);
    if (desiredByName.has(change.name)) checkSafety(change, opts.maxRemoveShare, have, refusals);
    else checkDroppedSafety(change, have, refusals);
  }

  const summary = { add: 0, remove: 0, create: 0, delete: 0 };
  for (const c of changes) {
    summary.add += prefixCount(c.add);
    summary.remove += prefixCount(c.remove);
    if (c.action === 'create') summary.create++;
    if (c.action === 'delete') summary.delete++;
  }
  const plan: DevicePlan = {
    device: opts.device,
    platform: opts.platform,
    groups: changes,
    summary,
    warnings,
    refusals,
    inputs: opts.inputs,
  };
  const withReport = desired.report ? { ...plan, policy: desired.report } : plan;
  return desired.truncation ? { ...withReport, truncation: desired.truncation } : withReport;
}

function planDesiredGroup(
  want: DesiredGroup,
  have: ObservedGroup | undefined,
  owned: InventoryGroup | undefined,
  opts: ComputePlanOptions,
  warnings: string[],
): GroupChange {
  const base = { name: want.name, role: want.role };
  if (!have || !have.exists) {
    const after = prefixCount(want.members);
    const none = { unmanaged: 0, alreadyPresent: 0, before: 0 };
    return { ...base, action: 'create', add: want.members, remove: EMPTY_PREFIXES, ...none, after };
  }
  const adopt = opts.inputs.adopt;
  const before = prefixCount(have.members);
  const managed = managedMembers(have, owned, adopt);
  const unmanaged = before - prefixCount(managed);
  // Desired members already on the device that tscm does not own: not added (they are there), not claimed. None
  // when tscm owns the whole group (managed is then the observed list itself: two 1M-entry walks saved).
  const alreadyPresent =
    managed === have.members ? 0 : prefixCount(exactIntersection(exactDifference(have.members, managed), want.members));
  if (adopt && before > 0) {
    warnings.push(`group ${want.name}: adopting its ${before} existing member(s) as managed by tscm (--adopt)`);
  }
  if (unmanaged > 0) {
    const others = unmanaged - alreadyPresent;
    const parts = [
      alreadyPresent > 0 ? `${alreadyPresent} already on the device, not managed: left in place` : '',
      others > 0 ? `${others} other member(s) not managed by tscm: left in place` : '',
    ];
    warnings.push(`group ${want.name}: ${parts.filter((p) => p !== '').join('; ')}`);
  }
  if (have.usedBy.length > 0 && prefixCount(managed) === 0 && before > 0) {
    // Migration onto a group an ACL already uses: allowed, but the plan says whose it is and what stays.
    const sample = prefixesToStrings(takePrefixes(have.members, FOREIGN_SAMPLE));
    const more = before > sample.length ? ` and ${before - sample.length} more` : '';
    warnings.push(
      `group ${want.name} already exists, used by ${have.usedBy.join(', ')}; its ${before} existing member(s) are not tscm's and are never removed by it (${sample.join(', ')}${more})`,
    );
  }
  // tscm owns the whole group (the usual case): the adds and removes are the two sides of one walk.
  const [add, remove] =
    managed === have.members
      ? exactDifferences(want.members, have.members)
      : [exactDifference(want.members, have.members), exactDifference(managed, want.members)];
  const nAdd = prefixCount(add);
  const nRemove = prefixCount(remove);
  const action = nAdd === 0 && nRemove === 0 ? 'none' : 'update';
  return { ...base, action, add, remove, unmanaged, alreadyPresent, before, after: before + nAdd - nRemove };
}

/**
 * A group in tscm's inventory that is no longer desired (e.g. the allow list was dropped from the YAML, or
 * `tscm remove`): deleted when tscm created it and nothing on it is foreign; otherwise only tscm's members go.
 */
function planDroppedGroup(
  owned: InventoryGroup,
  have: ObservedGroup | undefined,
  warnings: string[],
): GroupChange | undefined {
  if (!have || !have.exists) {
    warnings.push(`group ${owned.name}: no longer desired and already gone from the device; it leaves the inventory`);
    return undefined;
  }
  const before = prefixCount(have.members);
  const managed = exactIntersection(have.members, owned.members);
  const unmanaged = before - prefixCount(managed);
  const base = { name: owned.name, role: owned.role, add: EMPTY_PREFIXES, alreadyPresent: 0 };
  if (owned.created && unmanaged === 0 && have.foreign.length === 0) {
    return { ...base, action: 'delete', remove: have.members, unmanaged: 0, before, after: 0 };
  }
  const why = owned.created
    ? `it holds ${unmanaged + have.foreign.length} member(s) tscm does not manage`
    : 'tscm did not create it';
  warnings.push(
    `group ${owned.name}: no longer desired, but ${why}; only tscm's members are removed and the group is kept`,
  );
  const nRemove = prefixCount(managed);
  const action = nRemove === 0 ? 'none' : 'update';
  return { ...base, action, remove: managed, unmanaged, before, after: before - nRemove };
}

/** A desired group: a shrinking or empty feed must not wipe it (the feed may be broken). */
function checkSafety(
  change: GroupChange,
  maxRemoveShare: number,
  have: ObservedGroup | undefined,
  refusals: string[],
): void {
  const nRemove = prefixCount(change.remove);
  if (change.before > 0 && nRemove / change.before > maxRemoveShare) {
    const pct = ((100 * nRemove) / change.before).toFixed(1);
    refusals.push(
      `group ${change.name}: would remove ${nRemove} of its ${change.before} members (${pct}%), more than safety.maxRemoveShare (${(100 * maxRemoveShare).toFixed(1)}%)`,
    );
  }
  if (change.after === 0 && change.action !== 'none') {
    const used = have && have.usedBy.length > 0 ? ` (it is used by ${have.usedBy.join(', ')})` : '';
    refusals.push(`group ${change.name}: would be left empty${used}`);
  }
}

/**
 * A group the YAML no longer declares: deleting or emptying it is the operator's intent, not a shrinking feed, so
 * maxRemoveShare does not apply; but a group still referenced by an ACL cannot be deleted or emptied (the device
 * refuses, or the ACL would silently lose its meaning).
 */
function checkDroppedSafety(change: GroupChange, have: ObservedGroup | undefined, refusals: string[]): void {
  if (!have || have.usedBy.length === 0 || change.action === 'none') return;
  if (change.action === 'delete') {
    refusals.push(
      `group ${change.name}: would be deleted but is still referenced by ${have.usedBy.join(', ')}; remove the references first`,
    );
  } else if (change.after === 0) {
    refusals.push(
      `group ${change.name}: would be left empty but is still referenced by ${have.usedBy.join(', ')}; remove the references first`,
    );
  }
}

function indexByName<T extends { name: string }>(items: readonly T[], what: string, device: string): Map<string, T> {
  const out = new Map<string, T>();
  for (const item of items) {
    if (out.has(item.name)) throw new InternalError(`${device}: duplicate ${what} ${item.name}`);
    out.set(item.name, item);
  }
  return out;
}

const ROLE_ORDER: Record<GroupRole, number> = { block: 0, allow: 1 };

function compareChanges(a: GroupChange, b: GroupChange): number {
  return ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || compareNames(a.name, b.name);
}

/** Code-unit order, independent of the locale: plans must be byte-identical on every machine. */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether a device plan changes anything on the device (members or groups). */
export function hasChanges(plan: DevicePlan): boolean {
  const s = plan.summary;
  return s.add + s.remove + s.create + s.delete > 0;
}

// The pure nested layout of the ASA family, over SSH and over REST (cisco-asa README "Nested groups"): one logical
// group is a master `object-group network NAME` holding `group-object NAME-<n>` children of at most nestedSize
// members each. From the observed layout and the logical change it computes the physical operations, in a safe
// order, and the layout after them.
//
// Rules: a removal happens in the group holding the member; adds fill children with room in child order, new
// children (lowest free n) only when all are full; a member is never moved; an emptied child is detached from the
// master, then deleted; a master in use never becomes empty: the shim goes in before the last real member leaves
// and comes out once real members exist. Within a group adds go before removes, so no group is ever transiently
// empty. IPv4 and IPv6 members share children (the ASA mixes families in a group). An orphan (a child an interrupted
// apply filled but never attached) holding only wanted adds is attached rather than re-created.

import { exactDifference, exactIntersection, exactUnion } from '../../cidr/exact-ops.js';
import { EMPTY_PREFIXES, isEmptyList, makePrefixList, prefixCount } from '../../cidr/builder.js';
import type { PrefixList } from '../../cidr/types.js';
import { ConfigError, InternalError } from '../../errors.js';

export interface LayoutChild {
  readonly name: string;
  readonly members: PrefixList;
}

/** The physical shape of one logical group on the device. */
export interface NestedLayout {
  readonly master: string;
  readonly masterExists: boolean;
  /** Managed children (`<master>-<n>`) attached to the master, in the master's `group-object` order. */
  readonly children: readonly LayoutChild[];
  /** Address members directly in the master (legacy or foreign; the shim excluded): never added to. */
  readonly direct: PrefixList;
  /** The shim address is a direct member of the master. */
  readonly shim: boolean;
  /** Device names a new child must not take (groups of that shape not attached to the master). */
  readonly taken: readonly string[];
  /**
   * Managed-shaped groups outside the master that nothing uses, with members: what an apply interrupted between
   * filling a new child and attaching it leaves. One whose members are all wanted is attached (not re-created).
   */
  readonly orphans?: readonly LayoutChild[];
}

export interface LayoutParams {
  readonly nestedSize: number;
  /** The shim as a one-entry list (an RFC 1918 host by default, never a real target). */
  readonly shim: PrefixList;
  /** An ACL uses the master (directly or through a parent group): it may never be empty. */
  readonly inUse: boolean;
}

export interface LogicalChange {
  readonly action: 'create' | 'update' | 'delete' | 'none';
  readonly add: PrefixList;
  readonly remove: PrefixList;
}

export type LayoutOp =
  | { readonly op: 'create-master'; readonly group: string }
  | { readonly op: 'delete-master'; readonly group: string; readonly weight: number }
  | { readonly op: 'create-child'; readonly group: string }
  | { readonly op: 'add'; readonly group: string; readonly members: PrefixList }
  | { readonly op: 'remove'; readonly group: string; readonly members: PrefixList }
  /** `weight`: an adopted orphan's members, logical adds the attach makes (a new child's are its `add`'s). */
  | { readonly op: 'attach'; readonly group: string; readonly child: string; readonly weight?: number }
  | { readonly op: 'detach'; readonly group: string; readonly child: string }
  /** Deleting a child removes its members with it: `weight` of them were logical removals. */
  | { readonly op: 'delete-child'; readonly group: string; readonly weight: number }
  | { readonly op: 'add-shim'; readonly group: string; readonly members: PrefixList }
  | { readonly op: 'remove-shim'; readonly group: string; readonly members: PrefixList };

export interface LayoutResult {
  readonly ops: readonly LayoutOp[];
  /** The layout once every operation is done (the next basis, predicted). */
  readonly after: NestedLayout;
  /** Adds already on the device (skipped) and removals not on it (skipped), counted. */
  readonly alreadyPresent: number;
  readonly absent: number;
}

/** Entries [start, start + count) of a list, IPv4 entries first, then IPv6 (each family stays sorted). */
export function slicePrefixes(list: PrefixList, start: number, count: number): PrefixList {
  const n4 = list.v4.len.length;
  const end = start + count;
  const a4 = Math.min(start, n4);
  const b4 = Math.min(end, n4);
  const a6 = Math.max(start - n4, 0);
  const b6 = Math.max(end - n4, 0);
  return makePrefixList(
    list.v4.addr.subarray(a4, b4),
    list.v4.len.subarray(a4, b4),
    list.v6.words.subarray(4 * a6, 4 * b6),
    list.v6.len.subarray(a6, b6),
  );
}

/** `<master>-<n>`: the name of child n. */
export function childName(master: string, n: number): string {
  return `${master}-${n}`;
}

/** n of a managed child name, or -1. */
export function childNumber(master: string, name: string): number {
  if (!name.startsWith(`${master}-`)) return -1;
  const rest = name.slice(master.length + 1);
  return /^[1-9]\d{0,8}$/.test(rest) ? Number(rest) : -1;
}

function deleteGroup(layout: NestedLayout, change: LogicalChange, p: LayoutParams): LayoutResult {
  if (p.inUse) {
    throw new ConfigError(
      `object-group ${layout.master} is in use: the ASA refuses to remove a group an ACL uses`,
      'remove the ACL entries that name it (or the group from the ACL) first',
    );
  }
  const ops: LayoutOp[] = [];
  const after: NestedLayout = { ...layout, masterExists: false, children: [], direct: EMPTY_PREFIXES, shim: false };
  if (!layout.masterExists) return { ops, after, alreadyPresent: 0, absent: prefixCount(change.remove) };
  // The master goes first: a child nested in it could not be removed while the master names it.
  const removed = (members: PrefixList): number => prefixCount(exactIntersection(members, change.remove));
  ops.push({ op: 'delete-master', group: layout.master, weight: removed(layout.direct) });
  for (const c of layout.children) ops.push({ op: 'delete-child', group: c.name, weight: removed(c.members) });
  return { ops, after, alreadyPresent: 0, absent: 0 };
}

interface ChildPlan {
  name: string;
  before: PrefixList;
  removed: PrefixList;
  added: PrefixList;
  isNew: boolean;
  /** An orphan attached by this change. */
  adopted?: boolean;
}

/** The operations turning `layout` into the layout holding the logical change, and that layout. */
export function planNestedLayout(layout: NestedLayout, change: LogicalChange, p: LayoutParams): LayoutResult {
  if (!(Number.isInteger(p.nestedSize) && p.nestedSize >= 1)) {
    throw new InternalError(`nestedSize must be a positive integer, got ${p.nestedSize}`);
  }
  if (change.action === 'delete') return deleteGroup(layout, change, p);
  const master = layout.master;
  const ops: LayoutOp[] = [];

  // Removals: every group holding the member loses it (a member typed into two children leaves both).
  let absentLeft = change.remove;
  const plans: ChildPlan[] = layout.children.map((c) => {
    const removed = exactIntersection(c.members, change.remove);
    absentLeft = exactDifference(absentLeft, removed);
    return { name: c.name, before: c.members, removed, added: EMPTY_PREFIXES, isNew: false };
  });
  const directRemoved = exactIntersection(layout.direct, change.remove);
  absentLeft = exactDifference(absentLeft, directRemoved);
  const directAfter = exactDifference(layout.direct, directRemoved);

  // Adds already held somewhere are skipped: a member is never moved or duplicated.
  let toAdd = exactDifference(change.add, layout.direct);
  for (const c of layout.children) toAdd = exactDifference(toAdd, c.members);
  const alreadyPresent = prefixCount(change.add) - prefixCount(toAdd);
  // An orphan holding only wanted adds is attached as it is: its members are added by the attach.
  const adopted = (layout.orphans ?? []).filter(
    (o) => !isEmptyList(o.members) && isEmptyList(exactDifference(o.members, toAdd)),
  );
  for (const o of adopted) {
    toAdd = exactDifference(toAdd, o.members);
    plans.push({
      name: o.name,
      before: o.members,
      removed: EMPTY_PREFIXES,
      added: EMPTY_PREFIXES,
      isNew: false,
      adopted: true,
    });
  }

  // Fill existing children with room, in child order, then new children at the lowest free numbers.
  let next = 0;
  const total = prefixCount(toAdd);
  for (const c of plans) {
    const room = p.nestedSize - (prefixCount(c.before) - prefixCount(c.removed));
    if (room <= 0 || next >= total) continue;
    const take = Math.min(room, total - next);
    c.added = slicePrefixes(toAdd, next, take);
    next += take;
  }
  const used = new Set([...layout.children.map((c) => c.name), ...layout.taken, ...adopted.map((o) => o.name)]);
  let n = 1;
  while (next < total) {
    while (used.has(childName(master, n))) n++;
    const name = childName(master, n);
    used.add(name);
    const take = Math.min(p.nestedSize, total - next);
    plans.push({
      name,
      before: EMPTY_PREFIXES,
      removed: EMPTY_PREFIXES,
      added: slicePrefixes(toAdd, next, take),
      isNew: true,
    });
    next += take;
  }

  const remaining = (c: ChildPlan): number => prefixCount(c.before) - prefixCount(c.removed) + prefixCount(c.added);
  const emptied = plans.filter((c) => !c.isNew && remaining(c) === 0);
  const realAfter = prefixCount(directAfter) + plans.reduce((s, c) => s + remaining(c), 0);
  const needShim = p.inUse && realAfter === 0;

  if (!layout.masterExists) ops.push({ op: 'create-master', group: master });
  // The shim goes in before anything leaves, so the master of a group in use is never empty.
  if (needShim && !layout.shim) ops.push({ op: 'add-shim', group: master, members: p.shim });
  // An existing child takes its adds before its removes, so it is never transiently empty (one visit each).
  for (const c of plans) {
    if (c.isNew || remaining(c) === 0) continue;
    if (!isEmptyList(c.added)) ops.push({ op: 'add', group: c.name, members: c.added });
    if (!isEmptyList(c.removed)) ops.push({ op: 'remove', group: c.name, members: c.removed });
    if (c.adopted) ops.push({ op: 'attach', group: master, child: c.name, weight: prefixCount(c.before) });
  }
  // A new child is filled before it is attached: an interruption leaves at most one unattached child.
  for (const c of plans) {
    if (!c.isNew) continue;
    ops.push({ op: 'create-child', group: c.name });
    ops.push({ op: 'add', group: c.name, members: c.added });
    ops.push({ op: 'attach', group: master, child: c.name });
  }
  if (!isEmptyList(directRemoved)) ops.push({ op: 'remove', group: master, members: directRemoved });
  for (const c of emptied) {
    ops.push({ op: 'detach', group: master, child: c.name });
    ops.push({ op: 'delete-child', group: c.name, weight: prefixCount(c.removed) });
  }
  const shimAfter = needShim;
  if (layout.shim && !shimAfter) ops.push({ op: 'remove-shim', group: master, members: p.shim });

  const children = plans
    .filter((c) => remaining(c) > 0)
    .map((c) => ({ name: c.name, members: exactUnion(exactDifference(c.before, c.removed), c.added) }));
  const after: NestedLayout = {
    master,
    masterExists: true,
    children,
    direct: directAfter,
    shim: shimAfter,
    taken: layout.taken.filter((t) => !adopted.some((o) => o.name === t)),
    orphans: (layout.orphans ?? []).filter((o) => !adopted.includes(o)),
  };
  return { ops, after, alreadyPresent, absent: prefixCount(absentLeft) };
}

/** The logical members of a layout: every child's members and the master's direct ones (the shim excluded). */
export function layoutMembers(layout: NestedLayout): PrefixList {
  let all = layout.direct;
  for (const c of layout.children) all = exactUnion(all, c.members);
  return all;
}

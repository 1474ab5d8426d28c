// Pure, for the ASA family (SSH and REST): from the plan's logical changes and the basis a driver observed, the
// layout operations of every group (nested-layout.ts), what they do beyond members for the plan (describe), and the
// groups after them (the next window's basis, predicted without re-reading).

import { prefixesFromStrings, prefixesToStrings } from '../../cidr/index.js';
import type { PrefixList } from '../../cidr/types.js';
import { ConfigError, InternalError } from '../../errors.js';
import type { GroupChange, ObservedGroup } from '../../plan/model.js';
import { layoutMembers, planNestedLayout, type LayoutOp, type NestedLayout } from './nested-layout.js';

export interface NestedGroupFacts {
  readonly layout: NestedLayout;
  /** An ACL uses the master (directly or through a parent group); ObservedGroup.usedBy says which. */
  readonly inUse: boolean;
}

/**
 * Per device group, the hosts it holds in a network form (IPv4 /32 as `A 255.255.255.255` or IPv4Network `A/32`;
 * IPv6 /128 as `X/128` or IPv6Network), as v4 address numbers and canonical v6 text: a removal repeats that form.
 */
export interface HostForms {
  readonly v4: ReadonlyMap<string, ReadonlySet<number>>;
  readonly v6: ReadonlyMap<string, ReadonlySet<string>>;
}

export interface NestedApplyPlan {
  readonly ops: readonly LayoutOp[];
  /** The basis's groups after the operations, in the basis's order. */
  readonly observed: readonly ObservedGroup[];
  readonly groups: ReadonlyMap<string, NestedGroupFacts>;
  readonly forms: HostForms;
  /** Adds already on the device and removals not on it, skipped (the plan was made against an older read). */
  readonly skipped: number;
}

export interface NestedApplyParams {
  readonly nestedSize: number;
  readonly shimAddress: string;
}

/** The layout operations for every change, in plan order, and the groups after them. */
export function planNestedApply(
  changes: readonly GroupChange[],
  basis: readonly ObservedGroup[],
  facts: { readonly groups: ReadonlyMap<string, NestedGroupFacts>; readonly forms: HostForms },
  p: NestedApplyParams,
): NestedApplyPlan {
  const groups = new Map(facts.groups);
  const v4 = new Map(facts.forms.v4);
  const v6 = new Map(facts.forms.v6);
  const observed = new Map(basis.map((g) => [g.name, g]));
  const shim = prefixesFromStrings([`${p.shimAddress}/32`]);
  const ops: LayoutOp[] = [];
  let skipped = 0;
  for (const c of changes) {
    const g = groups.get(c.name);
    const seen = observed.get(c.name);
    if (g === undefined || seen === undefined) throw new InternalError(`group ${c.name} was not observed`);
    if (c.action === 'delete' && g.inUse) {
      throw new ConfigError(
        `device group ${c.name} is in use by ${seen.usedBy.join(', ')}: the ASA refuses to remove a group an ACL uses`,
        'remove those ACL entries (or take the group out of them) first, then run again',
      );
    }
    const r = planNestedLayout(g.layout, c, { nestedSize: p.nestedSize, shim, inUse: g.inUse });
    ops.push(...r.ops);
    skipped += r.alreadyPresent + r.absent;
    groups.set(c.name, { ...g, layout: r.after });
    for (const op of r.ops) {
      if (op.op === 'delete-child' || op.op === 'delete-master') {
        v4.delete(op.group);
        v6.delete(op.group);
      } else if (op.op === 'remove' || op.op === 'remove-shim') {
        dropForms(v4, v6, op.group, op.members);
      }
    }
    observed.set(c.name, { ...seen, exists: r.after.masterExists, members: layoutMembers(r.after) });
  }
  return {
    ops,
    observed: basis.map((g) => observed.get(g.name) ?? g),
    groups,
    forms: { v4, v6 },
    skipped,
  };
}

/** A removed member's stored form is gone with it (a re-add uses the default form). */
function dropForms(
  v4: Map<string, ReadonlySet<number>>,
  v6: Map<string, ReadonlySet<string>>,
  group: string,
  removed: PrefixList,
): void {
  const m = v4.get(group);
  if (m !== undefined) {
    const left = new Set(m);
    for (const a of removed.v4.addr) left.delete(a);
    v4.set(group, left);
  }
  const s = v6.get(group);
  if (s !== undefined) {
    const left = new Set(s);
    for (const p of prefixesToStrings({ v4: { addr: new Uint32Array(0), len: new Uint8Array(0) }, v6: removed.v6 })) {
      left.delete(p.slice(0, p.indexOf('/')));
    }
    v6.set(group, left);
  }
}

/** One line per structural operation, for the plan (members are shown by the core). */
export function describeNestedOps(
  ops: readonly LayoutOp[],
  basis: readonly ObservedGroup[],
  shimAddress: string,
): string[] {
  const users = new Map(basis.map((g) => [g.name, g.usedBy]));
  const out: string[] = [];
  for (const [i, op] of ops.entries()) {
    switch (op.op) {
      case 'create-master':
        out.push(`create object-group network ${op.group}`);
        break;
      case 'create-child': {
        const add = ops[i + 1];
        const n = add?.op === 'add' ? add.members.v4.len.length + add.members.v6.len.length : 0;
        out.push(`create child ${op.group} (${n} members) nested in its master`);
        break;
      }
      case 'delete-child':
        out.push(`delete child ${op.group} (emptied)`);
        break;
      case 'delete-master':
        out.push(`delete object-group network ${op.group}`);
        break;
      case 'add-shim':
        out.push(
          `add shim ${shimAddress} to ${op.group}: in use by ${(users.get(op.group) ?? []).join(', ')}, it may not be empty`,
        );
        break;
      case 'remove-shim':
        out.push(`remove shim ${shimAddress} from ${op.group}`);
        break;
      case 'attach':
        if ((op.weight ?? 0) > 0) {
          out.push(`attach ${op.child} (${op.weight} members) to ${op.group}: an interrupted apply left it outside`);
        }
        break;
      default:
        break;
    }
  }
  return out;
}

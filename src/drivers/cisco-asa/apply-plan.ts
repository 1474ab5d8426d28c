// Pure: from the plan's logical changes and the basis this driver observed, the physical operations of every group
// (layout.ts), what they do beyond members for the plan (describe), and the basis after them (the next window's,
// predicted without re-reading).

import { prefixesToStrings } from '../../cidr/index.js';
import { ConfigError, InternalError } from '../../errors.js';
import type { GroupChange, ObservedGroup } from '../../plan/model.js';
import type { Observation } from '../driver.js';
import { layoutMembers, planNestedLayout, type LayoutOp, type NestedLayout } from './layout.js';
import type { AsaOptions } from './options.js';
import { prefixesFromStrings } from '../../cidr/index.js';
import type { PrefixList } from '../../cidr/types.js';

export interface AsaGroupFacts {
  readonly layout: NestedLayout;
  /** An ACL uses the master (directly or through a parent group); `usedBy` says which. */
  readonly inUse: boolean;
}

/** What observe leaves in Observation.facts for apply and describe (opaque to the core). */
export interface AsaFacts {
  readonly kind: 'asa';
  readonly groups: ReadonlyMap<string, AsaGroupFacts>;
  /** Per device group, the member forms a removal repeats (render options). */
  readonly maskHosts: ReadonlyMap<string, ReadonlySet<number>>;
  readonly slashHosts6: ReadonlyMap<string, ReadonlySet<string>>;
}

export function asaFactsOf(basis: Observation): AsaFacts {
  const f = basis.facts as Partial<AsaFacts> | undefined;
  if (f?.kind === 'asa' && f.groups instanceof Map) return f as AsaFacts;
  throw new InternalError('the ASA driver was given a basis it did not observe');
}

export interface AsaApplyPlan {
  readonly ops: readonly LayoutOp[];
  readonly after: Observation;
  /** Adds already on the device and removals not on it, skipped (the plan was made against an older read). */
  readonly skipped: number;
}

function shimList(o: AsaOptions): PrefixList {
  return prefixesFromStrings([`${o.shimAddress}/32`]);
}

/** The layout operations for every change, in plan order, and the observation after them. */
export function planAsaApply(changes: readonly GroupChange[], basis: Observation, o: AsaOptions): AsaApplyPlan {
  const facts = asaFactsOf(basis);
  const groups = new Map(facts.groups);
  const maskHosts = new Map(facts.maskHosts);
  const slashHosts6 = new Map(facts.slashHosts6);
  const observed = new Map(basis.groups.map((g) => [g.name, g]));
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
    const r = planNestedLayout(g.layout, c, { nestedSize: o.nestedSize, shim: shimList(o), inUse: g.inUse });
    ops.push(...r.ops);
    skipped += r.alreadyPresent + r.absent;
    groups.set(c.name, { ...g, layout: r.after });
    for (const op of r.ops) {
      if (op.op === 'delete-child' || op.op === 'delete-master') {
        maskHosts.delete(op.group);
        slashHosts6.delete(op.group);
      } else if (op.op === 'remove' || op.op === 'remove-shim') {
        dropForms(maskHosts, slashHosts6, op.group, op.members);
      }
    }
    const next: ObservedGroup = { ...seen, exists: r.after.masterExists, members: layoutMembers(r.after) };
    observed.set(c.name, next);
  }
  const after: Observation = {
    ...basis,
    groups: basis.groups.map((g) => observed.get(g.name) ?? g),
    facts: { kind: 'asa', groups, maskHosts, slashHosts6 } satisfies AsaFacts,
  };
  return { ops, after, skipped };
}

/** A removed member's stored form is gone with it (a re-add uses the default form). */
function dropForms(
  maskHosts: Map<string, ReadonlySet<number>>,
  slashHosts6: Map<string, ReadonlySet<string>>,
  group: string,
  removed: PrefixList,
): void {
  const m = maskHosts.get(group);
  if (m !== undefined) {
    const left = new Set(m);
    for (const a of removed.v4.addr) left.delete(a);
    maskHosts.set(group, left);
  }
  const s = slashHosts6.get(group);
  if (s !== undefined) {
    const left = new Set(s);
    for (const p of prefixesToStrings({ v4: { addr: new Uint32Array(0), len: new Uint8Array(0) }, v6: removed.v6 })) {
      left.delete(p.slice(0, p.indexOf('/')));
    }
    slashHosts6.set(group, left);
  }
}

/** One line per structural operation, for the plan (members are shown by the core). */
export function describeOps(ops: readonly LayoutOp[], basis: Observation, o: AsaOptions): string[] {
  const users = new Map(basis.groups.map((g) => [g.name, g.usedBy]));
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
          `add shim ${o.shimAddress} to ${op.group}: in use by ${(users.get(op.group) ?? []).join(', ')}, it may not be empty`,
        );
        break;
      case 'remove-shim':
        out.push(`remove shim ${o.shimAddress} from ${op.group}`);
        break;
      default:
        break;
    }
  }
  return out;
}

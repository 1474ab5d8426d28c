// The physical layout of a plan on a PIX/FWSM (pure): one flat `object-group network` per logical group, IPv4
// only, and the shim. A group an ACL uses cannot be emptied on these devices, and whether an unused empty group
// survives is not confirmed [?], so a tscm group is never left empty: the shim address (`shimAddress`, the seed's
// "netgroupshimip") is added before the last real member goes (or with a create that has no members), and removed
// once real members exist. Within a group: adds, then the shim's move, then removes (never transiently empty).

import { exactDifference, exactUnion, formatIpv4Address, prefixCount } from '../../cidr/index.js';
import type { Ipv4Prefixes } from '../../cidr/types.js';
import { InternalError } from '../../errors.js';
import type { GroupChange, ObservedGroup } from '../../plan/model.js';
import { memberKey } from './parse.js';
import type { PixFacts, PixFolded, PixGroupFacts } from './observe.js';

export interface PixGroupLayout {
  readonly name: string;
  /** create: the header makes the group; update: it exists; delete: `no object-group network NAME`. */
  readonly kind: 'create' | 'update' | 'delete';
  readonly add: Ipv4Prefixes;
  readonly remove: Ipv4Prefixes;
  readonly addShim: boolean;
  readonly removeShim: boolean;
  /** Members a delete takes with it (for progress). */
  readonly deleted: number;
  /** memberKey -> device text after `network-object `, for removals the device spells its own way. */
  readonly spelled: ReadonlyMap<string, string>;
  /** What uses the group (said in the plan when the shim moves). */
  readonly usedBy: readonly string[];
}

function factsOf(facts: PixFacts, name: string): PixGroupFacts | undefined {
  return facts.groups.find((g) => g.name === name);
}

/** The layout of each change that does something on the device, in plan order. */
export function layoutPixChanges(changes: readonly GroupChange[], basis: PixFolded): PixGroupLayout[] {
  const out: PixGroupLayout[] = [];
  for (const c of changes) {
    if (c.add.v6.len.length > 0 || c.remove.v6.len.length > 0) {
      throw new InternalError(`IPv6 members planned for PIX group ${c.name}, which holds IPv4 only`);
    }
    const observed = basis.groups.find((g) => g.name === c.name);
    const facts = factsOf(basis.facts, c.name);
    const spelled = new Map(facts?.spelled ?? []);
    const usedBy = observed?.usedBy ?? [];
    if (c.action === 'delete') {
      if (observed?.exists !== true) continue;
      const deleted = prefixCount(observed.members);
      out.push({ ...noMembers(c.name, 'delete', spelled, usedBy), deleted });
      continue;
    }
    const exists = observed?.exists === true;
    const real = (observed?.members.v4.len.length ?? 0) + c.add.v4.len.length - c.remove.v4.len.length;
    const empty = real + (observed?.foreign.length ?? 0) === 0;
    const shim = facts?.shim === true;
    const layout: PixGroupLayout = {
      name: c.name,
      kind: exists ? 'update' : 'create',
      add: c.add.v4,
      remove: c.remove.v4,
      addShim: empty && !shim,
      removeShim: !empty && shim,
      deleted: 0,
      spelled,
      usedBy,
    };
    const moves = layout.add.len.length + layout.remove.len.length;
    if (layout.kind === 'create' || moves > 0 || layout.addShim || layout.removeShim) out.push(layout);
  }
  return out;
}

const NONE: Ipv4Prefixes = { addr: new Uint32Array(0), len: new Uint8Array(0) };

function noMembers(
  name: string,
  kind: PixGroupLayout['kind'],
  spelled: ReadonlyMap<string, string>,
  usedBy: readonly string[],
): PixGroupLayout {
  return { name, kind, add: NONE, remove: NONE, addShim: false, removeShim: false, deleted: 0, spelled, usedBy };
}

/** What the changes do beyond their members, one line each, for the plan (Driver.describe). */
export function describePixLayout(layouts: readonly PixGroupLayout[], shimAddress: number): string[] {
  const shim = formatIpv4Address(shimAddress);
  const lines: string[] = [];
  for (const l of layouts) {
    if (l.addShim) {
      const why = l.usedBy.length > 0 ? `used by ${l.usedBy.join(', ')}` : 'a PIX group is never left empty';
      lines.push(`add shim ${shim} to ${l.name} (it would be empty; ${why})`);
    }
    if (l.removeShim) lines.push(`remove shim ${shim} from ${l.name} (it has members again)`);
  }
  return lines;
}

function withV4(v4: Ipv4Prefixes): GroupChange['add'] {
  return { v4, v6: { words: new Uint32Array(0), len: new Uint8Array(0) } };
}

/** The observation after the changes, predicted without re-reading (the next window's basis). */
export function predictPixBasis(changes: readonly GroupChange[], basis: PixFolded): PixFolded {
  const layouts = new Map(layoutPixChanges(changes, basis).map((l) => [l.name, l]));
  const groups = basis.groups.map((g): ObservedGroup => {
    const l = layouts.get(g.name);
    if (l === undefined) return g;
    if (l.kind === 'delete') return { ...g, exists: false, members: withV4(NONE), foreign: [], usedBy: [] };
    const members = exactUnion(exactDifference(g.members, withV4(l.remove)), withV4(l.add));
    return { ...g, exists: true, members };
  });
  const facts = basis.facts.groups.map((f): PixGroupFacts => {
    const l = layouts.get(f.name);
    if (l === undefined) return f;
    if (l.kind === 'delete') return { name: f.name, shim: false, spelled: [] };
    const removed = new Set<string>();
    for (let i = 0; i < l.remove.len.length; i++) removed.add(memberKey(l.remove.addr[i]!, l.remove.len[i]!));
    return {
      name: f.name,
      shim: (f.shim || l.addShim) && !l.removeShim,
      spelled: f.spelled.filter(([k]) => !removed.has(k)),
    };
  });
  return { groups, facts: { ...basis.facts, groups: facts } };
}

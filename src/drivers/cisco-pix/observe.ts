// Folds parsed PIX groups into tscm's logical groups (pure): one flat device group per logical group, the shim
// folded away (it is the driver's, not a member of the policy) and recorded in the facts with the device's own
// spelling of members, which apply needs to remove them.

import { PrefixListBuilder } from '../../cidr/index.js';
import type { ObservedGroup } from '../../plan/model.js';
import type { PixObjectGroups } from './parse.js';

export interface RequestedGroup {
  readonly name: string;
  readonly role: 'block' | 'allow';
}

/** What the PIX driver knows of one group beyond its logical members. */
export interface PixGroupFacts {
  readonly name: string;
  /** The group holds the shim address as `network-object host SHIM` (or as the device spelled it). */
  readonly shim: boolean;
  /** memberKey -> the device's text after `network-object `, for members it spells otherwise than tscm. */
  readonly spelled: readonly (readonly [string, string])[];
}

/** Driver-owned facts of an observation (Observation.facts): plain data, JSON-friendly. */
export interface PixFacts {
  readonly platform: 'pix';
  /** The shim address (IPv4, unsigned 32-bit) this observation was folded with. */
  readonly shimAddress: number;
  readonly groups: readonly PixGroupFacts[];
}

export interface PixFolded {
  readonly groups: readonly ObservedGroup[];
  readonly facts: PixFacts;
}

export function isPixFacts(x: unknown): x is PixFacts {
  if (typeof x !== 'object' || x === null) return false;
  const f = x as Partial<PixFacts>;
  return f.platform === 'pix' && typeof f.shimAddress === 'number' && Array.isArray(f.groups);
}

export function foldPixGroups(
  parsed: PixObjectGroups,
  requested: readonly RequestedGroup[],
  shimAddress: number,
): PixFolded {
  const b = new PrefixListBuilder();
  const groups: ObservedGroup[] = [];
  const facts: PixGroupFacts[] = [];
  for (const r of requested) {
    // Names are case-sensitive on the device [§2]: match exactly.
    const g = parsed.groups.find((x) => x.name === r.name);
    let shim = false;
    if (g !== undefined) {
      const { addr, len } = g.members.v4;
      for (let i = 0; i < len.length; i++) {
        if (addr[i] === shimAddress && len[i] === 32) shim = true;
        else b.addV4(addr[i]!, len[i]!);
      }
    }
    groups.push({
      name: r.name,
      role: r.role,
      exists: g !== undefined,
      members: b.build(),
      foreign: g?.foreign ?? [],
      usedBy: parsed.usedBy.get(r.name) ?? [],
    });
    facts.push({ name: r.name, shim, spelled: [...(g?.spelled ?? [])] });
  }
  return { groups, facts: { platform: 'pix', shimAddress, groups: facts } };
}

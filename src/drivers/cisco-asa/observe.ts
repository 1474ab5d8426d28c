// Pure: a parsed ASA configuration folded into logical groups (shared/nested-fold.ts), and the member forms a
// removal repeats over the CLI.

import type { PrefixList } from '../../cidr/types.js';
import type { GroupRole } from '../../plan/model.js';
import { groupUsers } from '../shared/asa-acl-usage.js';
import { foldNestedGroup as foldShared, type FoldedGroup } from '../shared/nested-fold.js';
import type { AsaConfig } from './parse.js';

/** One logical group from a parse (shared/nested-fold.ts). */
export function foldNestedGroup(
  config: AsaConfig,
  ref: { readonly name: string; readonly role: GroupRole },
  shim: PrefixList,
  users: ReadonlyMap<string, readonly string[]> = groupUsers(config),
): FoldedGroup {
  return foldShared(new Map(config.groups.map((g) => [g.name, g])), ref, shim, users);
}

/** Per group of the config, the member forms a removal must repeat (render options). */
export function memberForms(config: AsaConfig): {
  maskHosts: Map<string, ReadonlySet<number>>;
  slashHosts6: Map<string, ReadonlySet<string>>;
} {
  const maskHosts = new Map<string, ReadonlySet<number>>();
  const slashHosts6 = new Map<string, ReadonlySet<string>>();
  for (const g of config.groups) {
    if (g.maskHosts.length > 0) maskHosts.set(g.name, new Set(g.maskHosts));
    if (g.slashHosts6.length > 0) slashHosts6.set(g.name, new Set(g.slashHosts6));
  }
  return { maskHosts, slashHosts6 };
}

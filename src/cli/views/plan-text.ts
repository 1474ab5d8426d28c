// Small pieces the plan views share: the first members of a change as text, and the action words.

import { prefixCount, prefixesToStrings } from '../../cidr/index.js';
import type { PrefixList } from '../../cidr/types.js';
import type { DevicePlan, GroupChange } from '../../plan/model.js';
import { takePrefixes } from '../../plan/prefix-window.js';

/** The first `limit` members as CIDR strings and how many were left out; never converts the whole list. */
export function firstMembers(list: PrefixList, limit: number): { shown: string[]; more: number } {
  const total = prefixCount(list);
  const shown = prefixesToStrings(takePrefixes(list, limit));
  return { shown, more: total - shown.length };
}

export function describeChange(g: GroupChange): string {
  const add = prefixCount(g.add);
  const remove = prefixCount(g.remove);
  switch (g.action) {
    case 'create':
      return `create with ${add} member${add === 1 ? '' : 's'}`;
    case 'delete':
      return `delete (${g.before} member${g.before === 1 ? '' : 's'})`;
    case 'update':
      return `${add} to add, ${remove} to remove (${g.before} -> ${g.after} members)`;
    case 'none':
      return `no changes (${g.before} members)`;
  }
}

/** The members of a group left alone because they are not tscm's, in the words every view uses. */
export function describeUnmanaged(g: GroupChange): string {
  const others = g.unmanaged - g.alreadyPresent;
  const parts: string[] = [];
  if (g.alreadyPresent > 0) parts.push(`${g.alreadyPresent} already on the device, not managed: left in place`);
  if (others > 0) parts.push(`${others} unmanaged left in place`);
  return parts.join('; ');
}

export function summaryLine(p: DevicePlan): string {
  const s = p.summary;
  return `Plan: ${s.add} to add, ${s.remove} to remove, ${s.create} groups to create, ${s.delete} to delete.`;
}

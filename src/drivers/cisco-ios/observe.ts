// Folds parsed IOS object-groups back into tscm's logical groups (pure): NAME (IPv4 `network` group) plus its
// twin NAME-v6 (`v6-network`) become one ObservedGroup. Names match exactly (`| section FOO` also shows FOO2).

import { PrefixListBuilder } from '../../cidr/index.js';
import type { ObservedGroup } from '../../plan/model.js';
import { groupUsers } from './parse.js';
import type { IosGroup, IosObjectGroups } from './parse.js';
import { v6TwinName } from './render.js';

export interface RequestedGroup {
  readonly name: string;
  readonly role: 'block' | 'allow';
}

/** What render needs to know about the device besides the plan (see IosRenderOptions). */
export interface IosDeviceFacts {
  readonly v6TwinsPresent: ReadonlySet<string>;
  readonly maskHosts: ReadonlyMap<string, ReadonlySet<number>>;
}

/** Every block of a group: the parsers merge a repeated header already, but no block may ever be dropped here. */
function findGroups(parsed: IosObjectGroups, kind: IosGroup['kind'], name: string): IosGroup[] {
  return parsed.groups.filter((g) => g.kind === kind && g.name === name);
}

export function foldObservedGroups(
  parsed: IosObjectGroups,
  requested: readonly RequestedGroup[],
): { groups: ObservedGroup[]; facts: IosDeviceFacts } {
  const b = new PrefixListBuilder();
  const groups: ObservedGroup[] = [];
  const twins = new Set<string>();
  const maskHosts = new Map<string, ReadonlySet<number>>();
  const users = groupUsers(parsed);
  for (const r of requested) {
    const v4 = findGroups(parsed, 'network', r.name);
    const v6 = findGroups(parsed, 'v6-network', v6TwinName(r.name));
    if (v6.length > 0) twins.add(r.name);
    const hosts = new Set(v4.flatMap((g) => g.maskHosts));
    if (hosts.size > 0) maskHosts.set(r.name, hosts);
    // Each device group holds only its own family: an IPv6 line in the IPv4 group is already foreign.
    for (const g of [...v4, ...v6]) b.addList(g.members);
    const foreign = new Set([
      ...v4.flatMap((g) => g.foreign),
      ...v6.flatMap((g) => g.foreign).map((l) => `${v6TwinName(r.name)}: ${l}`),
    ]);
    const usedBy = new Set([...(users.get(r.name) ?? []), ...(users.get(v6TwinName(r.name)) ?? [])]);
    groups.push({
      name: r.name,
      role: r.role,
      exists: v4.length > 0 || v6.length > 0,
      members: b.build(),
      foreign: [...foreign],
      usedBy: [...usedBy].sort(),
    });
  }
  return { groups, facts: { v6TwinsPresent: twins, maskHosts } };
}

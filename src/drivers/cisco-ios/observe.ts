// Folds parsed IOS object-groups back into tscm's logical groups (pure): NAME (IPv4 `network` group) plus its
// twin NAME-v6 (`v6-network`) become one ObservedGroup. Names match exactly (`| section FOO` also shows FOO2).

import { PrefixListBuilder } from '../../cidr/index.js';
import { fingerprintObserved } from '../../plan/fingerprint.js';
import type { ObservedDevice, ObservedGroup } from '../../plan/model.js';
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

function findGroup(parsed: IosObjectGroups, kind: IosGroup['kind'], name: string): IosGroup | undefined {
  return parsed.groups.find((g) => g.kind === kind && g.name === name);
}

export function foldObservedGroups(
  parsed: IosObjectGroups,
  requested: readonly RequestedGroup[],
): { device: ObservedDevice; facts: IosDeviceFacts } {
  const b = new PrefixListBuilder();
  const groups: ObservedGroup[] = [];
  const twins = new Set<string>();
  const maskHosts = new Map<string, ReadonlySet<number>>();
  for (const r of requested) {
    const v4 = findGroup(parsed, 'network', r.name);
    const v6 = findGroup(parsed, 'v6-network', v6TwinName(r.name));
    if (v6 !== undefined) twins.add(r.name);
    if (v4 !== undefined && v4.maskHosts.length > 0) maskHosts.set(r.name, new Set(v4.maskHosts));
    // Only the family each device group holds: an IPv6 line in the IPv4 group is already foreign.
    if (v4 !== undefined) {
      const { addr, len } = v4.members.v4;
      for (let i = 0; i < len.length; i++) b.addV4(addr[i] ?? 0, len[i] ?? 0);
    }
    if (v6 !== undefined) {
      const { words, len } = v6.members.v6;
      for (let i = 0; i < len.length; i++) {
        b.addV6(words[4 * i] ?? 0, words[4 * i + 1] ?? 0, words[4 * i + 2] ?? 0, words[4 * i + 3] ?? 0, len[i] ?? 0);
      }
    }
    const usedBy = new Set([...(parsed.usedBy.get(r.name) ?? []), ...(parsed.usedBy.get(v6TwinName(r.name)) ?? [])]);
    groups.push({
      name: r.name,
      role: r.role,
      exists: v4 !== undefined || v6 !== undefined,
      members: b.build(),
      foreign: [...(v4?.foreign ?? []), ...(v6?.foreign ?? []).map((l) => `${v6TwinName(r.name)}: ${l}`)],
      usedBy: [...usedBy].sort(),
    });
  }
  return {
    device: { groups, fingerprint: fingerprintObserved(groups) },
    facts: { v6TwinsPresent: twins, maskHosts },
  };
}

// The rules of object-group changes (spec §2, §6 rows 13-15), shared by the CLI (config-commands.ts) and the REST
// front end (../asa-rest): each edit either changes the model and returns undefined, or changes nothing and returns
// the ASA's words.

import type { AsaConfig } from './config-model.js';
import { messages } from './messages.js';
import type { NetworkGroup } from './object-group.js';

/** `object-group network NAME`: the group, created when new; the ASA's words when the name has another type. */
export function openGroup(config: AsaConfig, name: string): NetworkGroup | string {
  const other = config.objectGroupBlocks((kind, group) => group === name && kind !== 'network', false);
  if (other.length > 0) return messages.otherType(name);
  return config.groups.get(name) ?? config.createGroup(name);
}

/** `no object-group network NAME`. */
export function removeGroup(config: AsaConfig, name: string): string | undefined {
  if (!config.groups.has(name)) return messages.groupAbsent(name);
  if (config.userOf(name) !== undefined) return messages.groupInUse(name);
  config.deleteGroup(name);
  return undefined;
}

/** `network-object ...` (parsed by members.ts); `elementLimit` is the unit's fault, if any. */
export function addNetworkObject(
  config: AsaConfig,
  group: NetworkGroup,
  member: { readonly key: string; readonly line: string },
  elementLimit: number | undefined,
): string | undefined {
  if (group.hasMember(member.key)) return messages.duplicate(member.line.slice('network-object '.length), group.name);
  if (elementLimit !== undefined && config.totalMembers() >= elementLimit) return messages.elementLimit();
  group.addMember(member.key, member.line);
  return undefined;
}

/** `no network-object ...`: a group in use may not become empty. */
export function removeNetworkObject(
  config: AsaConfig,
  group: NetworkGroup,
  member: { readonly key: string; readonly line: string },
): string | undefined {
  if (!group.hasMember(member.key)) return messages.absent();
  if (group.isEmptyWithout(`m:${member.key}`) && config.userOf(group.name) !== undefined) {
    return messages.lastInUse(member.line.slice('network-object '.length), group.name);
  }
  group.removeMember(member.key);
  return undefined;
}

/** Would nesting `target` under a group `from` reaches make a loop? */
function reaches(config: AsaConfig, from: string, target: string, seen = new Set<string>()): boolean {
  if (from === target) return true;
  if (seen.has(from)) return false;
  seen.add(from);
  return (config.groups.get(from)?.children() ?? []).some((child) => reaches(config, child, target, seen));
}

/** `group-object CHILD`. */
export function addGroupObject(config: AsaConfig, parent: NetworkGroup, child: string): string | undefined {
  if (!config.groups.has(child)) return messages.groupNotFound(child);
  if (reaches(config, child, parent.name)) return messages.loop(parent.name);
  if (parent.hasChild(child)) return messages.duplicate(child, parent.name);
  parent.addChild(child);
  return undefined;
}

/** `no group-object CHILD`. */
export function removeGroupObject(config: AsaConfig, parent: NetworkGroup, child: string): string | undefined {
  if (!parent.hasChild(child)) return messages.absent();
  if (parent.isEmptyWithout(`g:${child}`) && config.userOf(parent.name) !== undefined) {
    return messages.lastInUse(child, parent.name);
  }
  parent.removeChild(child);
  return undefined;
}

// Boots the emulator from a running-config text: headers are dropped, object groups and named IP ACLs are parsed
// into the model, everything else (interfaces, banners, service object groups, ...) is kept verbatim in order.

import { IosConfig } from './config-model.js';
import type { AccessList } from './config-model.js';
import { createGroup, normaliseV4Member, normaliseV6Member } from './object-groups.js';
import type { ObjectGroup } from './object-groups.js';

const PREAMBLE =
  /^(Building configuration\.\.\.|Current configuration\s*:|Using \d+ out of \d+ bytes|! Last configuration change|! NVRAM config last updated)/;

export function parseRunningConfig(text: string): IosConfig {
  const config = new IosConfig();
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let i = 0;
  // Leading header lines and blank lines are what `show running-config` adds around the config itself.
  while (i < lines.length && (PREAMBLE.test(lines[i] ?? '') || (lines[i] ?? '').trim() === '')) i++;
  let afterManaged = false;
  while (i < lines.length) {
    const line = (lines[i] ?? '').trimEnd();
    i++;
    if (line === 'end') break;
    if (line === '') continue;
    if (line === '!' || line.startsWith('! ')) {
      // A managed block renders its own separator; keep the boot file's other `!` lines as they were.
      if (!afterManaged) config.blocks.push({ kind: 'text', lines: [line] });
      continue;
    }
    afterManaged = false;
    const children: string[] = [];
    const banner = /^banner \S+ (\^C|\S)/.exec(line);
    if (banner) {
      // Banner bodies are free text up to the closing delimiter, possibly at column 0.
      const delimiter = banner[1] as string;
      const rest = line.slice(banner[0].length);
      if (!rest.includes(delimiter)) {
        while (i < lines.length) {
          const body = lines[i] ?? '';
          i++;
          children.push(body);
          if (body.includes(delimiter)) break;
        }
      }
      config.blocks.push({ kind: 'text', lines: [line, ...children] });
      continue;
    }
    while (i < lines.length && /^\s/.test(lines[i] ?? '')) {
      children.push((lines[i] ?? '').trimEnd());
      i++;
    }
    const group = /^object-group (network|v6-network) (\S+)$/.exec(line);
    if (group) {
      addGroup(config, createGroup(group[2] as string, group[1] as 'network' | 'v6-network'), children);
      afterManaged = true;
      continue;
    }
    const acl = /^ip access-list (extended|standard) (\S+)$/.exec(line);
    if (acl) {
      addAcl(config, { name: acl[2] as string, type: acl[1] as 'extended' | 'standard', entries: [] }, children);
      afterManaged = true;
      continue;
    }
    config.blocks.push({ kind: 'text', lines: [line, ...children] });
  }
  if (!config.blocks.some((b) => b.kind === 'acls')) config.insertBeforeTail({ kind: 'acls' });
  if (!config.blocks.some((b) => b.kind === 'groups')) {
    const aclIndex = config.blocks.findIndex((b) => b.kind === 'acls');
    config.blocks.splice(aclIndex, 0, { kind: 'groups' });
  }
  return config;
}

function addGroup(config: IosConfig, group: ObjectGroup, children: readonly string[]): void {
  if (!config.blocks.some((b) => b.kind === 'groups')) config.blocks.push({ kind: 'groups' });
  const existing = config.groups.get(group.name);
  const target = existing ?? group;
  if (!existing) config.groups.set(group.name, group);
  for (const child of children) {
    const text = child.trim();
    if (text.startsWith('description ')) {
      target.description = text.slice('description '.length);
      continue;
    }
    if (text.startsWith('group-object ')) {
      target.members.add(text);
      continue;
    }
    const words = text.split(/\s+/);
    const member = target.kind === 'network' ? normaliseV4Member(words) : normaliseV6Member(words);
    // A boot config line we cannot normalise is kept as printed rather than silently lost.
    target.members.add(member.ok ? member.line : text);
  }
}

function addAcl(config: IosConfig, acl: AccessList, children: readonly string[]): void {
  if (!config.blocks.some((b) => b.kind === 'acls')) config.blocks.push({ kind: 'acls' });
  const target = config.acls.get(acl.name) ?? acl;
  config.acls.set(acl.name, target);
  for (const child of children) {
    const text = child.trim().replace(/\s+/g, ' ');
    const numbered = /^(\d+) (.*)$/.exec(text);
    const last = target.entries[target.entries.length - 1];
    const seq = numbered ? Number(numbered[1]) : (last?.seq ?? 0) + 10;
    target.entries.push({ seq, text: numbered ? (numbered[2] as string) : text });
  }
}

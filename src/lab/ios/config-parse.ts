// Boots the emulator from a running-config text. The header `show running-config` prints before the config is
// dropped; every other line up to `end` is kept verbatim, in order. Network object groups and named IP ACLs are
// also read into the model (a repeated header adds to the same group or list).

import { IosConfig } from './config-model.js';
import type { Block } from './config-model.js';

const HEADER = /^(Building configuration\.\.\.|Current configuration\s*:|Using \d+ out of \d+ bytes)/;
const GROUP = /^object-group (network|v6-network) (\S+)$/;
const ACL = /^ip access-list (extended|standard) (\S+)$/;

export function parseRunningConfig(text: string): IosConfig {
  const config = new IosConfig();
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let i = 0;
  while (i < lines.length && (HEADER.test(lines[i] ?? '') || (lines[i] ?? '').trim() === '')) i++;
  while (i < lines.length) {
    const line = lines[i] as string;
    i++;
    const head = line.trimEnd();
    if (head === 'end') break;
    if (!/^\S/.test(line)) {
      // A blank line, or an indented line with no parent (` !` under `control-plane` on IOS-XE): kept as it is.
      config.blocks.push({ kind: 'text', lines: [line] });
      continue;
    }
    const children: string[] = [];
    const banner = /^banner \S+ (\^C|\S)/.exec(head);
    if (banner) {
      // Banner bodies are free text up to the closing delimiter, possibly at column 0.
      const delimiter = banner[1] as string;
      if (!head.slice(banner[0].length).includes(delimiter)) {
        while (i < lines.length) {
          const body = lines[i] as string;
          i++;
          children.push(body);
          if (body.includes(delimiter)) break;
        }
      }
      config.blocks.push({ kind: 'text', lines: [line, ...children] });
      continue;
    }
    while (i < lines.length && /^\s/.test(lines[i] ?? '')) children.push(lines[i++] as string);
    config.blocks.push(modelled(config, line, head, children) ?? { kind: 'text', lines: [line, ...children] });
  }
  return config;
}

/** The block of a network object group or named IP ACL, read into the model; undefined for anything else. */
function modelled(config: IosConfig, line: string, head: string, children: readonly string[]): Block | undefined {
  const group = GROUP.exec(head);
  if (group) {
    const [, kind, name] = group as unknown as [string, 'network' | 'v6-network', string];
    const known = config.groups.get(name);
    if ((known && known.kind !== kind) || (!known && config.verbatimGroupKind(name) !== undefined)) return undefined;
    const target = known ?? config.registerGroup(name, kind);
    const segment = target.addSegment(line);
    for (const child of children) target.bootLine(segment, child);
    return { kind: 'group', segment };
  }
  const acl = ACL.exec(head);
  if (acl) {
    const [, type, name] = acl as unknown as [string, 'extended' | 'standard', string];
    const known = config.acls.get(name);
    if (known && known.type !== type) return undefined;
    const target = known ?? config.registerAcl(name, type);
    const segment = target.addSegment(line);
    for (const child of children) target.bootLine(segment, child);
    return { kind: 'acl', segment };
  }
  return undefined;
}

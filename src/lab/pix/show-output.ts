// The text of the show commands, per variant (pure: config in, lines out).

import type { PixConfig } from './config-model.js';
import { memberForm } from './members.js';
import type { PixVariant } from './types.js';

const GROUP_REF = /object-group\s+(\S+)/;

/** `show version`'s first line [S: ZipTie PIX 6.1 and FWSM 3.1 transcripts; PIX 7 wording I]. */
export function versionLines(variant: PixVariant, config: PixConfig, hostname: string): string[] {
  const line = config.renderLines().find((l) => /^(PIX|FWSM) Version /.test(l)) ?? '';
  const version = line.replace(/^(PIX|FWSM) Version /, '');
  const title =
    variant === 'pix6'
      ? `Cisco PIX Firewall Version ${version}`
      : variant === 'pix7'
        ? `Cisco PIX Security Appliance Software Version ${version}`
        : `FWSM Firewall Version ${version}`;
  return [title, '', `${hostname} up 40 days 23 hours`];
}

/**
 * Object groups in config form (`show running-config object-group`); `show object-group` prints the description
 * as ` description: TEXT` [S: cisco-protocol.md §7, ASA; I for PIX/FWSM].
 */
export function groupLines(config: PixConfig, name?: string, showForm = false): string[] {
  const out: string[] = [];
  for (const group of config.groups.values()) if (name === undefined || group.name === name) group.render(out);
  return showForm ? out.map((l) => l.replace(/^(\s+)description /, '$1description: ')) : out;
}

/** An ACL line with its object groups expanded, one line per combination (as `show access-list` prints them). */
function expand(config: PixConfig, text: string): string[] {
  const match = GROUP_REF.exec(text);
  const group = match ? config.groups.get(match[1] as string) : undefined;
  if (!match || !group) return [text];
  const out: string[] = [];
  const before = text.slice(0, match.index);
  const after = text.slice(match.index + match[0].length);
  for (const key of group.memberKeys()) {
    for (const rest of expand(config, after)) out.push(`${before}${memberForm(key)}${rest}`);
  }
  return out;
}

/**
 * FWSM `show np 3 acl count`: the rule counts, then the maximum of each [S: a Cisco engineer's quote, see
 * src/drivers/cisco-pix/testdata/real-cisco-community-fwsm-np-acl-count]. The ACL figures are the emulator's (its
 * expanded ACEs, its limit); the other rule types are printed as that module had them [I]. No blank lines between
 * the lines (the forum page shows one after each, its rendering) [I].
 */
export function npAclCountLines(aclRules: number, aclMax: number): string[] {
  return [
    '-------------- CLS Rule Current Counts --------------',
    'CLS Filter Rule Count : 0',
    'CLS Fixup Rule Count : 11',
    'CLS Est Ctl Rule Count : 0',
    'CLS AAA Rule Count : 0',
    'CLS Est Data Rule Count : 0',
    'CLS Console Rule Count : 7',
    'CLS Policy NAT Rule Count : 0',
    `CLS ACL Rule Count : ${aclRules}`,
    'CLS ACL Uncommitted Add : 0',
    'CLS ACL Uncommitted Del : 0',
    '---------------- CLS Rule MAX Counts ----------------',
    'CLS Filter MAX : 3584',
    'CLS Fixup MAX : 32',
    'CLS Est Ctl Rule MAX : 716',
    'CLS Est Data Rule MAX : 716',
    'CLS AAA Rule MAX : 5017',
    'CLS Console Rule MAX : 2150',
    'CLS Policy NAT Rule MAX : 3584',
    `CLS ACL Rule MAX : ${aclMax}`,
  ];
}

/**
 * `show access-list [NAME]`. PIX 6: each line with ` (hitcnt=0) ` [S: ZipTie PIX 6.1]; PIX 7/FWSM: the header, per
 * list `; N elements`, each line numbered, then its expansion with `(hitcnt=0)` [S: ZipTie FWSM 3.1].
 */
export function accessListLines(variant: PixVariant, config: PixConfig, name?: string): string[] {
  const lines = config.aclLines().filter((l) => name === undefined || l.split(/\s+/)[1] === name);
  if (variant === 'pix6') return lines.map((l) => `${l.trimEnd()} (hitcnt=0) `);
  const out: string[] = [];
  if (variant === 'fwsm3') out.push('access-list mode auto-commit');
  out.push(
    'access-list cached ACL log flows: total 0, denied 0 (deny-flow-max 4096)',
    '            alert-interval 300',
  );
  const lists = new Map<string, string[]>();
  for (const line of lines) {
    const list = line.split(/\s+/)[1] as string;
    lists.set(list, [...(lists.get(list) ?? []), line.trim().split(/\s+/).slice(2).join(' ')]);
  }
  for (const [list, entries] of lists) {
    const body: string[] = [];
    let elements = 0;
    entries.forEach((entry, i) => {
      const prefix = `access-list ${list} line ${i + 1} `;
      const expanded = expand(config, entry);
      elements += expanded.length;
      if (expanded.length > 1 || expanded[0] !== entry) body.push(prefix + entry);
      for (const e of expanded) body.push(`${prefix}${e} (hitcnt=0)`);
    });
    out.push(`access-list ${list}; ${elements} elements`, ...body);
  }
  return out;
}

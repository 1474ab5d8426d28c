// The emulated device's running configuration: verbatim top-level blocks in their original order, plus the parts
// the emulator understands (hostname, service compress-config, network object groups, named IP ACLs), which
// render at the position where the boot config had them.

import { renderGroupConfig } from './object-groups.js';
import type { ObjectGroup } from './object-groups.js';

export type Block =
  { readonly kind: 'text'; readonly lines: string[] } | { readonly kind: 'groups' } | { readonly kind: 'acls' };

export interface AclEntry {
  readonly seq: number;
  readonly text: string;
}

export interface AccessList {
  readonly name: string;
  readonly type: 'extended' | 'standard';
  readonly entries: AclEntry[];
}

const GROUP_REFERENCE = /(?:^|\s)(?:object-group|group-object)\s+(\S+)/g;

export class IosConfig {
  readonly blocks: Block[] = [];
  readonly groups = new Map<string, ObjectGroup>();
  readonly acls = new Map<string, AccessList>();

  get hostname(): string | undefined {
    const block = this.findTextBlock(/^hostname /);
    return block?.lines[0]?.slice('hostname '.length).trim();
  }

  setHostname(name: string): void {
    this.setTopLevelLine(/^hostname /, `hostname ${name}`, /^(service |version |no service )/);
  }

  get compressConfig(): boolean {
    return this.findTextBlock(/^service compress-config$/) !== undefined;
  }

  setCompressConfig(on: boolean): void {
    if (on) this.setTopLevelLine(/^service compress-config$/, 'service compress-config', /^(service |no service )/);
    else this.removeTopLevelLine('service compress-config');
  }

  /** Sets a top-level line, replacing the one matching `same`, else adding it after the last match of `after`. */
  setTopLevelLine(same: RegExp, line: string, after?: RegExp): void {
    const existing = this.findTextBlock(same);
    if (existing) existing.lines.splice(0, existing.lines.length, line);
    else this.addTopLevelLine(line, after);
  }

  hasTopLevelLine(line: string): boolean {
    return this.blocks.some((b) => b.kind === 'text' && b.lines[0] === line);
  }

  /** Adds a top-level line after the last line matching `after`, else before the config's tail. */
  addTopLevelLine(line: string, after?: RegExp): void {
    let index = -1;
    if (after) {
      this.blocks.forEach((block, i) => {
        if (block.kind === 'text' && after.test(block.lines[0] ?? '')) index = i;
      });
    }
    const block: Block = { kind: 'text', lines: [line] };
    if (index >= 0) this.blocks.splice(index + 1, 0, block);
    else this.insertBeforeTail(block);
  }

  /** Removes the top-level line equal to `line`; true when there was one. */
  removeTopLevelLine(line: string): boolean {
    const index = this.blocks.findIndex((b) => b.kind === 'text' && b.lines.length === 1 && b.lines[0] === line);
    if (index < 0) return false;
    this.blocks.splice(index, 1);
    return true;
  }

  /** Inserts before the trailing blocks every IOS config ends with (control-plane, banners, lines). */
  insertBeforeTail(block: Block): void {
    const index = this.blocks.findIndex(
      (b) => b.kind === 'text' && /^(control-plane|banner |line |scheduler |ntp |end$)/.test(b.lines[0] ?? ''),
    );
    if (index < 0) this.blocks.push(block);
    else this.blocks.splice(index, 0, block);
  }

  private findTextBlock(re: RegExp): { lines: string[] } | undefined {
    for (const block of this.blocks) if (block.kind === 'text' && re.test(block.lines[0] ?? '')) return block;
    return undefined;
  }

  /** Names of groups referenced by ACL entries (named or numbered) or nested in another group, with the referrer. */
  groupReferences(): Map<string, string> {
    const refs = new Map<string, string>();
    const scan = (text: string, by: string): void => {
      for (const m of text.matchAll(GROUP_REFERENCE)) if (!refs.has(m[1] as string)) refs.set(m[1] as string, by);
    };
    for (const acl of this.acls.values()) for (const entry of acl.entries) scan(entry.text, `access-list ${acl.name}`);
    for (const block of this.blocks) {
      if (block.kind !== 'text') continue;
      const head = block.lines[0] ?? '';
      if (/^(ip|ipv6) access-list |^access-list /.test(head)) for (const l of block.lines) scan(l, head);
    }
    for (const group of this.groups.values()) {
      for (const member of group.members) {
        if (member.startsWith('group-object ')) scan(member, `object-group ${group.name}`);
      }
    }
    return refs;
  }

  /** The config body as `show running-config` prints it after its header, ending with `end`. */
  renderLines(): string[] {
    const out: string[] = [];
    for (const block of this.blocks) {
      if (block.kind === 'text') out.push(...block.lines);
      else if (block.kind === 'groups') {
        for (const group of this.groups.values()) {
          renderGroupConfig(group, out);
          out.push('!');
        }
      } else if (this.acls.size > 0) {
        for (const acl of this.acls.values()) {
          out.push(`ip access-list ${acl.type} ${acl.name}`);
          for (const entry of acl.entries) out.push(` ${entry.seq} ${entry.text}`);
        }
        out.push('!');
      }
    }
    out.push('end');
    return out;
  }
}

/** Adds an entry to a named ACL the way IOS numbers them: given seq, or last + 10. */
export function addAclEntry(acl: AccessList, text: string, seq?: number): 'ok' | 'duplicate-seq' | 'duplicate' {
  if (acl.entries.some((e) => e.text === text)) return 'duplicate';
  const last = acl.entries[acl.entries.length - 1];
  const number = seq ?? (last ? Math.floor(last.seq / 10) * 10 + 10 : 10);
  if (acl.entries.some((e) => e.seq === number)) return 'duplicate-seq';
  acl.entries.push({ seq: number, text });
  acl.entries.sort((a, b) => a.seq - b.seq);
  return 'ok';
}

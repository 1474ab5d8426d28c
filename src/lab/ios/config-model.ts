// The emulated device's running configuration: the top-level blocks in their order, each keeping its lines as booted
// (`!` lines, blank lines, trailing spaces, spacing inside lines, lines we have no model for). Network object groups
// and named IP ACLs are also modelled so that commands can change them; only what a command changes is rendered
// anew, at the place IOS would print it.

import { AccessList } from './access-list.js';
import type { AclSegment, AclType } from './access-list.js';
import { ObjectGroup } from './object-group.js';
import type { GroupKind, GroupSegment } from './object-group.js';

export type Block =
  | { readonly kind: 'text'; readonly lines: string[] }
  | { readonly kind: 'group'; readonly segment: GroupSegment }
  | { readonly kind: 'acl'; readonly segment: AclSegment };

const GROUP_REFERENCE = /(?:^|\s)(?:object-group|group-object)\s+(\S+)/g;
/** The trailing blocks every IOS config ends with; new top-level lines go before them. */
const TAIL = /^(control-plane|banner |line |scheduler |ntp |end$)/;

/** A block's first line without trailing spaces ('' for group and ACL blocks). */
function head(block: Block | undefined): string {
  return block?.kind === 'text' ? (block.lines[0] ?? '').trimEnd() : '';
}

const isBang = (block: Block | undefined): boolean =>
  block?.kind === 'text' && block.lines.length === 1 && head(block) === '!';

export class IosConfig {
  readonly blocks: Block[] = [];
  readonly groups = new Map<string, ObjectGroup>();
  readonly acls = new Map<string, AccessList>();

  get hostname(): string | undefined {
    return this.findTextBlock(/^hostname\s/)
      ?.lines[0]?.trim()
      .slice('hostname'.length)
      .trim();
  }

  setHostname(name: string): void {
    this.setTopLevelLine(/^hostname\s/, `hostname ${name}`, /^(service |version |no service )/);
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
    return this.blocks.some((b) => head(b) === line);
  }

  /** Adds a top-level line after the last line matching `after`, else before the config's tail. */
  addTopLevelLine(line: string, after?: RegExp): void {
    const block: Block = { kind: 'text', lines: [line] };
    const index = after ? this.lastIndex((b) => after.test(head(b))) : -1;
    if (index >= 0) this.blocks.splice(index + 1, 0, block);
    else this.insertBeforeTail(block);
  }

  /** Removes the one-line top-level block equal to `line`; true when there was one. */
  removeTopLevelLine(line: string): boolean {
    const index = this.blocks.findIndex((b) => b.kind === 'text' && b.lines.length === 1 && head(b) === line);
    if (index < 0) return false;
    this.blocks.splice(index, 1);
    return true;
  }

  insertBeforeTail(...blocks: Block[]): void {
    const index = this.blocks.findIndex((b) => TAIL.test(head(b)));
    this.blocks.splice(index < 0 ? this.blocks.length : index, 0, ...blocks);
  }

  private findTextBlock(re: RegExp): { lines: string[] } | undefined {
    for (const block of this.blocks) if (block.kind === 'text' && re.test(head(block))) return block;
    return undefined;
  }

  private lastIndex(test: (block: Block) => boolean): number {
    for (let i = this.blocks.length - 1; i >= 0; i--) if (test(this.blocks[i] as Block)) return i;
    return -1;
  }

  /** The kind of a group kept only as text (`object-group service NAME`, ...), if one has that name. */
  verbatimGroupKind(name: string): string | undefined {
    for (const block of this.blocks) {
      const match = /^object-group (\S+) (\S+)$/.exec(head(block));
      if (match && match[2] === name) return match[1];
    }
    return undefined;
  }

  /** A group whose blocks the caller places (the boot parser). */
  registerGroup(name: string, kind: GroupKind): ObjectGroup {
    const group = new ObjectGroup(name, kind);
    this.groups.set(name, group);
    return group;
  }

  registerAcl(name: string, type: AclType): AccessList {
    const acl = new AccessList(name, type);
    this.acls.set(name, acl);
    return acl;
  }

  /**
   * A new group goes after the existing object-group blocks (with the `!` IOS prints after each group); with none,
   * before the first interface, else before the config's tail [I: where IOS 15 prints object groups].
   */
  createGroup(name: string, kind: GroupKind): ObjectGroup {
    const group = this.registerGroup(name, kind);
    const blocks: Block[] = [
      { kind: 'group', segment: group.addSegment() },
      { kind: 'text', lines: ['!'] },
    ];
    const last = this.lastIndex((b) => b.kind === 'group' || head(b).startsWith('object-group '));
    if (last >= 0) this.blocks.splice(isBang(this.blocks[last + 1]) ? last + 2 : last + 1, 0, ...blocks);
    else {
      const iface = this.blocks.findIndex((b) => head(b).startsWith('interface '));
      if (iface >= 0) this.blocks.splice(iface, 0, ...blocks);
      else this.insertBeforeTail(...blocks);
    }
    return group;
  }

  /** Removes every block of the group, each with the `!` printed after it. */
  deleteGroup(name: string): void {
    this.groups.delete(name);
    for (let i = this.blocks.length - 1; i >= 0; i--) {
      const block = this.blocks[i] as Block;
      if (block.kind !== 'group' || block.segment.group.name !== name) continue;
      this.blocks.splice(i, isBang(this.blocks[i + 1]) ? 2 : 1);
    }
  }

  /**
   * A new named ACL goes right after the existing named ACLs (IOS prints them back to back); with none, before the
   * numbered `access-list` lines, else before the config's tail, followed by a `!`.
   */
  createAcl(name: string, type: AclType): AccessList {
    const acl = this.registerAcl(name, type);
    const block: Block = { kind: 'acl', segment: acl.addSegment() };
    const last = this.lastIndex((b) => b.kind === 'acl' || /^ip access-list /.test(head(b)));
    if (last >= 0) {
      this.blocks.splice(last + 1, 0, block);
      return acl;
    }
    const bang: Block = { kind: 'text', lines: ['!'] };
    const numbered = this.blocks.findIndex((b) => /^access-list /.test(head(b)));
    if (numbered >= 0) this.blocks.splice(numbered, 0, block, bang);
    else this.insertBeforeTail(block, bang);
    return acl;
  }

  /** Removes every block of the ACL; a `!` left doubled by it goes too. */
  deleteAcl(name: string): void {
    this.acls.delete(name);
    for (let i = this.blocks.length - 1; i >= 0; i--) {
      const block = this.blocks[i] as Block;
      if (block.kind !== 'acl' || block.segment.acl.name !== name) continue;
      this.blocks.splice(i, 1);
      if (isBang(this.blocks[i - 1]) && isBang(this.blocks[i])) this.blocks.splice(i, 1);
    }
  }

  /** A numbered ACL line goes after its list's last line, else in number order among the others, else before the tail. */
  addNumberedAclLine(number: number, line: string): void {
    const numberOf = (b: Block): number | undefined => {
      const match = /^access-list\s+(\d+)\s/.exec(head(b));
      return match ? Number(match[1]) : undefined;
    };
    const block: Block = { kind: 'text', lines: [line] };
    const upTo = this.lastIndex((b) => {
      const n = numberOf(b);
      return n !== undefined && n <= number;
    });
    if (upTo >= 0) this.blocks.splice(upTo + 1, 0, block);
    else {
      const after = this.blocks.findIndex((b) => numberOf(b) !== undefined);
      if (after >= 0) this.blocks.splice(after, 0, block);
      else this.insertBeforeTail(block);
    }
  }

  removeNumberedAcl(number: number): void {
    const re = new RegExp(`^access-list\\s+${number}\\s`);
    for (let i = this.blocks.length - 1; i >= 0; i--) if (re.test(head(this.blocks[i]))) this.blocks.splice(i, 1);
  }

  /** The verbatim `access-list N ...` lines, in config order. */
  numberedAclLines(): string[] {
    return this.blocks.map(head).filter((line) => /^access-list\s+\d+\s/.test(line));
  }

  /** Names of groups referenced by ACL entries (named or numbered) or nested in another group, with the referrer. */
  groupReferences(): Map<string, string> {
    const refs = new Map<string, string>();
    const scan = (text: string, by: string): void => {
      for (const m of text.matchAll(GROUP_REFERENCE)) if (!refs.has(m[1] as string)) refs.set(m[1] as string, by);
    };
    for (const acl of this.acls.values())
      for (const entry of acl.entries()) scan(entry.text, `access-list ${acl.name}`);
    for (const block of this.blocks) {
      if (block.kind !== 'text') continue;
      const first = head(block);
      const numbered = /^access-list\s+(\d+)\s/.exec(first);
      if (numbered) scan(first.slice(numbered[0].length), `access-list ${numbered[1]}`);
      else if (/^(ip|ipv6) access-list /.test(first)) for (const l of block.lines.slice(1)) scan(l, first);
      else if (/^object-group /.test(first)) {
        for (const l of block.lines.slice(1))
          scan(
            l,
            first
              .split(/\s+/)
              .filter((_, i) => i !== 1)
              .join(' '),
          );
      }
    }
    for (const group of this.groups.values()) {
      for (const child of group.nested()) if (!refs.has(child)) refs.set(child, `object-group ${group.name}`);
    }
    return refs;
  }

  /** The config body as `show running-config` prints it after its header, ending with `end`. */
  renderLines(): string[] {
    const out: string[] = [];
    for (const block of this.blocks) {
      if (block.kind === 'text') out.push(...block.lines);
      else if (block.kind === 'group') block.segment.group.renderSegment(block.segment, out);
      else block.segment.acl.renderSegment(block.segment, out);
    }
    out.push('end');
    return out;
  }
}

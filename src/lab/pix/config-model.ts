// The emulated firewall's configuration: the boot text's lines in order, kept verbatim (`: Saved`, `!`, trailing
// spaces, every command we have no model for), with `object-group network` blocks read into NetworkGroup so that
// commands can change them. Only what a command changes is rendered anew; an unchanged config prints back byte for
// byte, its `Cryptochecksum:` line included (recomputed once anything changed [I: an MD5 of the body]).

import { createHash } from 'node:crypto';
import { NetworkGroup } from './object-group.js';

export type Block =
  { readonly kind: 'text'; readonly lines: string[] } | { readonly kind: 'group'; readonly group: NetworkGroup };

const CHECKSUM = /^Cryptochecksum:/;
const GROUP_HEADER = /^object-group network (\S+)\s*$/;
const OTHER_GROUP = /^object-group (\S+) (\S+)/;
const OBJECT_GROUP_REF = /(?:^|\s)object-group\s+(\S+)/g;

const head = (block: Block | undefined): string =>
  block?.kind === 'text' ? (block.lines[0] ?? '').trimEnd() : block?.kind === 'group' ? block.group.header : '';

export class PixConfig {
  readonly blocks: Block[] = [];
  readonly groups = new Map<string, NetworkGroup>();
  /** Names of object groups of other kinds (service, protocol, icmp-type): one namespace with network groups. */
  readonly otherGroups = new Map<string, string>();
  private dirty = false;

  constructor(readonly defaultIndent: string) {}

  /** Marks the config changed: `Cryptochecksum:` is recomputed from now on. */
  touch(): void {
    this.dirty = true;
  }

  get hostname(): string | undefined {
    const line = this.findLine(/^hostname\s/);
    return line?.trim().split(/\s+/)[1];
  }

  setHostname(name: string): void {
    this.setLine(/^hostname\s/, `hostname ${name}`, /^(PIX|FWSM) Version /);
  }

  /** The `pager lines N` / `no pager` setting: the page length new sessions start with (0: no paging). */
  get pagerLines(): number {
    const line = this.findLine(/^(pager lines \d+|no pager)\s*$/)?.trim();
    if (line === undefined) return 24;
    return line === 'no pager' ? 0 : Number(line.split(' ')[2]);
  }

  setPager(lines: number): void {
    this.setLine(/^(pager lines \d+|no pager|pager)\s*$/, lines === 0 ? 'no pager' : `pager lines ${lines}`);
  }

  private findLine(re: RegExp): string | undefined {
    for (const b of this.blocks) if (b.kind === 'text' && re.test(b.lines[0] ?? '')) return b.lines[0];
    return undefined;
  }

  /** Replaces the top-level line matching `same` in place, else adds it after `after` (else before the tail). */
  private setLine(same: RegExp, line: string, after?: RegExp): void {
    this.touch();
    const block = this.blocks.find((b) => b.kind === 'text' && same.test(b.lines[0] ?? ''));
    if (block?.kind === 'text') {
      block.lines.splice(0, block.lines.length, line);
      return;
    }
    const at = after ? this.blocks.findIndex((b) => after.test(head(b))) : -1;
    if (at >= 0) this.blocks.splice(at + 1, 0, { kind: 'text', lines: [line] });
    else this.insertBeforeTail({ kind: 'text', lines: [line] });
  }

  private insertBeforeTail(block: Block): void {
    const tail = this.blocks.findIndex((b) => CHECKSUM.test(head(b)) || head(b) === ': end');
    this.blocks.splice(tail < 0 ? this.blocks.length : tail, 0, block);
  }

  private lastIndex(test: (b: Block) => boolean): number {
    for (let i = this.blocks.length - 1; i >= 0; i--) if (test(this.blocks[i] as Block)) return i;
    return -1;
  }

  /** Used by the boot parser: a group block in boot order. */
  bootGroup(header: string, name: string, indent: string): NetworkGroup {
    const group = new NetworkGroup(name, header, indent);
    this.groups.set(name, group);
    this.blocks.push({ kind: 'group', group });
    return group;
  }

  /** A new group goes after the last object group of any kind; with none, before the first access-list [I]. */
  createGroup(name: string): NetworkGroup {
    this.touch();
    const group = new NetworkGroup(name, `object-group network ${name}`, this.defaultIndent);
    this.groups.set(name, group);
    const block: Block = { kind: 'group', group };
    const last = this.lastIndex((b) => b.kind === 'group' || head(b).startsWith('object-group '));
    const acl = this.blocks.findIndex((b) => head(b).startsWith('access-list '));
    const pager = this.blocks.findIndex((b) => /^(pager|no pager)/.test(head(b)));
    if (last >= 0) this.blocks.splice(last + 1, 0, block);
    else if (acl >= 0) this.blocks.splice(acl, 0, block);
    else if (pager >= 0) this.blocks.splice(pager, 0, block);
    else this.insertBeforeTail(block);
    return group;
  }

  deleteGroup(name: string): void {
    this.touch();
    this.groups.delete(name);
    const index = this.blocks.findIndex((b) => b.kind === 'group' && b.group.name === name);
    if (index >= 0) this.blocks.splice(index, 1);
  }

  /** The access-list lines (text, whitespace as booted), in config order. */
  aclLines(): string[] {
    return this.blocks.map(head).filter((line) => line.startsWith('access-list '));
  }

  /** Adds an ACL line after the last line of its list, else after the last access-list, else before `pager`. */
  addAclLine(line: string): boolean {
    const collapse = (s: string): string => s.trim().split(/\s+/).join(' ');
    if (this.aclLines().some((l) => collapse(l) === collapse(line))) return false;
    this.touch();
    const name = line.split(/\s+/)[1];
    const block: Block = { kind: 'text', lines: [line] };
    const same = this.lastIndex((b) => head(b).split(/\s+/)[0] === 'access-list' && head(b).split(/\s+/)[1] === name);
    const any = this.lastIndex((b) => head(b).startsWith('access-list '));
    const pager = this.blocks.findIndex((b) => /^(pager|no pager)/.test(head(b)));
    const at = same >= 0 ? same : any;
    if (at >= 0) this.blocks.splice(at + 1, 0, block);
    else if (pager >= 0) this.blocks.splice(pager, 0, block);
    else this.insertBeforeTail(block);
    return true;
  }

  /** Removes the ACL line equal to `line` (whitespace collapsed); true when there was one. */
  removeAclLine(line: string): boolean {
    const collapse = (s: string): string => s.trim().split(/\s+/).join(' ');
    const index = this.blocks.findIndex((b) => b.kind === 'text' && collapse(head(b)) === collapse(line));
    if (index < 0 || !head(this.blocks[index]).startsWith('access-list ')) return false;
    this.touch();
    this.blocks.splice(index, 1);
    return true;
  }

  /** What uses a group: `access-list NAME` or `object-group NAME` (nesting), else undefined. */
  userOf(name: string): string | undefined {
    for (const line of this.aclLines())
      for (const m of line.matchAll(OBJECT_GROUP_REF)) if (m[1] === name) return `access-list ${line.split(/\s+/)[1]}`;
    for (const group of this.groups.values())
      for (const child of group.nested()) if (child === name) return `object-group ${group.name}`;
    return undefined;
  }

  /**
   * The access-list elements (expanded ACEs) as `show access-list` counts them: each line counts the product of the
   * sizes of the network groups it names (1 for a plain address) [S: FWSM guide: the limit applies to expanded ACLs].
   */
  elements(): number {
    let total = 0;
    for (const line of this.aclLines()) {
      if (/^access-list \S+ (remark|compiled|deny-flow-max|alert-interval)\b/.test(line)) continue;
      let product = 1;
      for (const m of line.matchAll(OBJECT_GROUP_REF))
        product *= Math.max(1, this.groups.get(m[1] as string)?.size ?? 1);
      total += product;
    }
    return total;
  }

  /** The config as `show running-config` / `write terminal` print it (the boot text's own header and `: end`). */
  renderLines(): string[] {
    const out: string[] = [];
    for (const block of this.blocks) {
      if (block.kind === 'group') block.group.render(out);
      else out.push(...block.lines);
    }
    if (!this.dirty) return out;
    const checksum = out.findIndex((l) => CHECKSUM.test(l));
    if (checksum >= 0) {
      const body = out.filter((l, i) => i !== checksum && !l.startsWith(':')).join('\n');
      out[checksum] = `Cryptochecksum:${createHash('md5').update(body).digest('hex')}`;
    }
    return out;
  }
}

/** Boots a config from text: every line kept; network groups (with their indented lines) modelled. */
export function parsePixConfig(text: string, defaultIndent: string): PixConfig {
  const config = new PixConfig(defaultIndent);
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    i++;
    const group = GROUP_HEADER.exec(line);
    if (group && !config.groups.has(group[1] as string)) {
      const children: string[] = [];
      while (i < lines.length && /^\s+\S/.test(lines[i] ?? '')) children.push(lines[i++] as string);
      const indent = /^\s+/.exec(children[0] ?? '')?.[0] ?? defaultIndent;
      const target = config.bootGroup(line, group[1] as string, indent);
      for (const child of children) target.bootLine(child);
      continue;
    }
    const other = OTHER_GROUP.exec(line);
    if (other && other[1] !== 'network') config.otherGroups.set(other[2] as string, other[1] as string);
    config.blocks.push({ kind: 'text', lines: [line] });
  }
  return config;
}

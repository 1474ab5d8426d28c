// The ASA running config: the boot text line by line, in order and byte for byte, with network object-groups read
// into a model (one block each). Access-lists, access-groups and everything else stay verbatim lines; commands add
// or remove whole lines where the ASA prints them [I: placement inferred from real configs' order].

import { NetworkGroup } from './object-group.js';

type Block =
  { readonly kind: 'text'; readonly line: string } | { readonly kind: 'group'; readonly group: NetworkGroup };

const GROUP_HEADER = /^object-group network (\S+)\s*$/;
const TAIL = /^(Cryptochecksum:|: end\s*$)/;

export class AsaConfig {
  private blocks: Block[] = [];
  readonly groups = new Map<string, NetworkGroup>();

  static parse(text: string): AsaConfig {
    const config = new AsaConfig();
    const lines = text.replace(/\r\n/g, '\n').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    let current: NetworkGroup | undefined;
    for (const line of lines) {
      if (current && line.startsWith(' ')) {
        current.bootLine(line);
        continue;
      }
      current = undefined;
      const header = GROUP_HEADER.exec(line);
      if (header && !config.groups.has(header[1] as string)) {
        current = new NetworkGroup(header[1] as string, line);
        config.groups.set(current.name, current);
        config.blocks.push({ kind: 'group', group: current });
      } else config.blocks.push({ kind: 'text', line });
    }
    // The ASA always ends `show running-config` with `: end`.
    if (!lines.some((l) => /^: end\s*$/.test(l))) config.blocks.push({ kind: 'text', line: ': end' });
    return config;
  }

  renderLines(): string[] {
    const out: string[] = [];
    for (const block of this.blocks) {
      if (block.kind === 'text') out.push(block.line);
      else block.group.render(out);
    }
    return out;
  }

  /** Top-level text lines (access-lists, access-groups, verbatim blocks), for show commands. */
  textLines(): string[] {
    const out: string[] = [];
    for (const block of this.blocks) if (block.kind === 'text') out.push(block.line);
    return out;
  }

  /** Every `object-group` block, modelled or verbatim, in config order. */
  objectGroupBlocks(filter: (kind: string, name: string) => boolean, show: boolean): string[] {
    const out: string[] = [];
    let verbatim = false;
    for (const block of this.blocks) {
      if (block.kind === 'group') {
        verbatim = false;
        if (filter('network', block.group.name)) {
          if (show) block.group.renderShow(out);
          else block.group.render(out);
        }
        continue;
      }
      const header = /^object-group (\S+) (\S+)/.exec(block.line);
      if (header) verbatim = filter(header[1] as string, header[2] as string);
      else if (!block.line.startsWith(' ')) verbatim = false;
      if (verbatim) out.push(block.line);
    }
    return out;
  }

  get hostname(): string | undefined {
    for (const block of this.blocks) {
      if (block.kind === 'text' && block.line.startsWith('hostname ')) return block.line.slice(9).trim();
    }
    return undefined;
  }

  setHostname(name: string): void {
    const index = this.blocks.findIndex((b) => b.kind === 'text' && b.line.startsWith('hostname '));
    if (index >= 0) this.blocks[index] = { kind: 'text', line: `hostname ${name}` };
    else this.blocks.splice(this.firstIndex(/^ASA Version /) + 1, 0, { kind: 'text', line: `hostname ${name}` });
  }

  /** The `ASA Version` of the config (for `show version`). */
  version(): string {
    for (const line of this.textLines()) {
      const match = /^(?:: )?ASA Version (\S+)/.exec(line);
      if (match) return match[1] as string;
    }
    return '9.16(3)19';
  }

  /** A new group goes after the last object-group block, else before the access-lists, else before the tail. */
  createGroup(name: string): NetworkGroup {
    const group = new NetworkGroup(name, `object-group network ${name}`);
    this.groups.set(name, group);
    let at = this.lastGroupEnd();
    if (at < 0) at = this.firstIndex(/^access-list /);
    if (at < 0) at = this.tailIndex();
    this.blocks.splice(at, 0, { kind: 'group', group });
    return group;
  }

  deleteGroup(name: string): void {
    const group = this.groups.get(name);
    if (!group) return;
    this.groups.delete(name);
    this.blocks = this.blocks.filter((b) => b.kind !== 'group' || b.group !== group);
  }

  /** What uses a group (spec §2: such a group cannot be removed or emptied), or undefined. */
  userOf(name: string): string | undefined {
    for (const block of this.blocks) {
      if (block.kind === 'group') {
        if (block.group.hasChild(name)) return `object-group ${block.group.name}`;
        continue;
      }
      if (block.line.startsWith(' ') || block.line.startsWith('object-group ')) continue;
      const words = block.line.trim().split(/\s+/);
      for (let i = 0; i < words.length - 1; i++) {
        if (words[i] === 'object-group' && words[i + 1] === name) return `${words[0]} ${words[1] ?? ''}`.trim();
      }
    }
    return undefined;
  }

  /** Bytes of `show running-config` (as renderLines().join('\n') + '\n'), without building the text. */
  byteSize(): number {
    let total = 0;
    for (const block of this.blocks) {
      total += block.kind === 'text' ? Buffer.byteLength(block.line) + 1 : block.group.byteSize();
    }
    return total;
  }

  totalMembers(): number {
    let total = 0;
    for (const group of this.groups.values()) total += group.memberCount();
    return total;
  }

  hasLine(line: string): boolean {
    const wanted = collapse(line);
    return this.blocks.some((b) => b.kind === 'text' && collapse(b.line) === wanted);
  }

  /** Adds a top-level line after the last line matching `after` (tried in order), else before the tail. */
  addLine(line: string, after: readonly RegExp[]): void {
    for (const pattern of after) {
      const index = this.lastIndex(pattern);
      if (index >= 0) {
        this.blocks.splice(index + 1, 0, { kind: 'text', line });
        return;
      }
    }
    const groups = this.lastGroupEnd();
    this.blocks.splice(groups >= 0 ? groups : this.tailIndex(), 0, { kind: 'text', line });
  }

  /** Removes the top-level line equal to `line` (whitespace collapsed); false when there is none. */
  removeLine(line: string): boolean {
    const wanted = collapse(line);
    const index = this.blocks.findIndex((b) => b.kind === 'text' && collapse(b.line) === wanted);
    if (index < 0) return false;
    this.blocks.splice(index, 1);
    return true;
  }

  private firstIndex(pattern: RegExp): number {
    return this.blocks.findIndex((b) => b.kind === 'text' && pattern.test(b.line));
  }

  private lastIndex(pattern: RegExp): number {
    for (let i = this.blocks.length - 1; i >= 0; i--) {
      const block = this.blocks[i] as Block;
      if (block.kind === 'text' && pattern.test(block.line)) return i;
    }
    return -1;
  }

  private tailIndex(): number {
    const index = this.firstIndex(TAIL);
    return index >= 0 ? index : this.blocks.length;
  }

  /** Index just after the last object-group block (modelled or verbatim with its indented lines); -1: none. */
  private lastGroupEnd(): number {
    let end = -1;
    let inGroup = false;
    this.blocks.forEach((block, i) => {
      if (block.kind === 'group') {
        inGroup = false;
        end = i + 1;
      } else if (block.line.startsWith('object-group ')) {
        inGroup = true;
        end = i + 1;
      } else if (inGroup && block.line.startsWith(' ')) end = i + 1;
      else inGroup = false;
    });
    return end;
  }
}

export function collapse(line: string): string {
  return line.trim().split(/\s+/).join(' ');
}

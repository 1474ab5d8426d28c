// A network object-group: its header line and its items in order (description, network-objects, group-objects,
// lines we keep verbatim). Booted lines keep their exact text; new items go at the end [I]. Items live in one
// ordered Map so that adding or removing one of 100,000 members costs O(1).

import { parseMember } from './members.js';

export class NetworkGroup {
  /** Item key -> the line as the running config prints it (with its leading space). */
  private readonly items = new Map<string, string>();
  private memberTotal = 0;
  private verbatim = 0;
  /** Bytes of the items' lines with their newlines, kept as they change (the REST OOM fault reads it per write). */
  private itemBytes = 0;

  constructor(
    readonly name: string,
    readonly header: string,
  ) {}

  /** Adds a booted line; its key comes from what it says, its text is kept byte for byte. */
  bootLine(line: string): void {
    const words = line.trim().split(/\s+/);
    const key = itemKey(words);
    if (key === undefined || this.items.has(key)) {
      this.put(`x:${this.verbatim++}`, line);
      return;
    }
    this.put(key, line);
    if (key.startsWith('m:')) this.memberTotal++;
  }

  hasMember(key: string): boolean {
    return this.items.has(`m:${key}`);
  }

  addMember(key: string, line: string): void {
    this.put(`m:${key}`, ` ${line}`);
    this.memberTotal++;
  }

  removeMember(key: string): void {
    if (this.drop(`m:${key}`)) this.memberTotal--;
  }

  hasChild(name: string): boolean {
    return this.items.has(`g:${name}`);
  }

  addChild(name: string): void {
    this.put(`g:${name}`, ` group-object ${name}`);
  }

  removeChild(name: string): void {
    this.drop(`g:${name}`);
  }

  children(): string[] {
    const out: string[] = [];
    for (const key of this.items.keys()) if (key.startsWith('g:')) out.push(key.slice(2));
    return out;
  }

  /** Set or replace the description; a new one goes first, as the ASA prints it [I]. */
  setDescription(text: string | undefined): void {
    if (text === undefined) {
      this.drop('d');
      return;
    }
    if (this.items.has('d')) {
      this.put('d', ` description ${text}`);
      return;
    }
    const rest = [...this.items];
    this.items.clear();
    this.items.set('d', ` description ${text}`);
    for (const [key, line] of rest) this.items.set(key, line);
    this.itemBytes += lineBytes(` description ${text}`);
  }

  description(): string | undefined {
    return this.items.get('d')?.trim().slice('description '.length);
  }

  /** The items as they are now, to put back when a multi-item change (a REST PATCH) is refused half way. */
  snapshot(): () => void {
    const items = [...this.items];
    const total = this.memberTotal;
    const bytes = this.itemBytes;
    return () => {
      this.items.clear();
      for (const [key, line] of items) this.items.set(key, line);
      this.memberTotal = total;
      this.itemBytes = bytes;
    };
  }

  /** Bytes this group adds to the running config (header and items, each with its newline). */
  byteSize(): number {
    return lineBytes(this.header) + this.itemBytes;
  }

  private put(key: string, line: string): void {
    const old = this.items.get(key);
    if (old !== undefined) this.itemBytes -= lineBytes(old);
    this.items.set(key, line);
    this.itemBytes += lineBytes(line);
  }

  private drop(key: string): boolean {
    const old = this.items.get(key);
    if (old === undefined) return false;
    this.itemBytes -= lineBytes(old);
    return this.items.delete(key);
  }

  /** Network-objects only (what the element limit counts). */
  memberCount(): number {
    return this.memberTotal;
  }

  /** True when neither a network-object nor a group-object is left (a description does not count). */
  isEmptyWithout(key: string): boolean {
    for (const item of this.items.keys()) {
      if (item !== key && (item.startsWith('m:') || item.startsWith('g:'))) return false;
    }
    return true;
  }

  /** Member and group-object lines without the indent (test convenience). */
  memberLines(): string[] {
    const out: string[] = [];
    for (const [key, line] of this.items) if (key.startsWith('m:') || key.startsWith('g:')) out.push(line.trim());
    return out;
  }

  render(out: string[]): void {
    out.push(this.header);
    for (const line of this.items.values()) out.push(line);
  }

  /** `show object-group`: the same lines, the description with a colon (spec §7). */
  renderShow(out: string[]): void {
    out.push(`object-group network ${this.name}`);
    for (const [key, line] of this.items) {
      out.push(key === 'd' ? ` description: ${line.trim().slice('description '.length)}` : line);
    }
  }
}

const lineBytes = (line: string): number => Buffer.byteLength(line) + 1;

function itemKey(words: readonly string[]): string | undefined {
  const [first, ...rest] = words;
  if (first === 'description') return 'd';
  if (first === 'group-object' && rest.length === 1) return `g:${rest[0]}`;
  if (first !== 'network-object') return undefined;
  const parsed = parseMember(rest);
  return parsed.ok ? `m:${parsed.key}` : undefined;
}

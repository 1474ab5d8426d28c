// A network or v6-network object group as the device keeps it. A boot config may write one group as several blocks
// (a repeated header, seen in a real router's config); the device holds one group with all their members, and we
// keep each block's lines verbatim so that `show running-config` prints the boot text back unchanged. Members are
// keyed by the form IOS prints (members.ts): an add or a `no` finds a member in O(blocks), whichever block holds it
// (a group has one block, rarely two: one Map per block, no second index, keeps 1M-member groups fast and small).

import { normaliseV4Member, normaliseV6Member } from './members.js';

export type GroupKind = 'network' | 'v6-network';

export interface GroupSegment {
  readonly group: ObjectGroup;
  /** The header line as booted (or rendered for a new group). */
  readonly header: string;
  /** Line key -> the line as booted; null: the line is ` KEY` (a member added over the CLI; saves memory). */
  lines: Map<string, string | null>;
}

/** Keys that are not member forms start with NUL, which no typed line can hold. */
const DESCRIPTION = '\u0000description';

/** The printed form of a member line, or undefined when it is not a member the emulator understands. */
function memberKey(kind: GroupKind, text: string): string | undefined {
  const words = text.trim().split(/\s+/);
  if (words[0] === '') return undefined;
  if (words[0] === 'group-object') return words.length === 2 ? `group-object ${words[1]}` : undefined;
  const result = kind === 'network' ? normaliseV4Member(words) : normaliseV6Member(words);
  return result.ok ? result.line : undefined;
}

export class ObjectGroup {
  readonly segments: GroupSegment[] = [];
  /** Further boot lines of a member already held (the key of each copy), removed along with it. */
  private readonly copies = new Map<string, { segment: GroupSegment; key: string }[]>();
  private privateKeys = 0;

  constructor(
    readonly name: string,
    readonly kind: GroupKind,
  ) {}

  addSegment(header = `object-group ${this.kind} ${this.name}`): GroupSegment {
    const segment: GroupSegment = { group: this, header, lines: new Map() };
    this.segments.push(segment);
    return segment;
  }

  /** One body line of a boot config, kept verbatim (trailing spaces, odd spacing, lines we have no model for). */
  bootLine(segment: GroupSegment, line: string): void {
    const text = line.trim();
    const key = /^description\s/.test(text) ? DESCRIPTION : memberKey(this.kind, text);
    if (key !== undefined && this.holder(key)) {
      const copy = this.privateKey();
      const list = this.copies.get(key) ?? [];
      list.push({ segment, key: copy });
      this.copies.set(key, list);
      segment.lines.set(copy, line);
      return;
    }
    segment.lines.set(key ?? this.privateKey(), line);
  }

  private privateKey(): string {
    return `\u0000line${this.privateKeys++}`;
  }

  /** The block holding a key's line. */
  private holder(key: string): GroupSegment | undefined {
    for (const segment of this.segments) if (segment.lines.has(key)) return segment;
    return undefined;
  }

  has(key: string): boolean {
    return this.holder(key) !== undefined;
  }

  /** Adds a member at the end of the group (its last block); false when it is already there. */
  add(key: string): boolean {
    if (this.holder(key)) return false;
    (this.segments[this.segments.length - 1] ?? this.addSegment()).lines.set(key, null);
    return true;
  }

  /** Removes a member wherever it is (and any repeated boot line of it); false when it was not there. */
  remove(key: string): boolean {
    const segment = this.holder(key);
    if (!segment) return false;
    segment.lines.delete(key);
    for (const copy of this.copies.get(key) ?? []) copy.segment.lines.delete(copy.key);
    this.copies.delete(key);
    return true;
  }

  get description(): string | undefined {
    const line = this.holder(DESCRIPTION)?.lines.get(DESCRIPTION);
    return line ? line.trim().replace(/^description\s/, '') : undefined;
  }

  /** Sets (in place, or first in the group as IOS prints it) or removes (undefined) the description. */
  setDescription(text: string | undefined): void {
    if (text === undefined) {
      this.remove(DESCRIPTION);
      return;
    }
    const line = ` description ${text}`;
    const segment = this.holder(DESCRIPTION);
    if (segment) {
      segment.lines.set(DESCRIPTION, line);
      return;
    }
    const first = this.segments[0] ?? this.addSegment();
    first.lines = new Map([[DESCRIPTION, line], ...first.lines]);
  }

  /** Member lines without the indent, in config order (description and blank lines left out). */
  *members(): Generator<string> {
    for (const segment of this.segments) {
      for (const [key, line] of segment.lines) {
        if (key === DESCRIPTION) continue;
        const text = line === null ? key : line.trim();
        if (text !== '' && text !== '!') yield text;
      }
    }
  }

  /** Names of the groups this one nests (`group-object X`). */
  *nested(): Generator<string> {
    for (const segment of this.segments) {
      for (const key of segment.lines.keys())
        if (key.startsWith('group-object ')) yield key.slice('group-object '.length);
    }
  }

  /** One block as `show running-config` prints it. */
  renderSegment(segment: GroupSegment, out: string[]): void {
    out.push(segment.header);
    for (const [key, line] of segment.lines) out.push(line ?? ` ${key}`);
  }

  /** `show object-group` form: `Network object group X` / `V6-Network object group X`, ` Description ...`. */
  renderShow(out: string[]): void {
    out.push(`${this.kind === 'network' ? 'Network' : 'V6-Network'} object group ${this.name}`);
    const description = this.description;
    if (description !== undefined) out.push(` Description ${description}`);
    for (const segment of this.segments) {
      for (const [key, line] of segment.lines) {
        if (key === DESCRIPTION || (line !== null && line.trim() === '')) continue;
        out.push(line ?? ` ${key}`);
      }
    }
  }
}

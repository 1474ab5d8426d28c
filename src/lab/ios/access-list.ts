// IP access lists as the device keeps them. Named lists: each entry keeps its boot line verbatim (with or without a
// sequence number: older releases print named entries without one, and `deny` padded to `deny   `); entries added
// over the CLI render in the style of their list. Numbered lists (`access-list 101 ...`) stay verbatim top-level
// lines; `show ip access-lists` lists both in IOS form with sequence numbers.

export type AclType = 'extended' | 'standard';

interface AclEntry {
  /** Undefined for a body line that is not an entry (kept verbatim, not numbered). */
  readonly seq: number | undefined;
  /** The entry without its number, whitespace runs collapsed: what `show ip access-lists` prints and `no` matches. */
  readonly text: string;
  /** The line as booted; undefined for an entry added over the CLI (rendered in the list's style). */
  readonly line: string | undefined;
}

export interface AclSegment {
  readonly acl: AccessList;
  readonly header: string;
  readonly entries: AclEntry[];
}

const ACTION = /^(permit|deny|remark|evaluate|dynamic)(\s|$)/;

const collapse = (text: string): string => text.trim().split(/\s+/).join(' ');

/** IOS pads `deny` to the width of `permit` in unnumbered entries (`deny   ip any any`). */
const padDeny = (text: string): string => text.replace(/^deny /, 'deny   ');

export class AccessList {
  readonly segments: AclSegment[] = [];
  private bootNumbered = false;
  private bootUnnumbered = false;
  private bootLast = 0;

  constructor(
    readonly name: string,
    readonly type: AclType,
  ) {}

  addSegment(header = `ip access-list ${this.type} ${this.name}`): AclSegment {
    const segment: AclSegment = { acl: this, header, entries: [] };
    this.segments.push(segment);
    return segment;
  }

  /** One body line of a boot config: an entry (numbered as IOS numbers it when it has no number) or other text. */
  bootLine(segment: AclSegment, line: string): void {
    const numbered = /^\s*(\d+)\s+(\S.*)$/.exec(line);
    if (numbered) {
      this.bootNumbered = true;
      this.bootLast = Number(numbered[1]);
      segment.entries.push({ seq: this.bootLast, text: collapse(numbered[2] as string), line });
    } else if (ACTION.test(line.trim())) {
      this.bootUnnumbered = true;
      this.bootLast = Math.floor(this.bootLast / 10) * 10 + 10;
      segment.entries.push({ seq: this.bootLast, text: collapse(line), line });
    } else segment.entries.push({ seq: undefined, text: line.trim(), line });
  }

  /** New entries print with numbers unless the boot config printed this list without them. */
  private get printsNumbers(): boolean {
    return this.bootNumbered || !this.bootUnnumbered;
  }

  *entries(): Generator<AclEntry & { seq: number }> {
    for (const segment of this.segments) {
      for (const entry of segment.entries) if (entry.seq !== undefined) yield entry as AclEntry & { seq: number };
    }
  }

  /** The number IOS gives an entry typed without one: the next multiple of 10 after the last. */
  private nextSeq(): number {
    let last = 0;
    for (const entry of this.entries()) last = Math.max(last, entry.seq);
    return Math.floor(last / 10) * 10 + 10;
  }

  /** Adds an entry at its sequence position; a repeated entry is silent, a repeated number refused. */
  add(text: string, seq?: number): 'ok' | 'duplicate' | 'duplicate-seq' {
    const entries = [...this.entries()];
    if (entries.some((e) => e.text === text)) return 'duplicate';
    const number = seq ?? this.nextSeq();
    if (entries.some((e) => e.seq === number)) return 'duplicate-seq';
    const entry: AclEntry = { seq: number, text, line: undefined };
    for (const segment of this.segments) {
      const index = segment.entries.findIndex((e) => e.seq !== undefined && e.seq > number);
      if (index >= 0) {
        segment.entries.splice(index, 0, entry);
        return 'ok';
      }
    }
    (this.segments[this.segments.length - 1] ?? this.addSegment()).entries.push(entry);
    return 'ok';
  }

  /** Removes the entry matching `test`; false when none does. */
  remove(test: (entry: AclEntry) => boolean): boolean {
    for (const segment of this.segments) {
      const index = segment.entries.findIndex((e) => e.seq !== undefined && test(e));
      if (index >= 0) {
        segment.entries.splice(index, 1);
        return true;
      }
    }
    return false;
  }

  renderSegment(segment: AclSegment, out: string[]): void {
    out.push(segment.header);
    for (const entry of segment.entries) {
      if (entry.line !== undefined) out.push(entry.line);
      else out.push(this.printsNumbers ? ` ${entry.seq} ${entry.text}` : ` ${padDeny(entry.text)}`);
    }
  }

  renderShow(out: string[]): void {
    showList(this.type, this.name, [...this.entries()], out);
  }
}

function showList(type: AclType, name: string, entries: readonly { seq: number; text: string }[], out: string[]) {
  out.push(`${type === 'extended' ? 'Extended' : 'Standard'} IP access list ${name}`);
  for (const entry of entries) out.push(`    ${entry.seq} ${entry.text}`);
}

/** Standard numbered lists: 1-99 and 1300-1999; the others (100-199, 2000-2699) are extended. */
function numberedAclType(number: number): AclType {
  return number < 100 || (number >= 1300 && number < 2000) ? 'standard' : 'extended';
}

/** `show ip access-lists` for numbered lists, from their verbatim `access-list N ...` lines, numbered 10, 20, ... */
export function renderNumberedShow(lines: readonly string[], only: string | undefined, out: string[]): void {
  const lists = new Map<number, { seq: number; text: string }[]>();
  for (const line of lines) {
    const match = /^access-list\s+(\d+)\s+(\S.*)$/.exec(line);
    if (!match || (only !== undefined && match[1] !== only)) continue;
    const number = Number(match[1]);
    const entries = lists.get(number) ?? [];
    entries.push({ seq: (entries.length + 1) * 10, text: collapse(match[2] as string) });
    lists.set(number, entries);
  }
  for (const number of [...lists.keys()].sort((a, b) => a - b)) {
    showList(numberedAclType(number), String(number), lists.get(number) ?? [], out);
  }
}

// One `object-group network` as the device keeps it: its header and body lines as booted (verbatim: indent, trailing
// spaces), members keyed by address/length (members.ts) in one Map so that 100,000-member groups stay fast. A member
// added over the CLI is stored as null and printed in its default form; any other form is kept as its full line.

import { memberForm, parseMember } from './members.js';

const DESCRIPTION = '\u0000description';

export class NetworkGroup {
  /** key -> full line as booted or typed, or null: `${indent}network-object ${memberForm(key)}`. */
  readonly lines = new Map<string, string | null>();
  private privateKeys = 0;
  private memberCount = 0;

  constructor(
    readonly name: string,
    readonly header: string,
    /** One space on PIX 7 / FWSM; PIX 6 prints two [S: Netspoc-Approve PIX.pm]. */
    readonly indent: string,
  ) {}

  /** A body line of the boot config, kept verbatim. */
  bootLine(line: string): void {
    const words = line.trim().split(/\s+/);
    let key: string | undefined;
    if (words[0] === 'network-object') {
      const member = parseMember(words.slice(1));
      if (member.ok && !this.lines.has(member.key)) key = member.key;
    } else if (words[0] === 'description' && !this.lines.has(DESCRIPTION)) key = DESCRIPTION;
    else if (words[0] === 'group-object' && words.length === 2) key = `group-object ${words[1]}`;
    if (key !== undefined && !key.startsWith('\u0000') && !key.startsWith('group-object ')) this.memberCount++;
    this.lines.set(key ?? `\u0000line${this.privateKeys++}`, line);
  }

  has(key: string): boolean {
    return this.lines.has(key);
  }

  /** Adds a member (form: as typed) at the end; false when the member is already there. */
  addMember(key: string, form: string): boolean {
    if (this.lines.has(key)) return false;
    this.lines.set(key, form === memberForm(key) ? null : `${this.indent}network-object ${form}`);
    this.memberCount++;
    return true;
  }

  removeMember(key: string): boolean {
    if (!this.lines.delete(key)) return false;
    this.memberCount--;
    return true;
  }

  /** Puts back a member line removed earlier (its place: the end of the group). */
  restoreMember(key: string, line: string | null): void {
    if (this.lines.has(key)) return;
    this.lines.set(key, line);
    this.memberCount++;
  }

  get size(): number {
    return this.memberCount;
  }

  addNested(name: string): boolean {
    const key = `group-object ${name}`;
    if (this.lines.has(key)) return false;
    this.lines.set(key, `${this.indent}${key}`);
    return true;
  }

  removeNested(name: string): boolean {
    return this.lines.delete(`group-object ${name}`);
  }

  *nested(): Generator<string> {
    for (const key of this.lines.keys()) if (key.startsWith('group-object ')) yield key.slice(13);
  }

  setDescription(text: string | undefined): void {
    if (text === undefined) {
      this.lines.delete(DESCRIPTION);
      return;
    }
    const line = `${this.indent}description ${text}`;
    if (this.lines.has(DESCRIPTION)) this.lines.set(DESCRIPTION, line);
    else {
      const rest = [...this.lines];
      this.lines.clear();
      this.lines.set(DESCRIPTION, line);
      for (const [k, v] of rest) this.lines.set(k, v);
    }
  }

  /** Member keys (address/length) in config order. */
  *memberKeys(): Generator<string> {
    for (const key of this.lines.keys()) if (!key.startsWith('\u0000') && !key.startsWith('group-object ')) yield key;
  }

  /** Member forms as printed (`host A`, `A MASK`), in config order. */
  *members(): Generator<string> {
    for (const [key, line] of this.lines) {
      if (key.startsWith('\u0000') || key.startsWith('group-object ')) continue;
      yield line === null ? memberForm(key) : line.trim().replace(/^network-object\s+/, '');
    }
  }

  render(out: string[]): void {
    out.push(this.header);
    const indent = this.indent;
    for (const [key, line] of this.lines) out.push(line ?? `${indent}network-object ${memberForm(key)}`);
  }
}

// Pure parser of PIX 6.3-8.0 / FWSM 3.x text (cisco-protocol.md §2 "PIX / FWSM differences", §7): network
// object-groups as `show running-config object-group` (7.x, FWSM), `show object-group` and `write terminal` (6.x)
// print them, plus access-list lines (config form, or `show access-list` with hit counts) for which ACLs use a
// group. Fed line by line, so a big group is never held as text. IPv4 only: any member tscm does not model
// (IPv6, `object`, `group-object`, a wildcard or gappy mask, an unknown name) is kept verbatim as foreign.

import { formatIpv4Address, parseIpv4Address, prefixesToStrings, PrefixListBuilder } from '../../cidr/index.js';
import type { PrefixList } from '../../cidr/types.js';

export interface PixGroup {
  readonly name: string;
  readonly description: string | undefined;
  /** IPv4 address members, normalised. */
  readonly members: PrefixList;
  /** Member lines tscm does not model, trimmed, in device order. */
  readonly foreign: readonly string[];
  /**
   * Members the device spells otherwise than tscm writes them (`A 255.255.255.255` for a /32, a `name` for an
   * address), by memberKey: the text after `network-object `, so a removal uses the device's own words.
   */
  readonly spelled: ReadonlyMap<string, string>;
}

export interface PixObjectGroups {
  /** Network groups in device order; a header seen again reopens its group (one entry per name). */
  readonly groups: readonly PixGroup[];
  /** Group name -> what references it: `access-list NAME`, `conduit`, or `object-group PARENT` (nesting). */
  readonly usedBy: ReadonlyMap<string, readonly string[]>;
}

/** The key of a member in PixGroup.spelled. */
export function memberKey(addr: number, len: number): string {
  return `${formatIpv4Address(addr)}/${len}`;
}

/** Prefix length of a contiguous IPv4 netmask, or -1 (wildcard bits, as old FWSM took, or a gappy mask). */
export function netmaskLength(mask: number): number {
  const inv = ~mask >>> 0;
  if ((inv & (inv + 1)) !== 0) return -1;
  return Math.clz32(inv);
}

function lenMask(len: number): number {
  return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}

type Member =
  | { readonly t: 'v4'; readonly addr: number; readonly len: number; readonly spelled: boolean }
  | { readonly t: 'description'; readonly text: string }
  | { readonly t: 'nest'; readonly child: string }
  | { readonly t: 'foreign' };

/** One trimmed line inside a network group. `names`: the `name A NAME` table read so far. */
function parseMember(line: string, names: ReadonlyMap<string, number>): Member {
  const words = line.split(/\s+/);
  const [w0, w1, w2, w3] = words;
  // `description TEXT` in config, `description: TEXT` in `show object-group` (§7).
  if (w0 === 'description' || w0 === 'description:') return { t: 'description', text: line.replace(/^\S+\s*/, '') };
  if (w0 === 'group-object' && w1 !== undefined && w2 === undefined) return { t: 'nest', child: w1 };
  if (w0 !== 'network-object' || w1 === undefined || w3 !== undefined) return { t: 'foreign' };
  const resolve = (w: string): { addr: number; named: boolean } => {
    const a = parseIpv4Address(w);
    if (a >= 0) return { addr: a, named: false };
    const n = names.get(w);
    return n === undefined ? { addr: -1, named: false } : { addr: n, named: true };
  };
  if (w1 === 'host' && w2 !== undefined) {
    const a = resolve(w2);
    return a.addr < 0 ? { t: 'foreign' } : { t: 'v4', addr: a.addr, len: 32, spelled: a.named };
  }
  if (w2 === undefined) return { t: 'foreign' }; // `network-object 2001:db8::/64`, a bare name: not IPv4 A M
  const a = resolve(w1);
  const m = parseIpv4Address(w2);
  if (a.addr < 0 || m < 0) return { t: 'foreign' };
  const len = netmaskLength(m);
  // A wildcard or host bits under the mask: the device keeps the text as typed, so tscm could never remove it.
  if (len < 0 || (a.addr & ~lenMask(len)) >>> 0 !== 0) return { t: 'foreign' };
  return { t: 'v4', addr: a.addr, len, spelled: a.named || len === 32 };
}

/** One group's lines; the builder is shared by the parser's groups (build() resets it). */
class GroupAccumulator {
  private description: string | undefined;
  private readonly foreign: string[] = [];
  private readonly seenForeign = new Set<string>();
  private readonly spelled = new Map<string, string>();
  readonly nested: string[] = [];
  constructor(
    readonly name: string,
    private readonly b: PrefixListBuilder,
    earlier?: PixGroup,
  ) {
    if (earlier === undefined) return;
    b.addList(earlier.members);
    this.description = earlier.description;
    for (const l of earlier.foreign) this.addForeign(l);
    for (const [k, v] of earlier.spelled) this.spelled.set(k, v);
  }

  add(line: string, names: ReadonlyMap<string, number>): void {
    const m = parseMember(line, names);
    if (m.t === 'v4') {
      this.b.addV4(m.addr, m.len);
      if (m.spelled) this.spelled.set(memberKey(m.addr, m.len), line.replace(/^network-object\s+/, ''));
    } else if (m.t === 'description') {
      this.description = m.text;
    } else {
      if (m.t === 'nest') this.nested.push(m.child);
      this.addForeign(line);
    }
  }

  /** The device keeps one entry per distinct line, however often it was typed. */
  private addForeign(line: string): void {
    if (this.seenForeign.has(line)) return;
    this.seenForeign.add(line);
    this.foreign.push(line);
  }

  finish(): PixGroup {
    return {
      name: this.name,
      description: this.description,
      members: this.b.build(),
      foreign: this.foreign,
      spelled: this.spelled,
    };
  }
}

const GROUP_HEADER = /^object-group\s+(\S+)\s+(\S+)/;
const MEMBER_WORD = /^(?:network-object|group-object|description:?)(?:\s|$)/;
const NAME_LINE = /^name\s+(\S+)\s+(\S+)/;
const ACL_LINE = /^access-list\s+(\S+)\s+(\S+)/;
const OG_REF = /(?:^|\s)object-group\s+(\S+)/g;

/**
 * Incremental parser: pushLine each line as the device prints it, then finish(). One parser reads every command's
 * output (running-config, `show object-group`, `show access-list`): they share the config form of each line.
 */
export class PixConfigParser {
  private readonly b = new PrefixListBuilder();
  private readonly groups: PixGroup[] = [];
  private readonly index = new Map<string, number>();
  private readonly names = new Map<string, number>();
  private readonly usedBy = new Map<string, Set<string>>();
  private open: GroupAccumulator | undefined;
  /** Inside a group of another kind (service, icmp-type, protocol): its lines are skipped. */
  private skipping = false;

  pushLine(raw: string): void {
    const line = raw.trimEnd();
    const text = line.trim();
    if (text === '' || text.startsWith('!')) return;
    const indented = /^\s/.test(line);
    // Members are indented in config; some captures of `show object-group` lose the indent, so the member words
    // (which never start a global command) also continue the group at column 0.
    if (this.open !== undefined && (indented || MEMBER_WORD.test(text))) {
      this.open.add(text, this.names);
      return;
    }
    if (indented && this.skipping) return;
    if (!indented) this.closeGroup();
    const h = GROUP_HEADER.exec(text);
    if (h !== null && !indented) {
      if (h[1] === 'network') this.startGroup(h[2] ?? '');
      else this.skipping = true;
      return;
    }
    const n = NAME_LINE.exec(text);
    if (n !== null && !indented) {
      const a = parseIpv4Address(n[1] ?? '');
      if (a >= 0) this.names.set(n[2] ?? '', a);
      return;
    }
    const acl = ACL_LINE.exec(text);
    if (acl !== null) {
      if (acl[2] !== 'remark') this.noteUses(text, `access-list ${(acl[1] ?? '').replace(/;$/, '')}`);
      return;
    }
    if (!indented) this.noteUses(text, text.split(/\s+/)[0] ?? '');
  }

  finish(): PixObjectGroups {
    this.closeGroup();
    const users = new Map<string, readonly string[]>();
    for (const [k, v] of this.usedBy) users.set(k, [...v].sort());
    return { groups: this.groups, usedBy: users };
  }

  private noteUses(text: string, user: string): void {
    for (const m of text.matchAll(OG_REF)) this.noteUse(m[1] ?? '', user);
  }

  private noteUse(group: string, user: string): void {
    let set = this.usedBy.get(group);
    if (set === undefined) this.usedBy.set(group, (set = new Set()));
    set.add(user);
  }

  private startGroup(name: string): void {
    const at = this.index.get(name);
    this.open = new GroupAccumulator(name, this.b, at === undefined ? undefined : this.groups[at]);
  }

  private closeGroup(): void {
    this.skipping = false;
    const acc = this.open;
    this.open = undefined;
    if (acc === undefined) return;
    const g = acc.finish();
    for (const child of acc.nested) this.noteUse(child, `object-group ${g.name}`);
    const at = this.index.get(g.name);
    if (at === undefined) {
      this.index.set(g.name, this.groups.length);
      this.groups.push(g);
    } else this.groups[at] = g;
  }
}

/** Parse a whole text at once (see PixConfigParser). */
export function parsePixText(text: string): PixObjectGroups {
  const p = new PixConfigParser();
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    p.pushLine(nl < 0 ? text.slice(start) : text.slice(start, nl));
    if (nl < 0) break;
    start = nl + 1;
  }
  return p.finish();
}

/** A JSON-friendly view of parsed groups, for golden files and debugging. */
export function describePixGroups(parsed: PixObjectGroups): unknown {
  const byName = ([a]: [string, unknown], [b]: [string, unknown]): number => (a < b ? -1 : a > b ? 1 : 0);
  return {
    groups: parsed.groups.map((g) => ({
      name: g.name,
      description: g.description ?? null,
      members: prefixesToStrings(g.members),
      foreign: g.foreign,
      spelled: Object.fromEntries([...g.spelled].sort(byName)),
    })),
    usedBy: Object.fromEntries([...parsed.usedBy].sort(byName)),
  };
}

// Pure parsers of Cisco IOS text (spec §1): running-config sections (`show running-config | section
// object-group`), `show object-group`, and `show ip access-lists` for which ACLs use a group. Members become
// normalised prefixes; anything tscm does not model (range, group-object, any, a non-contiguous mask) is kept
// verbatim as `foreign` so it is reported and never touched.

import {
  formatIpv4Address,
  parseIpv4Address,
  parseIpv6Address,
  prefixesToStrings,
  PrefixListBuilder,
} from '../../cidr/index.js';
import type { PrefixList } from '../../cidr/types.js';

export type IosGroupKind = 'network' | 'v6-network';

export interface IosGroup {
  readonly kind: IosGroupKind;
  readonly name: string;
  readonly description: string | undefined;
  /** Address members of the group's own family, normalised. */
  readonly members: PrefixList;
  /** Member lines tscm does not model, trimmed, in device order. */
  readonly foreign: readonly string[];
  /** /32 members the device shows as `A 255.255.255.255` (not `host A`): a removal must use that form. */
  readonly maskHosts: readonly number[];
}

export interface IosObjectGroups {
  /** In device order, one entry per kind and name: a header repeated in the text is one group (see README). */
  readonly groups: readonly IosGroup[];
  /**
   * Group name -> ACLs that reference it (`ip access-list extended X`, `access-list 101`). Nesting (`group-object`
   * lines, kept in the parent's `foreign`) is added by groupUsers, the same way for every source of text.
   */
  readonly usedBy: ReadonlyMap<string, readonly string[]>;
}

type MemberLine =
  | { readonly t: 'v4'; readonly addr: number; readonly len: number; readonly maskForm: boolean }
  | { readonly t: 'v6'; readonly words: [number, number, number, number]; readonly len: number }
  | { readonly t: 'description'; readonly text: string }
  | { readonly t: 'foreign' };

/** Prefix length of a contiguous IPv4 mask, or -1 (a wildcard or gappy mask is not a subnet mask). */
export function maskToLength(mask: number): number {
  const inv = ~mask >>> 0;
  if ((inv & (inv + 1)) !== 0) return -1;
  return Math.clz32(inv); // inv = 2^k - 1, so the length is its count of leading zeros
}

function lenMask(len: number): number {
  return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}

/** One member line (already trimmed) of a `network` or `v6-network` group. */
function parseMemberLine(line: string, kind: IosGroupKind): MemberLine {
  const words = line.split(/\s+/);
  const [w0, w1, w2] = words;
  if (w0 === undefined) return { t: 'foreign' };
  if (w0.toLowerCase() === 'description') return { t: 'description', text: line.replace(/^\S+\s*/, '') };
  if (kind === 'network') {
    if (w0 === 'host' && w1 !== undefined && w2 === undefined) {
      const a = parseIpv4Address(w1);
      return a < 0 ? { t: 'foreign' } : { t: 'v4', addr: a, len: 32, maskForm: false };
    }
    if (w1 !== undefined && w2 === undefined) {
      const a = parseIpv4Address(w0);
      const m = parseIpv4Address(w1);
      if (a < 0 || m < 0) return { t: 'foreign' };
      const len = maskToLength(m);
      // Host bits set under the mask: the device keeps the text as typed, so a normalised prefix could
      // never remove it; leave it alone.
      if (len < 0 || (a & ~lenMask(len)) >>> 0 !== 0) return { t: 'foreign' };
      return { t: 'v4', addr: a, len, maskForm: len === 32 };
    }
    return { t: 'foreign' };
  }
  const text = w0 === 'host' && w1 !== undefined && w2 === undefined ? `${w1}/128` : w1 === undefined ? w0 : '';
  const slash = text.indexOf('/');
  if (slash < 0) return { t: 'foreign' };
  const words6 = parseIpv6Address(text.slice(0, slash));
  const lenText = text.slice(slash + 1);
  const len = /^(?:0|[1-9]\d{0,2})$/.test(lenText) ? Number(lenText) : -1;
  if (words6 === null || len < 0 || len > 128 || hasV6HostBits(words6, len)) return { t: 'foreign' };
  return { t: 'v6', words: words6, len };
}

function hasV6HostBits(w: readonly number[], len: number): boolean {
  for (let k = 0; k < 4; k++) {
    const bits = Math.max(0, Math.min(32, len - 32 * k));
    const m = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    if (((w[k] ?? 0) & ~m) >>> 0 !== 0) return true;
  }
  return false;
}

/** Collects one group's lines; the builder is shared by the caller's groups (build() resets it). */
class GroupAccumulator {
  private description: string | undefined;
  private readonly foreign: string[] = [];
  private readonly seenForeign = new Set<string>();
  private readonly maskHosts = new Set<number>();
  constructor(
    readonly kind: IosGroupKind,
    readonly name: string,
    private readonly b: PrefixListBuilder,
    earlier?: IosGroup,
  ) {
    // A repeated header re-enters the group on the device: carry on from what its first block held.
    if (earlier === undefined) return;
    b.addList(earlier.members);
    this.description = earlier.description;
    for (const l of earlier.foreign) this.addForeign(l);
    for (const a of earlier.maskHosts) this.maskHosts.add(a);
  }

  add(line: string): void {
    const m = parseMemberLine(line, this.kind);
    if (m.t === 'v4') {
      this.b.addV4(m.addr, m.len);
      if (m.maskForm) this.maskHosts.add(m.addr);
    } else if (m.t === 'v6') {
      this.b.addV6(m.words[0], m.words[1], m.words[2], m.words[3], m.len);
    } else if (m.t === 'description') {
      this.description = m.text; // a later description replaces the earlier one, as on the device
    } else {
      this.addForeign(line);
    }
  }

  /** The device keeps one entry per distinct line, however often it was typed. */
  private addForeign(line: string): void {
    if (this.seenForeign.has(line)) return;
    this.seenForeign.add(line);
    this.foreign.push(line);
  }

  finish(): IosGroup {
    return {
      kind: this.kind,
      name: this.name,
      description: this.description,
      members: this.b.build(),
      foreign: this.foreign,
      maskHosts: [...this.maskHosts].sort((a, b) => a - b),
    };
  }
}

/**
 * The groups of one text, in device order, one per kind and name: a header seen again (a saved config can hold
 * `object-group network MGMT` twice) reopens the group, so its second block adds to the first.
 */
class GroupCollector {
  private readonly b = new PrefixListBuilder();
  private readonly groups: IosGroup[] = [];
  private readonly index = new Map<string, number>();
  private open: GroupAccumulator | undefined;

  start(kind: IosGroupKind, name: string): void {
    this.close();
    const at = this.index.get(`${kind} ${name}`);
    this.open = new GroupAccumulator(kind, name, this.b, at === undefined ? undefined : this.groups[at]);
  }

  /** A member line of the group being read, if any (false when there is none). */
  add(line: string): boolean {
    this.open?.add(line);
    return this.open !== undefined;
  }

  close(): void {
    const g = this.open?.finish();
    this.open = undefined;
    if (g === undefined) return;
    const key = `${g.kind} ${g.name}`;
    const at = this.index.get(key);
    if (at === undefined) {
      this.index.set(key, this.groups.length);
      this.groups.push(g);
    } else this.groups[at] = g;
  }

  finish(): IosGroup[] {
    this.close();
    return this.groups;
  }
}

const RUN_GROUP_HEADER = /^object-group (network|v6-network) (\S+)\s*$/;
const RUN_ACL_HEADER = /^(ip access-list (?:extended|standard|resequence)?\s*\S+|ipv6 access-list \S+)\s*$/;
const NUMBERED_ACL = /^access-list (\S+) /;
const OG_REF = /\bobject-group (\S+)/g;

function noteUse(usedBy: Map<string, Set<string>>, text: string, user: string): void {
  for (const m of text.matchAll(OG_REF)) {
    const name = m[1];
    if (name === undefined || name === 'network' || name === 'v6-network' || name === 'service') continue;
    let users = usedBy.get(name);
    if (users === undefined) usedBy.set(name, (users = new Set()));
    users.add(user);
  }
}

function freezeUse(usedBy: Map<string, Set<string>>): Map<string, readonly string[]> {
  return new Map([...usedBy].map(([k, v]) => [k, [...v].sort()]));
}

/**
 * Incremental parser of running-config text (typically `show running-config | section object-group`), fed one
 * line at a time as the device prints it, so a 1M-member group is never held as text: object-group sections,
 * plus ACL sections and numbered ACL lines (`| section` also prints ACLs that mention an object-group) for usage.
 */
export class RunningConfigParser {
  private readonly groups = new GroupCollector();
  private readonly usedBy = new Map<string, Set<string>>();
  private acl: string | undefined;

  pushLine(raw: string): void {
    const line = raw.trimEnd();
    if (line === '' || line.startsWith('!')) return;
    if (/^\s/.test(line)) {
      if (!this.groups.add(line.trim()) && this.acl !== undefined) noteUse(this.usedBy, line, this.acl);
      return;
    }
    // Any other line at column 0 ends the group or ACL before it (service groups, interfaces, banners...).
    this.groups.close();
    this.acl = undefined;
    const g = RUN_GROUP_HEADER.exec(line);
    if (g !== null) {
      this.groups.start(g[1] as IosGroupKind, g[2] ?? '');
      return;
    }
    const a = RUN_ACL_HEADER.exec(line);
    if (a !== null) {
      this.acl = (a[1] ?? '').replace(/\s+/g, ' ');
      return;
    }
    const n = NUMBERED_ACL.exec(line);
    if (n !== null) noteUse(this.usedBy, line, `access-list ${n[1] ?? ''}`);
  }

  finish(): IosObjectGroups {
    return { groups: this.groups.finish(), usedBy: freezeUse(this.usedBy) };
  }
}

/** Parse running-config text in one piece (see RunningConfigParser). */
export function parseRunningConfig(text: string): IosObjectGroups {
  const p = new RunningConfigParser();
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    p.pushLine(nl < 0 ? text.slice(start) : text.slice(start, nl));
    if (nl < 0) break;
    start = nl + 1;
  }
  return p.finish();
}

// `Network object group X`, `V6-Network object group X`, and every other kind (`Service`, `V6-Service`,
// `Security`, ...): any header must end the group before it, or its lines would land in that group.
const SHOW_GROUP_HEADER = /^(\S+) object group (\S+)\s*$/i;

/** Parse `show object-group [NAME]` (headers at column 0, members indented, `Description` capitalised). */
export function parseShowObjectGroup(text: string): IosGroup[] {
  const groups = new GroupCollector();
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s+$/, '');
    if (line === '') continue;
    if (/^\s/.test(line)) {
      groups.add(line.trim());
      continue;
    }
    groups.close();
    const h = SHOW_GROUP_HEADER.exec(line);
    const kind = (h?.[1] ?? '').toLowerCase();
    // Only network groups are read; the members of any other kind are skipped with their header.
    if (kind === 'network' || kind === 'v6-network') groups.start(kind, h?.[2] ?? '');
  }
  return groups.finish();
}

const NESTED = /^group-object\s+(\S+)$/;

/**
 * Who uses each group: the ACLs that name it plus, from the groups' own `group-object X` lines, the network
 * groups that nest it (`object-group PARENT`): a group nested in another is in use wherever the parent is.
 */
export function groupUsers(parsed: IosObjectGroups): Map<string, readonly string[]> {
  const users = new Map<string, Set<string>>();
  for (const [name, list] of parsed.usedBy) users.set(name, new Set(list));
  for (const g of parsed.groups) {
    for (const line of g.foreign) {
      const child = NESTED.exec(line)?.[1];
      if (child === undefined) continue;
      let set = users.get(child);
      if (set === undefined) users.set(child, (set = new Set()));
      set.add(`object-group ${g.name}`);
    }
  }
  return freezeUse(users);
}

const SHOW_ACL_HEADER = /^(?:(Extended|Standard) IP access list (\S+)|IPv6 access list (\S+))/;

/** Parse `show ip access-lists` / `show ipv6 access-list`: group name -> ACLs whose entries reference it. */
export function parseShowAccessLists(text: string): Map<string, readonly string[]> {
  const usedBy = new Map<string, Set<string>>();
  let acl: string | undefined;
  for (const raw of text.split('\n')) {
    const h = SHOW_ACL_HEADER.exec(raw);
    if (h !== null) {
      acl =
        h[3] !== undefined
          ? `ipv6 access-list ${h[3]}`
          : `ip access-list ${(h[1] ?? '').toLowerCase()} ${h[2] ?? ''}`.replace(
              /^ip access-list (\S+) (\d+)$/,
              'access-list $2',
            );
      continue;
    }
    if (acl !== undefined && /^\s/.test(raw)) noteUse(usedBy, raw, acl);
  }
  return freezeUse(usedBy);
}

/** A JSON-friendly view of parsed groups, for golden files and debugging. */
export function describeIosGroups(parsed: IosObjectGroups): unknown {
  return {
    groups: parsed.groups.map((g) => ({
      kind: g.kind,
      name: g.name,
      description: g.description ?? null,
      members: prefixesToStrings(g.members),
      foreign: g.foreign,
      maskHosts: g.maskHosts.map(formatIpv4Address),
    })),
    usedBy: Object.fromEntries([...groupUsers(parsed)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  };
}

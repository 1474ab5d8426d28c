// Pure parsers of Cisco ASA text (spec §2, §7): `show running-config [object-group network]` and
// `show object-group network` (object-group network blocks), access-list lines (running-config form and
// `show access-list` form) and `access-group` lines for which ACL uses which group. Members become normalised
// prefixes; what tscm does not model (`network-object object X`, a non-contiguous mask, a network with host bits)
// is kept verbatim as `foreign`, reported and never touched. `group-object X` lines are kept as `children`.

import {
  formatIpv4Address,
  formatIpv6Address,
  parseIpv4Address,
  parseIpv6Address,
  prefixesToStrings,
  PrefixListBuilder,
} from '../../cidr/index.js';
import type { PrefixList } from '../../cidr/types.js';
import { AclUsageCollector, groupUsers, type AclUsage } from '../shared/asa-acl-usage.js';

export interface AsaGroup {
  readonly name: string;
  readonly description: string | undefined;
  /** Address members (`network-object host A`, `A MASK`, `P/L`), both families, normalised. */
  readonly members: PrefixList;
  /** /32 members the device shows as `network-object A 255.255.255.255`: a removal must use that form. */
  readonly maskHosts: readonly number[];
  /** /128 members the device shows as `network-object X/128` (not `host X`), as canonical text: same reason. */
  readonly slashHosts6: readonly string[];
  /** `group-object X` lines, in device order (nested groups). */
  readonly children: readonly string[];
  /** Member lines tscm does not model, trimmed, in device order. */
  readonly foreign: readonly string[];
}

export interface AsaConfig extends AclUsage {
  /** Network object groups in device order, one per name (a repeated header reopens the group). */
  readonly groups: readonly AsaGroup[];
}

type MemberLine =
  | { readonly t: 'v4'; readonly addr: number; readonly len: number; readonly maskForm: boolean }
  | {
      readonly t: 'v6';
      readonly words: [number, number, number, number];
      readonly len: number;
      readonly slash: boolean;
    }
  | { readonly t: 'child'; readonly name: string }
  | { readonly t: 'description'; readonly text: string }
  | { readonly t: 'foreign' };

/** Prefix length of a contiguous IPv4 mask, or -1 (a wildcard or gappy mask is not a subnet mask). */
export function maskToLength(mask: number): number {
  const inv = ~mask >>> 0;
  if ((inv & (inv + 1)) !== 0) return -1;
  return Math.clz32(inv);
}

function lenMask(len: number): number {
  return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}

function hasV6HostBits(w: readonly number[], len: number): boolean {
  for (let k = 0; k < 4; k++) {
    const bits = Math.max(0, Math.min(32, len - 32 * k));
    const m = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    if (((w[k] ?? 0) & ~m) >>> 0 !== 0) return true;
  }
  return false;
}

function v6Member(addrText: string, lenText: string | undefined): MemberLine {
  const words = parseIpv6Address(addrText);
  const len = lenText === undefined ? 128 : /^(?:0|[1-9]\d{0,2})$/.test(lenText) ? Number(lenText) : -1;
  // A network with host bits set is kept as typed by the device: a normalised prefix could never remove it.
  if (words === null || len < 0 || len > 128 || hasV6HostBits(words, len)) return { t: 'foreign' };
  return { t: 'v6', words, len, slash: lenText !== undefined };
}

/** One member line of a network group, trimmed. */
function parseMemberLine(line: string): MemberLine {
  const words = line.split(/\s+/);
  const [w0, w1, w2, w3] = words;
  if (w0 === 'description' || w0 === 'description:') {
    return { t: 'description', text: line.replace(/^description:?\s*/, '') };
  }
  if (w0 === 'group-object' && w1 !== undefined && w2 === undefined) return { t: 'child', name: w1 };
  if (w0 !== 'network-object' || w1 === undefined || w3 !== undefined) return { t: 'foreign' };
  if (w1 === 'host' && w2 !== undefined) {
    if (w2.includes(':')) return v6Member(w2, undefined);
    const a = parseIpv4Address(w2);
    return a < 0 ? { t: 'foreign' } : { t: 'v4', addr: a, len: 32, maskForm: false };
  }
  if (w2 === undefined) {
    const slash = w1.indexOf('/');
    return slash < 0 || !w1.includes(':') ? { t: 'foreign' } : v6Member(w1.slice(0, slash), w1.slice(slash + 1));
  }
  const a = parseIpv4Address(w1);
  const m = parseIpv4Address(w2);
  if (a < 0 || m < 0) return { t: 'foreign' }; // `network-object object X`, a named host, ...
  const len = maskToLength(m);
  if (len < 0 || (a & ~lenMask(len)) >>> 0 !== 0) return { t: 'foreign' };
  return { t: 'v4', addr: a, len, maskForm: len === 32 };
}

/** Collects one group's lines; the builder is shared by the caller's groups (build() resets it). */
class GroupAccumulator {
  private description: string | undefined;
  private readonly children: string[] = [];
  private readonly foreign: string[] = [];
  private readonly seen = new Set<string>();
  private readonly maskHosts = new Set<number>();
  private readonly slashHosts6 = new Set<string>();

  constructor(
    readonly name: string,
    private readonly b: PrefixListBuilder,
    earlier?: AsaGroup,
  ) {
    if (earlier === undefined) return;
    b.addList(earlier.members);
    this.description = earlier.description;
    for (const c of earlier.children) this.addChild(c);
    for (const l of earlier.foreign) this.addForeign(l);
    for (const a of earlier.maskHosts) this.maskHosts.add(a);
    for (const s of earlier.slashHosts6) this.slashHosts6.add(s);
  }

  add(line: string): void {
    const m = parseMemberLine(line);
    if (m.t === 'v4') {
      this.b.addV4(m.addr, m.len);
      if (m.maskForm) this.maskHosts.add(m.addr);
    } else if (m.t === 'v6') {
      this.b.addV6(m.words[0], m.words[1], m.words[2], m.words[3], m.len);
      if (m.len === 128 && m.slash) this.slashHosts6.add(formatIpv6Address(...m.words));
    } else if (m.t === 'child') {
      this.addChild(m.name);
    } else if (m.t === 'description') {
      this.description = m.text;
    } else {
      this.addForeign(line);
    }
  }

  private addChild(name: string): void {
    if (this.seen.has(`group-object ${name}`)) return;
    this.seen.add(`group-object ${name}`);
    this.children.push(name);
  }

  /** The device keeps one entry per distinct line, however often it was typed. */
  private addForeign(line: string): void {
    if (this.seen.has(line)) return;
    this.seen.add(line);
    this.foreign.push(line);
  }

  finish(): AsaGroup {
    return {
      name: this.name,
      description: this.description,
      members: this.b.build(),
      maskHosts: [...this.maskHosts].sort((x, y) => x - y),
      slashHosts6: [...this.slashHosts6].sort(),
      children: this.children,
      foreign: this.foreign,
    };
  }
}

const GROUP_HEADER = /^object-group network (\S+)\s*$/;

/**
 * Incremental parser of ASA configuration text, fed one line at a time as the device prints it (a 100k-member
 * group is never held as text). Reads `show running-config`, `show running-config object-group [network]`,
 * `show object-group network`, `show running-config access-list`, `show access-list` and
 * `show running-config access-group` output, alone or concatenated.
 */
export class AsaConfigParser {
  private readonly b = new PrefixListBuilder();
  private readonly groups: AsaGroup[] = [];
  private readonly index = new Map<string, number>();
  private open: GroupAccumulator | undefined;
  private readonly usage = new AclUsageCollector();

  pushLine(raw: string): void {
    const line = raw.trimEnd();
    if (line === '' || line.startsWith('!') || line.startsWith(':')) return;
    if (/^\s/.test(line) && this.open !== undefined) {
      this.open.add(line.trim());
      return;
    }
    // `show access-list` indents the expanded entries of an ACE under it: they name no group.
    if (/^\s/.test(line)) return;
    this.closeGroup();
    const g = GROUP_HEADER.exec(line);
    if (g !== null) {
      const name = g[1] ?? '';
      const at = this.index.get(name);
      this.open = new GroupAccumulator(name, this.b, at === undefined ? undefined : this.groups[at]);
      return;
    }
    this.usage.pushLine(line);
  }

  finish(): AsaConfig {
    this.closeGroup();
    return { groups: this.groups, ...this.usage.finish() };
  }

  private closeGroup(): void {
    const g = this.open?.finish();
    this.open = undefined;
    if (g === undefined) return;
    const at = this.index.get(g.name);
    if (at === undefined) {
      this.index.set(g.name, this.groups.length);
      this.groups.push(g);
    } else this.groups[at] = g;
  }
}

/** Parse ASA configuration text in one piece (see AsaConfigParser). */
export function parseAsaConfig(text: string): AsaConfig {
  const p = new AsaConfigParser();
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    p.pushLine(nl < 0 ? text.slice(start) : text.slice(start, nl));
    if (nl < 0) break;
    start = nl + 1;
  }
  return p.finish();
}

const byName = ([a]: [string, unknown], [b]: [string, unknown]): number => (a < b ? -1 : a > b ? 1 : 0);

/** A JSON-friendly view of a parse, for golden files and debugging. */
export function describeAsaConfig(config: AsaConfig): unknown {
  return {
    groups: config.groups.map((g) => ({
      name: g.name,
      description: g.description ?? null,
      members: prefixesToStrings(g.members),
      maskHosts: g.maskHosts.map(formatIpv4Address),
      slashHosts6: g.slashHosts6,
      children: g.children,
      foreign: g.foreign,
    })),
    usedBy: Object.fromEntries([...groupUsers(config)].sort(byName)),
    accessGroups: Object.fromEntries([...config.accessGroups].sort(byName)),
  };
}

// Pure mapping between the REST API's group members (spec §3 "Member kinds", §7 "Inline member kinds") and the
// nested layout's view of a group: IPv4Address / IPv4Network (CIDR) / IPv6Address / IPv6Network become prefixes,
// objectRef#NetworkObjGroup a nested group; anything else is foreign, written in the CLI's words
// (`network-object object X`) so a REST read and an SSH read of one device report the same foreign lines.
// Hosts the device holds as IPv4Network /32 or IPv6Network /128 are remembered: a removal repeats that form.

import {
  formatIpv4Address,
  formatIpv6Address,
  parseIpv4Address,
  parseIpv6Address,
  PrefixListBuilder,
} from '../../cidr/index.js';
import type { PrefixList } from '../../cidr/types.js';
import type { NestedGroupView } from '../shared/nested-fold.js';
import type { RestGroup, RestMember } from './api.js';

export const GROUP_REF = 'objectRef#NetworkObjGroup';

/** A REST group as the layout sees it, with the host forms a removal repeats. */
export interface RestGroupView extends NestedGroupView {
  /** /32 hosts held as IPv4Network `A/32` (not IPv4Address). */
  readonly v4NetHosts: readonly number[];
  /** /128 hosts held as IPv6Network `X/128` (not IPv6Address), canonical text. */
  readonly v6NetHosts: readonly string[];
}

type Parsed =
  | { readonly t: 'v4'; readonly addr: number; readonly len: number; readonly net: boolean }
  | {
      readonly t: 'v6';
      readonly words: readonly [number, number, number, number];
      readonly len: number;
      readonly net: boolean;
    }
  | { readonly t: 'group'; readonly name: string }
  | { readonly t: 'foreign'; readonly line: string };

function lenMask(len: number): number {
  return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}

function v6HostBits(w: readonly number[], len: number): boolean {
  for (let k = 0; k < 4; k++) {
    const bits = Math.max(0, Math.min(32, len - 32 * k));
    const m = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    if (((w[k] ?? 0) & ~m) >>> 0 !== 0) return true;
  }
  return false;
}

/** Device text in a foreign line: printable, one line, bounded (it reaches the plan). */
function shown(s: string | undefined): string {
  // eslint-disable-next-line no-control-regex
  const flat = (s ?? '').replace(/[\u0000-\u001f\u007f-\u009f\s]+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}...` : flat;
}

const LENGTH = /^(?:0|[1-9]\d{0,2})$/;

function parseMember(m: RestMember): Parsed {
  const value = m.value ?? '';
  switch (m.kind) {
    case 'IPv4Address': {
      const a = parseIpv4Address(value);
      return a < 0
        ? { t: 'foreign', line: `network-object host ${shown(value)}` }
        : { t: 'v4', addr: a, len: 32, net: false };
    }
    case 'IPv4Network': {
      const [addr = '', len = ''] = value.split('/');
      const a = parseIpv4Address(addr);
      const l = LENGTH.test(len) ? Number(len) : -1;
      if (a < 0 || l < 0 || l > 32) return { t: 'foreign', line: `network-object ${shown(value)}` };
      // A network with host bits set stays as the device holds it: a normalised prefix could never remove it.
      if ((a & ~lenMask(l)) >>> 0 !== 0) {
        return { t: 'foreign', line: `network-object ${formatIpv4Address(a)} ${formatIpv4Address(lenMask(l))}` };
      }
      return { t: 'v4', addr: a, len: l, net: true };
    }
    case 'IPv6Address': {
      const w = parseIpv6Address(value);
      return w === null
        ? { t: 'foreign', line: `network-object host ${shown(value)}` }
        : { t: 'v6', words: w, len: 128, net: false };
    }
    case 'IPv6Network': {
      const slash = value.lastIndexOf('/');
      const w = slash < 0 ? null : parseIpv6Address(value.slice(0, slash));
      const len = value.slice(slash + 1);
      const l = LENGTH.test(len) ? Number(len) : -1;
      if (w === null || l < 0 || l > 128 || v6HostBits(w, l))
        return { t: 'foreign', line: `network-object ${shown(value)}` };
      return { t: 'v6', words: w, len: l, net: true };
    }
    case GROUP_REF:
      return { t: 'group', name: shown(m.objectId) };
    case 'objectRef#NetworkObj':
      return { t: 'foreign', line: `network-object object ${shown(m.objectId)}` };
    default:
      // AnyIPAddress, ranges, FQDNs and kinds to come: not tscm's, named by their REST kind [I].
      return { t: 'foreign', line: `(REST member ${shown(m.kind)}${value === '' ? '' : ` ${shown(value)}`})` };
  }
}

/** One REST group as the nested layout sees it. */
export function viewOfRestGroup(g: RestGroup): RestGroupView {
  const b = new PrefixListBuilder();
  const children: string[] = [];
  const foreign: string[] = [];
  const seen = new Set<string>();
  const v4NetHosts = new Set<number>();
  const v6NetHosts = new Set<string>();
  for (const m of g.members) {
    const p = parseMember(m);
    if (p.t === 'v4') {
      b.addV4(p.addr, p.len);
      if (p.net && p.len === 32) v4NetHosts.add(p.addr);
    } else if (p.t === 'v6') {
      b.addV6(p.words[0], p.words[1], p.words[2], p.words[3], p.len);
      if (p.net && p.len === 128) v6NetHosts.add(formatIpv6Address(...p.words));
    } else if (p.t === 'group') {
      if (!seen.has(`g ${p.name}`)) children.push(p.name);
      seen.add(`g ${p.name}`);
    } else {
      if (!seen.has(p.line)) foreign.push(p.line);
      seen.add(p.line);
    }
  }
  return {
    name: g.name,
    members: b.build(),
    children,
    foreign,
    v4NetHosts: [...v4NetHosts].sort((x, y) => x - y),
    v6NetHosts: [...v6NetHosts].sort(),
  };
}

/** The forms a removal from one group repeats (absent: the default forms). */
export interface MemberForms {
  readonly v4?: ReadonlySet<number>;
  readonly v6?: ReadonlySet<string>;
}

function v6Text(w: Uint32Array, i: number): string {
  return formatIpv6Address(w[4 * i] ?? 0, w[4 * i + 1] ?? 0, w[4 * i + 2] ?? 0, w[4 * i + 3] ?? 0);
}

/**
 * Entries [start, start + count) of a list as REST members (IPv4 first, then IPv6): a host as IPv4Address /
 * IPv6Address unless `forms` says the device holds it as a /32 or /128 network.
 */
export function restMembers(list: PrefixList, forms: MemberForms = {}, start = 0, count = Infinity): RestMember[] {
  const out: RestMember[] = [];
  const n4 = list.v4.len.length;
  const n = n4 + list.v6.len.length;
  const end = Math.min(n, start + count);
  for (let i = start; i < end; i++) {
    if (i < n4) {
      const a = list.v4.addr[i] ?? 0;
      const len = list.v4.len[i] ?? 0;
      const text = formatIpv4Address(a);
      out.push(
        len === 32 && forms.v4?.has(a) !== true
          ? { kind: 'IPv4Address', value: text }
          : { kind: 'IPv4Network', value: `${text}/${len}` },
      );
    } else {
      const j = i - n4;
      const text = v6Text(list.v6.words, j);
      const len = list.v6.len[j] ?? 0;
      out.push(
        len === 128 && forms.v6?.has(text) !== true
          ? { kind: 'IPv6Address', value: text }
          : { kind: 'IPv6Network', value: `${text}/${len}` },
      );
    }
  }
  return out;
}

/** A nested group as a member. */
export function groupRef(name: string): RestMember {
  return { kind: GROUP_REF, objectId: name };
}

/**
 * The identity of a member whatever its form (`p 192.0.2.1/32` for IPv4Address 192.0.2.1 and IPv4Network
 * 192.0.2.1/32 alike, `g NAME` for a nested group), to tell after a re-read whether a member is on the device.
 */
export function memberKey(m: RestMember): string {
  const p = parseMember(m);
  switch (p.t) {
    case 'v4':
      return `p ${formatIpv4Address(p.addr)}/${p.len}`;
    case 'v6':
      return `p ${formatIpv6Address(...p.words)}/${p.len}`;
    case 'group':
      return `g ${p.name}`;
    default:
      return `f ${p.line}`;
  }
}

/** Whether a member is an address (a member change of the plan) rather than a nested group. */
export function isAddress(m: RestMember): boolean {
  return m.kind === 'IPv4Address' || m.kind === 'IPv4Network' || m.kind === 'IPv6Address' || m.kind === 'IPv6Network';
}

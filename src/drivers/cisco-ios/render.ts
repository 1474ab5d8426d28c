// Pure rendering of plan changes to IOS configuration lines (spec §1 "Object-group syntax"). A logical group NAME
// maps to `object-group network NAME` (IPv4) and its twin `object-group v6-network NAME-v6` (IPv6); see README.md.
// Within a group, adds go before removes so a group an ACL uses is never transiently empty.

import { formatIpv4Address, formatIpv6Address } from '../../cidr/index.js';
import type { PrefixList } from '../../cidr/types.js';
import type { GroupChange } from '../../plan/model.js';

/** The device name of a logical group's IPv6 twin. */
export function v6TwinName(name: string): string {
  return `${name}-v6`;
}

export interface IosRenderOptions {
  /** Logical group names whose IPv6 twin exists on the device (a delete removes it too). */
  readonly v6TwinsPresent?: ReadonlySet<string>;
  /** Per IPv4 device group, /32 members stored as `A 255.255.255.255`: removed in that same form. */
  readonly maskHosts?: ReadonlyMap<string, ReadonlySet<number>>;
}

export interface RenderedCommands {
  readonly lines: readonly string[];
  /** Member changes each line makes (1 per member line, the member count for a group delete, else 0). */
  readonly weights: readonly number[];
}

function lenMask(len: number): number {
  return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}

export function renderV4Member(addr: number, len: number, asMask = false): string {
  const a = formatIpv4Address(addr);
  return len === 32 && !asMask ? `host ${a}` : `${a} ${formatIpv4Address(lenMask(len))}`;
}

function v6Member(w: Uint32Array, i: number, len: number): string {
  const a = formatIpv6Address(w[4 * i] ?? 0, w[4 * i + 1] ?? 0, w[4 * i + 2] ?? 0, w[4 * i + 3] ?? 0);
  return len === 128 ? `host ${a}` : `${a}/${len}`;
}

class CommandList {
  readonly lines: string[] = [];
  readonly weights: number[] = [];
  push(line: string, weight: number): void {
    this.lines.push(line);
    this.weights.push(weight);
  }
}

function renderV4Block(out: CommandList, name: string, add: PrefixList, remove: PrefixList, o: IosRenderOptions): void {
  out.push(`object-group network ${name}`, 0);
  const { addr, len } = add.v4;
  for (let i = 0; i < len.length; i++) out.push(' ' + renderV4Member(addr[i] ?? 0, len[i] ?? 0), 1);
  const maskHosts = o.maskHosts?.get(name);
  const r = remove.v4;
  for (let i = 0; i < r.len.length; i++) {
    const a = r.addr[i] ?? 0;
    out.push(' no ' + renderV4Member(a, r.len[i] ?? 0, maskHosts?.has(a) === true), 1);
  }
  out.push('exit', 0);
}

function renderV6Block(out: CommandList, name: string, add: PrefixList, remove: PrefixList): void {
  out.push(`object-group v6-network ${name}`, 0);
  for (let i = 0; i < add.v6.len.length; i++) out.push(' ' + v6Member(add.v6.words, i, add.v6.len[i] ?? 0), 1);
  for (let i = 0; i < remove.v6.len.length; i++) {
    out.push(' no ' + v6Member(remove.v6.words, i, remove.v6.len[i] ?? 0), 1);
  }
  out.push('exit', 0);
}

/**
 * Configuration-mode lines for the changes, in plan order (without `configure terminal` / `end`). A create
 * always makes the IPv4 group (ACLs name it) and the IPv6 twin only when it gets members.
 */
export function renderGroupChanges(changes: readonly GroupChange[], o: IosRenderOptions = {}): RenderedCommands {
  const out = new CommandList();
  for (const c of changes) {
    if (c.action === 'none') continue;
    if (c.action === 'delete') {
      out.push(`no object-group network ${c.name}`, c.remove.v4.len.length);
      if (o.v6TwinsPresent?.has(c.name) === true || c.remove.v6.len.length > 0) {
        out.push(`no object-group v6-network ${v6TwinName(c.name)}`, c.remove.v6.len.length);
      }
      continue;
    }
    if (c.action === 'create' || c.add.v4.len.length > 0 || c.remove.v4.len.length > 0) {
      renderV4Block(out, c.name, c.add, c.remove, o);
    }
    if (c.add.v6.len.length > 0 || c.remove.v6.len.length > 0) renderV6Block(out, v6TwinName(c.name), c.add, c.remove);
  }
  return { lines: out.lines, weights: out.weights };
}

// Pure rendering of plan changes to IOS configuration lines (spec §1 "Object-group syntax"). A logical group NAME
// maps to `object-group network NAME` (IPv4) and its twin `object-group v6-network NAME-v6` (IPv6); see README.md.

import { formatIpv4Address, formatIpv6Address } from '../../cidr/index.js';
import type { PrefixList } from '../../cidr/types.js';
import type { GroupChange } from '../../plan/model.js';
import { IosCommandList, type RenderedCommands } from './command-list.js';

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

/**
 * One group's part of an apply. `head` runs at the global configuration level: a group header (which opens the
 * group's sub-mode: apply confirms the sub-mode prompt before sending `members`, so a refused header never lets a
 * member line run at the global level, where `host A` abbreviates `hostname`) or a `no object-group` delete.
 */
export interface IosGroupBlock {
  readonly head: string;
  /** Member changes the head line makes by itself (a delete's member count), else 0. */
  readonly headWeight: number;
  /** The lines sent inside the sub-mode the head opened, without the closing `exit`; absent for a delete. */
  readonly members?: IosCommandList;
}

function v4Block(name: string, add: PrefixList, remove: PrefixList, o: IosRenderOptions): IosGroupBlock {
  const members = new IosCommandList();
  const { addr, len } = add.v4;
  members.pushRun({ count: len.length, weight: 1, render: (i) => ' ' + renderV4Member(addr[i] ?? 0, len[i] ?? 0) });
  const maskHosts = o.maskHosts?.get(name);
  const r = remove.v4;
  members.pushRun({
    count: r.len.length,
    weight: 1,
    render: (i) => {
      const a = r.addr[i] ?? 0;
      return ' no ' + renderV4Member(a, r.len[i] ?? 0, maskHosts?.has(a) === true);
    },
  });
  return { head: `object-group network ${name}`, headWeight: 0, members };
}

function v6Block(name: string, add: PrefixList, remove: PrefixList): IosGroupBlock {
  const members = new IosCommandList();
  const a = add.v6;
  members.pushRun({ count: a.len.length, weight: 1, render: (i) => ' ' + v6Member(a.words, i, a.len[i] ?? 0) });
  const r = remove.v6;
  members.pushRun({ count: r.len.length, weight: 1, render: (i) => ' no ' + v6Member(r.words, i, r.len[i] ?? 0) });
  return { head: `object-group v6-network ${name}`, headWeight: 0, members };
}

/**
 * The configuration-mode blocks for the changes, in plan order (without `configure terminal` / `end`), member lines
 * rendered on demand. Within a group, adds go before removes so a group an ACL uses is never transiently empty. A
 * create always makes the IPv4 group (ACLs name it) and the IPv6 twin only when it gets members.
 */
export function listGroupBlocks(changes: readonly GroupChange[], o: IosRenderOptions = {}): IosGroupBlock[] {
  const out: IosGroupBlock[] = [];
  for (const c of changes) {
    if (c.action === 'none') continue;
    if (c.action === 'delete') {
      out.push({ head: `no object-group network ${c.name}`, headWeight: c.remove.v4.len.length });
      if (o.v6TwinsPresent?.has(c.name) === true || c.remove.v6.len.length > 0) {
        out.push({ head: `no object-group v6-network ${v6TwinName(c.name)}`, headWeight: c.remove.v6.len.length });
      }
      continue;
    }
    if (c.action === 'create' || c.add.v4.len.length > 0 || c.remove.v4.len.length > 0) {
      out.push(v4Block(c.name, c.add, c.remove, o));
    }
    if (c.add.v6.len.length > 0 || c.remove.v6.len.length > 0) out.push(v6Block(v6TwinName(c.name), c.add, c.remove));
  }
  return out;
}

/** Every line the blocks send, in order, as one lazily rendered list: each sub-mode closed with `exit`. */
export function listGroupCommands(changes: readonly GroupChange[], o: IosRenderOptions = {}): IosCommandList {
  const out = new IosCommandList();
  for (const block of listGroupBlocks(changes, o)) {
    out.pushLine(block.head, block.headWeight);
    if (block.members === undefined) continue;
    out.append(block.members);
    out.pushLine('exit', 0);
  }
  return out;
}

/** Every line of listGroupCommands with its weight, as arrays (golden files and tests). */
export function renderGroupChanges(changes: readonly GroupChange[], o: IosRenderOptions = {}): RenderedCommands {
  return listGroupCommands(changes, o).materialise();
}

// Pure rendering of layout operations to ASA configuration lines (spec §2 "Syntax"). Operations on one group in a
// row share one block: its header (`object-group network NAME`, which creates the group or enters it) then the
// member and `group-object` lines of its sub-mode; a delete is a single global line. The session sends `exit`
// after each block's lines (see README "Batching").

import { formatIpv4Address, formatIpv6Address } from '../../cidr/index.js';
import type { PrefixList } from '../../cidr/types.js';
import { AsaCommandList } from './command-list.js';
import type { LayoutOp } from '../shared/nested-layout.js';

export interface AsaRenderOptions {
  /** Per group, /32 members stored as `network-object A 255.255.255.255`: removed in that form. */
  readonly maskHosts?: ReadonlyMap<string, ReadonlySet<number>>;
  /** Per group, /128 members stored as `network-object X/128` (canonical text): removed in that form. */
  readonly slashHosts6?: ReadonlyMap<string, ReadonlySet<string>>;
}

function lenMask(len: number): number {
  return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}

/** The text after `network-object ` for an IPv4 prefix. */
export function v4MemberText(addr: number, len: number, asMask = false): string {
  const a = formatIpv4Address(addr);
  return len === 32 && !asMask ? `host ${a}` : `${a} ${formatIpv4Address(lenMask(len))}`;
}

/** The text after `network-object ` for an IPv6 prefix. */
export function v6MemberText(address: string, len: number, asSlash = false): string {
  return len === 128 && !asSlash ? `host ${address}` : `${address}/${len}`;
}

function v6Address(w: Uint32Array, i: number): string {
  return formatIpv6Address(w[4 * i] ?? 0, w[4 * i + 1] ?? 0, w[4 * i + 2] ?? 0, w[4 * i + 3] ?? 0);
}

/** One group's part of an apply: a global head line, then (unless a delete) the lines of its sub-mode. */
export interface AsaGroupBlock {
  readonly group: string;
  readonly head: string;
  /** Member changes the head makes by itself (a delete's logical removals), else 0. */
  readonly headWeight: number;
  /** Sub-mode lines, without the closing `exit`; absent for a delete. */
  readonly body?: AsaCommandList;
}

function pushMembers(
  body: AsaCommandList,
  members: PrefixList,
  prefix: string,
  weight: number,
  form: { mask?: ReadonlySet<number>; slash?: ReadonlySet<string> },
): void {
  const { addr, len } = members.v4;
  body.pushRun({
    count: len.length,
    weight,
    line: (i) => {
      const a = addr[i] ?? 0;
      return `${prefix}network-object ${v4MemberText(a, len[i] ?? 0, form.mask?.has(a) === true)}`;
    },
  });
  const w = members.v6.words;
  const l6 = members.v6.len;
  body.pushRun({
    count: l6.length,
    weight,
    line: (i) => {
      const a = v6Address(w, i);
      return `${prefix}network-object ${v6MemberText(a, l6[i] ?? 0, form.slash?.has(a) === true)}`;
    },
  });
}

/** The blocks for the operations, in order (without `configure terminal` / `end`), member lines lazy. */
export function listGroupBlocks(ops: readonly LayoutOp[], o: AsaRenderOptions = {}): AsaGroupBlock[] {
  const out: AsaGroupBlock[] = [];
  let open: { group: string; body: AsaCommandList } | undefined;
  const enter = (group: string): AsaCommandList => {
    if (open?.group === group) return open.body;
    const body = new AsaCommandList();
    open = { group, body };
    out.push({ group, head: `object-group network ${group}`, headWeight: 0, body });
    return body;
  };
  for (const op of ops) {
    const form = { mask: o.maskHosts?.get(op.group), slash: o.slashHosts6?.get(op.group) };
    switch (op.op) {
      case 'create-master':
      case 'create-child':
        enter(op.group);
        break;
      case 'add':
        pushMembers(enter(op.group), op.members, ' ', 1, {});
        break;
      case 'add-shim':
        pushMembers(enter(op.group), op.members, ' ', 0, {});
        break;
      case 'remove':
        pushMembers(enter(op.group), op.members, ' no ', 1, form);
        break;
      case 'remove-shim':
        pushMembers(enter(op.group), op.members, ' no ', 0, form);
        break;
      case 'attach':
        enter(op.group).push(` group-object ${op.child}`, op.weight ?? 0);
        break;
      case 'detach':
        enter(op.group).push(` no group-object ${op.child}`);
        break;
      case 'delete-child':
      case 'delete-master':
        open = undefined;
        out.push({ group: op.group, head: `no object-group network ${op.group}`, headWeight: op.weight });
        break;
    }
  }
  return out;
}

/** Every line of the blocks in order, each sub-mode closed with `exit`, as one lazily rendered list. */
export function listGroupCommands(ops: readonly LayoutOp[], o: AsaRenderOptions = {}): AsaCommandList {
  const out = new AsaCommandList();
  for (const b of listGroupBlocks(ops, o)) {
    out.push(b.head, b.headWeight);
    if (b.body === undefined) continue;
    out.append(b.body);
    out.push('exit');
  }
  return out;
}

// Pure rendering of a PIX layout to configuration lines (cisco-protocol.md §2): `object-group network NAME` opens
// the group's sub-mode (`(config-network)#`), members are `network-object host A` (/32) or `network-object A MASK`
// (a netmask, never wildcard bits), removals the same behind `no ` in the device's own spelling, and `exit` closes
// the sub-mode (PIX 6 refuses `end`, so the session also leaves configuration mode with `exit`). Member lines are
// rendered on demand: at 100,000 changes only the window being sent exists as strings.

import { formatIpv4Address } from '../../cidr/index.js';
import type { Ipv4Prefixes } from '../../cidr/types.js';
import type { PixGroupLayout } from './layout.js';
import { memberKey } from './parse.js';

/** `count` lines rendered on demand (line j = render(j)), each making `weight` member changes. */
export interface LineRun {
  readonly count: number;
  readonly weight: number;
  readonly render: (j: number) => string;
}

/**
 * One group's part of an apply. `head` runs at the global configuration level: the group header (the session
 * confirms the sub-mode prompt before sending `members`, so a refused header never lets a member line run at the
 * global level) or a delete. `members` (absent for a delete) are sent inside the sub-mode, `exit` after them.
 */
export interface PixGroupBlock {
  readonly head: string;
  /** Member changes the head makes by itself (a delete's member count), else 0. */
  readonly headWeight: number;
  readonly members?: readonly LineRun[];
}

function lenMask(len: number): number {
  return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}

/** The member's text after `network-object `, as tscm writes it. */
export function renderMember(addr: number, len: number): string {
  const a = formatIpv4Address(addr);
  return len === 32 ? `host ${a}` : `${a} ${formatIpv4Address(lenMask(len))}`;
}

function run(list: Ipv4Prefixes, weight: number, line: (addr: number, len: number) => string): LineRun {
  return { count: list.len.length, weight, render: (j) => line(list.addr[j] ?? 0, list.len[j] ?? 0) };
}

export function listPixBlocks(layouts: readonly PixGroupLayout[], shimAddress: number): PixGroupBlock[] {
  const shimLine = (prefix: string): LineRun => {
    const text = renderMember(shimAddress, 32);
    return { count: 1, weight: 0, render: () => `${prefix}network-object ${text}` };
  };
  return layouts.map((l): PixGroupBlock => {
    if (l.kind === 'delete') return { head: `no object-group network ${l.name}`, headWeight: l.deleted };
    const spelledShim = l.spelled.get(memberKey(shimAddress, 32));
    const members: LineRun[] = [run(l.add, 1, (a, n) => ` network-object ${renderMember(a, n)}`)];
    if (l.addShim) members.push(shimLine(' '));
    if (l.removeShim) {
      members.push(
        spelledShim === undefined
          ? shimLine(' no ')
          : { count: 1, weight: 0, render: () => ` no network-object ${spelledShim}` },
      );
    }
    members.push(
      run(l.remove, 1, (a, n) => ` no network-object ${l.spelled.get(memberKey(a, n)) ?? renderMember(a, n)}`),
    );
    return { head: `object-group network ${l.name}`, headWeight: 0, members: members.filter((r) => r.count > 0) };
  });
}

/** A block's member runs as one list read in order (what CliSession.sendBatch takes), with progress by weight. */
export class MemberLines {
  readonly length: number;
  private readonly starts: number[] = [];
  constructor(private readonly runs: readonly LineRun[]) {
    let n = 0;
    for (const r of runs) {
      this.starts.push(n);
      n += r.count;
    }
    this.length = n;
  }

  at(index: number): string | undefined {
    for (let k = this.runs.length - 1; k >= 0; k--) {
      const start = this.starts[k] ?? 0;
      if (index >= start)
        return index - start < (this.runs[k]?.count ?? 0) ? this.runs[k]?.render(index - start) : undefined;
    }
    return undefined;
  }

  /** Member changes made by the first n lines. */
  doneAfter(n: number): number {
    let done = 0;
    for (const [k, r] of this.runs.entries())
      done += Math.max(0, Math.min(r.count, n - (this.starts[k] ?? 0))) * r.weight;
    return done;
  }

  get total(): number {
    return this.doneAfter(this.length);
  }
}

export interface RenderedCommands {
  readonly lines: readonly string[];
  readonly weights: readonly number[];
}

/** Every line the blocks send, each sub-mode closed with `exit` (golden files and tests; never for a big plan). */
export function materialiseBlocks(blocks: readonly PixGroupBlock[]): RenderedCommands {
  const lines: string[] = [];
  const weights: number[] = [];
  for (const b of blocks) {
    lines.push(b.head);
    weights.push(b.headWeight);
    if (b.members === undefined) continue;
    for (const r of b.members) {
      for (let j = 0; j < r.count; j++) {
        lines.push(r.render(j));
        weights.push(r.weight);
      }
    }
    lines.push('exit');
    weights.push(0);
  }
  return { lines, weights };
}

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

/** `count` lines rendered on demand (line j = render(j)), each making `weight` member changes. */
interface LineRun {
  readonly count: number;
  readonly weight: number;
  readonly render: (j: number) => string;
}

/**
 * The rendered lines of a plan, produced when asked: at 1M changes the strings never exist all at once, only the
 * window being sent (the session reads them in order). Lines come in runs (a header, a group's adds...).
 */
export class IosCommandList {
  private readonly runs: LineRun[] = [];
  /** Index of each run's first line, then the line count. */
  private readonly starts: number[] = [0];
  /** Member changes made by the lines before each run, then the total. */
  private readonly doneBefore: number[] = [0];
  /** Run of the last lookup: reads are sequential, so the search usually starts right. */
  private cursor = 0;

  get length(): number {
    return this.starts[this.starts.length - 1] ?? 0;
  }

  /** Member changes made by all the lines. */
  get total(): number {
    return this.doneBefore[this.doneBefore.length - 1] ?? 0;
  }

  pushLine(line: string, weight: number): void {
    this.pushRun({ count: 1, weight, render: () => line });
  }

  pushRun(run: LineRun): void {
    if (run.count === 0) return;
    this.runs.push(run);
    this.starts.push(this.length + run.count);
    this.doneBefore.push(this.total + run.count * run.weight);
  }

  at(index: number): string | undefined {
    if (!(index >= 0 && index < this.length)) return undefined;
    const r = this.findRun(index);
    return this.runs[r]?.render(index - (this.starts[r] ?? 0));
  }

  /** Member changes made by the first n lines (n = lines the device confirmed). */
  doneAfter(n: number): number {
    if (n <= 0) return 0;
    if (n >= this.length) return this.total;
    const r = this.findRun(n);
    return (this.doneBefore[r] ?? 0) + (n - (this.starts[r] ?? 0)) * (this.runs[r]?.weight ?? 0);
  }

  /** Every line and its weight as arrays (golden files, tests; never for a big plan). */
  materialise(): RenderedCommands {
    const lines: string[] = [];
    const weights: number[] = [];
    for (const run of this.runs) {
      for (let j = 0; j < run.count; j++) {
        lines.push(run.render(j));
        weights.push(run.weight);
      }
    }
    return { lines, weights };
  }

  /** The run holding line `index` (0 <= index < length). */
  private findRun(index: number): number {
    const c = this.cursor;
    if (index >= (this.starts[c] ?? 0) && index < (this.starts[c + 1] ?? 0)) return c;
    let lo = 0;
    let hi = this.runs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= index) lo = mid;
      else hi = mid - 1;
    }
    this.cursor = lo;
    return lo;
  }
}

function renderV4Block(
  out: IosCommandList,
  name: string,
  add: PrefixList,
  remove: PrefixList,
  o: IosRenderOptions,
): void {
  out.pushLine(`object-group network ${name}`, 0);
  const { addr, len } = add.v4;
  out.pushRun({ count: len.length, weight: 1, render: (i) => ' ' + renderV4Member(addr[i] ?? 0, len[i] ?? 0) });
  const maskHosts = o.maskHosts?.get(name);
  const r = remove.v4;
  out.pushRun({
    count: r.len.length,
    weight: 1,
    render: (i) => {
      const a = r.addr[i] ?? 0;
      return ' no ' + renderV4Member(a, r.len[i] ?? 0, maskHosts?.has(a) === true);
    },
  });
  out.pushLine('exit', 0);
}

function renderV6Block(out: IosCommandList, name: string, add: PrefixList, remove: PrefixList): void {
  out.pushLine(`object-group v6-network ${name}`, 0);
  const a = add.v6;
  out.pushRun({ count: a.len.length, weight: 1, render: (i) => ' ' + v6Member(a.words, i, a.len[i] ?? 0) });
  const r = remove.v6;
  out.pushRun({ count: r.len.length, weight: 1, render: (i) => ' no ' + v6Member(r.words, i, r.len[i] ?? 0) });
  out.pushLine('exit', 0);
}

/**
 * Configuration-mode lines for the changes, in plan order (without `configure terminal` / `end`), rendered on
 * demand. A create always makes the IPv4 group (ACLs name it) and the IPv6 twin only when it gets members.
 */
export function listGroupCommands(changes: readonly GroupChange[], o: IosRenderOptions = {}): IosCommandList {
  const out = new IosCommandList();
  for (const c of changes) {
    if (c.action === 'none') continue;
    if (c.action === 'delete') {
      out.pushLine(`no object-group network ${c.name}`, c.remove.v4.len.length);
      if (o.v6TwinsPresent?.has(c.name) === true || c.remove.v6.len.length > 0) {
        out.pushLine(`no object-group v6-network ${v6TwinName(c.name)}`, c.remove.v6.len.length);
      }
      continue;
    }
    if (c.action === 'create' || c.add.v4.len.length > 0 || c.remove.v4.len.length > 0) {
      renderV4Block(out, c.name, c.add, c.remove, o);
    }
    if (c.add.v6.len.length > 0 || c.remove.v6.len.length > 0) renderV6Block(out, v6TwinName(c.name), c.add, c.remove);
  }
  return out;
}

/** Every line of listGroupCommands with its weight, as arrays (golden files and tests). */
export function renderGroupChanges(changes: readonly GroupChange[], o: IosRenderOptions = {}): RenderedCommands {
  return listGroupCommands(changes, o).materialise();
}

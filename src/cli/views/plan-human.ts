// The plan for people, in the terraform manner: per device a header, per group the members to add (+) and remove
// (-), capped per group, then warnings, safety refusals and the summary line. Colour only when the caller says so.

import type { DevicePlan, GroupChange, Plan } from '../../plan/model.js';
import { capacityRefusal } from '../../plan/capacity.js';
import { hasChanges } from '../../plan/compute-plan.js';
import { printable } from '../../plan/message-text.js';
import { capacityWords, policyNotes, sourceCells, SOURCE_COLUMNS } from './plan-policy-text.js';
import { describeChange, describeUnmanaged, firstMembers, summaryLine } from './plan-text.js';

export interface PlanHumanOptions {
  /** ANSI colours; the caller turns them off when stdout is not a TTY. */
  readonly color: boolean;
  /** Members listed per group and direction before "... and N more". */
  readonly maxMembers?: number;
}

export const DEFAULT_MAX_MEMBERS = 50;
/** Longest warning or refusal shown. */
const MAX_NOTE = 2000;

const SYMBOL: Record<GroupChange['action'], string> = { create: '+', delete: '-', update: '~', none: '=' };

export function renderPlanHuman(plan: Plan, opts: PlanHumanOptions): string {
  const paint = (code: string) => (s: string) => (opts.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const c = { bold: paint('1'), green: paint('32'), red: paint('31'), yellow: paint('33') };
  const limit = opts.maxMembers ?? DEFAULT_MAX_MEMBERS;
  const out: string[] = [];
  if (plan.devices.length === 0) out.push('No devices to plan.');
  for (const device of plan.devices) {
    if (out.length > 0) out.push('');
    out.push(...renderDevice(device, limit, c));
  }
  return `${out.join('\n')}\n`;
}

type Painter = Record<'bold' | 'green' | 'red' | 'yellow', (s: string) => string>;

function renderDevice(p: DevicePlan, limit: number, c: Painter): string[] {
  const lines: string[] = [];
  const state = p.inputs.state ? `state serial ${p.inputs.state.serial}` : 'no state yet';
  lines.push(c.bold(`Device ${p.device} (${p.platform}, ${state}):`));
  for (const g of p.groups) {
    const colour =
      g.action === 'create'
        ? c.green
        : g.action === 'delete'
          ? c.red
          : g.action === 'update'
            ? c.yellow
            : (s: string) => s;
    const unmanaged = g.unmanaged > 0 ? `; ${describeUnmanaged(g)}` : '';
    lines.push(
      colour(`  ${SYMBOL[g.action]} object-group ${g.name} (${g.role} list): ${describeChange(g)}${unmanaged}`),
    );
    if (g.action === 'delete') continue;
    lines.push(...listMembers('+', g, 'add', limit, c.green));
    lines.push(...listMembers('-', g, 'remove', limit, c.red));
  }
  if (p.truncation) {
    const t = p.truncation;
    lines.push(
      c.yellow(
        `  Truncated: the policy exceeds objectGroups.maxEntries (${t.limit}): ${t.dropped} entries left out (first: ${t.sample.map((x) => printable(x)).join(', ')})`,
      ),
    );
  }
  lines.push(...policyLines(p, c));
  for (const l of p.layout ?? []) lines.push(`  Device: ${printable(l, MAX_NOTE)}`);
  // Free text (device lines quoted in warnings, or a plan file's): escaped, so it never drives the terminal.
  for (const w of p.warnings) lines.push(c.yellow(`  Warning: ${printable(w, MAX_NOTE)}`));
  // A capacity refusal says in its own words that --force does not lift it (plan/capacity.ts).
  const overCapacity = capacityRefusal(p);
  for (const r of p.refusals) {
    const why = r === overCapacity ? 'Refused' : 'Refused (apply needs --force)';
    lines.push(c.red(`  ${why}: ${printable(r, MAX_NOTE)}`));
  }
  lines.push(hasChanges(p) ? c.bold(summaryLine(p)) : c.green(`No changes. ${p.device} is up to date.`));
  return lines;
}

/** The sources as a table, the policy's notes and the capacity; nothing for a plan without them (old files). */
function policyLines(p: DevicePlan, c: Painter): string[] {
  const lines: string[] = [];
  if (p.policy) {
    const rows = [[...SOURCE_COLUMNS], ...p.policy.sources.map((s) => sourceCells(s).map((x) => printable(x)))];
    const widths = SOURCE_COLUMNS.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    lines.push('  Sources:');
    for (const r of rows) lines.push(`    ${r.map((x, i) => x.padEnd(widths[i]!)).join('  ')}`.trimEnd());
    for (const n of policyNotes(p.policy)) lines.push(`  Policy: ${printable(n, MAX_NOTE)}`);
  }
  if (p.capacity) {
    const over = p.capacity.used > p.capacity.limit;
    lines.push((over ? c.red : (s: string) => s)(`  Capacity: ${printable(capacityWords(p.capacity), MAX_NOTE)}`));
  }
  return lines;
}

function listMembers(
  sign: '+' | '-',
  g: GroupChange,
  which: 'add' | 'remove',
  limit: number,
  colour: (s: string) => string,
): string[] {
  const { shown, more } = firstMembers(g[which], limit);
  const lines = shown.map((m) => colour(`      ${sign} ${m}`));
  if (more > 0) lines.push(`      ... and ${more} more to ${which}`);
  return lines;
}

// The plan as a pull-request comment. GitHub rejects comments over 65,536 characters, so the text is built under a
// budget (60,000 by default) whatever the plan's size: counts per device and group in a table, warnings and
// refusals, the first changes in a collapsed <details> block, and where the full plan is. Sections that do not fit
// are cut with a line saying how much was left out.

import { prefixCount } from '../../cidr/index.js';
import type { DevicePlan, Plan } from '../../plan/model.js';
import { hasChanges } from '../../plan/compute-plan.js';
import { printable } from '../../plan/message-text.js';
import { firstMembers } from './plan-text.js';

export interface PlanMarkdownOptions {
  /** Where the full plan is (a path or URL), named at the end of the comment. */
  readonly planLocation?: string;
  /** Hard cap on the comment's length, in UTF-16 code units. */
  readonly maxChars?: number;
  /** Members listed per group and direction in the details block. */
  readonly maxMembers?: number;
}

export const MARKDOWN_MAX_CHARS = 60_000;
const DEFAULT_MAX_MEMBERS = 50;
/** Longest warning/refusal quoted: a device's foreign lines could be long. */
const MAX_MESSAGE = 400;
/** Room kept for the notice a cut section ends with. */
const NOTICE_ROOM = 200;
/** Shares of the remaining budget the table and the notes may take; the first changes get the rest. */
const TABLE_SHARE = 0.5;
const NOTES_SHARE = 0.4;
const MAX_UP_TO_DATE_NAMED = 20;

export function renderPlanMarkdown(plan: Plan, opts: PlanMarkdownOptions = {}): string {
  const maxChars = opts.maxChars ?? MARKDOWN_MAX_CHARS;
  const footer = renderFooter(opts.planLocation);
  const body = new Budget(maxChars - footer.length - 1);

  const totals = { add: 0, remove: 0, create: 0, delete: 0 };
  for (const d of plan.devices)
    for (const k of ['add', 'remove', 'create', 'delete'] as const) totals[k] += d.summary[k];
  const changedCount = plan.devices.filter(hasChanges).length;
  body.push('### tscm plan');
  body.push('');
  const rev = plan.gitRevision ? `revision \`${escapeCode(plan.gitRevision)}\`, ` : '';
  body.push(
    `${rev}${plan.devices.length} device(s), ${changedCount} with changes: **${totals.add} to add, ${totals.remove} to remove, ${totals.create} groups to create, ${totals.delete} to delete**`,
  );
  body.push('');

  // The table: one row per group of the devices with changes; the table and the notes each get a share of the
  // budget so that a fleet-wide plan still shows some of the changes themselves.
  const rows = plan.devices
    .filter(hasChanges)
    .flatMap((d) =>
      d.groups.map(
        (g) =>
          `| ${cell(d.device)} | ${cell(g.name)} (${g.role}) | ${g.action} | ${prefixCount(g.add)} | ${prefixCount(g.remove)} | ${g.before} → ${g.after} | ${g.unmanaged} | ${g.alreadyPresent} |`,
      ),
    );
  if (rows.length > 0) {
    body.push('| Device | Group | Action | Add | Remove | Members | Unmanaged | Already there, not managed |');
    body.push('|---|---|---|--:|--:|--:|--:|--:|');
    body.pushAll(rows, (n) => `| … | ${rows.length - n} more row(s) in the full plan | | | | | | |`, TABLE_SHARE);
    body.push('');
  }
  const upToDate = plan.devices.filter((d) => !hasChanges(d)).map((d) => cell(d.device));
  if (upToDate.length > 0) {
    const shown = upToDate.slice(0, MAX_UP_TO_DATE_NAMED);
    const more = upToDate.length > shown.length ? ` and ${upToDate.length - shown.length} more` : '';
    body.push(`Up to date: ${shown.join(', ')}${more}.`);
    body.push('');
  }

  const notes = plan.devices.flatMap((d) => [
    ...d.refusals.map((r) => `- :no_entry: **${cell(d.device)}** refused (apply needs \`--force\`): ${cell(clip(r))}`),
    ...(d.truncation
      ? [
          `- :warning: **${cell(d.device)}**: ${d.truncation.dropped} entries over the ${d.truncation.limit}-entry limit left out`,
        ]
      : []),
    ...d.warnings.map((w) => `- :warning: **${cell(d.device)}**: ${cell(clip(w))}`),
  ]);
  if (notes.length > 0) {
    body.pushAll(notes, (n) => `- … ${notes.length - n} more note(s) in the full plan`, NOTES_SHARE);
    body.push('');
  }

  const changed = plan.devices.filter(hasChanges);
  if (changed.length > 0) {
    const close = ['```', '', '</details>', ''];
    const closeLen = close.reduce((n, l) => n + l.length + 1, 0);
    if (body.fits(['<details><summary>First changes</summary>', '', '```diff'], closeLen + NOTICE_ROOM)) {
      body.push('<details><summary>First changes</summary>');
      body.push('');
      body.push('```diff');
      body.reserve(closeLen);
      // Generated lazily: a fleet's first changes fill the budget long before every device is formatted.
      const limit = opts.maxMembers ?? DEFAULT_MAX_MEMBERS;
      body.pushAll(
        (function* () {
          for (const d of changed) yield* detailLines(d, limit);
        })(),
        () => '# … more changes: see the full plan',
      );
      body.release(closeLen);
      for (const l of close) body.push(l);
    }
  }
  return `${body.text()}\n${footer}`;
}

function* detailLines(d: DevicePlan, limit: number): Generator<string> {
  for (const g of d.groups) {
    if (g.action === 'none') continue;
    yield `# ${d.device} ${g.name}: ${g.action}`;
    if (g.action === 'delete') continue;
    for (const [sign, list, word] of [
      ['+', g.add, 'add'],
      ['-', g.remove, 'remove'],
    ] as const) {
      const { shown, more } = firstMembers(list, limit);
      for (const m of shown) yield `${sign} ${m}`;
      if (more > 0) yield `# ... and ${more} more to ${word}`;
    }
  }
}

function renderFooter(location: string | undefined): string {
  if (!location) return '_The full plan: run `tscm plan` locally, or save it with `--out FILE`._';
  if (/^https?:\/\//.test(location))
    return `The full plan: [${cell(location)}](${location.replace(/[()\s]/g, encodeURIComponent)})`;
  return `The full plan: \`${escapeCode(location)}\``;
}

/** Lines under a character budget; pushAll cuts a list and ends it with a notice that always fits. */
class Budget {
  private readonly lines: string[] = [];
  private used = 0;
  private reserved = 0;

  constructor(private readonly limit: number) {}

  fits(lines: readonly string[], extra = 0): boolean {
    const need = lines.reduce((n, l) => n + l.length + 1, 0);
    return this.used + need + extra + this.reserved <= this.limit;
  }

  push(line: string): boolean {
    if (!this.fits([line])) return false;
    this.lines.push(line);
    this.used += line.length + 1;
    return true;
  }

  /** Pushes lines while they fit (within `share` of the budget left, when given), then the notice. */
  pushAll(lines: Iterable<string>, notice: (shown: number) => string, share = 1): void {
    const stopAt = this.used + Math.floor(share * (this.limit - this.reserved - this.used));
    let shown = 0;
    for (const line of lines) {
      if (!this.fits([line], NOTICE_ROOM) || this.used + line.length + 1 > stopAt) {
        this.push(notice(shown));
        return;
      }
      this.push(line);
      shown++;
    }
  }

  reserve(n: number): void {
    this.reserved += n;
  }

  release(n: number): void {
    this.reserved -= n;
  }

  text(): string {
    return this.lines.join('\n');
  }
}

function clip(s: string): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > MAX_MESSAGE ? `${one.slice(0, MAX_MESSAGE)}…` : one;
}

/** Text safe inside a table cell or list item: no HTML, no table breaks, no stray emphasis. */
function cell(s: string): string {
  return printable(s, MAX_MESSAGE)
    .replace(/\s+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#])/g, '\\$1');
}

function escapeCode(s: string): string {
  return s.replace(/[`\s]/g, '');
}

// The plan as a pull-request comment. The first line is the outcome with its counts (failed / refused / changes /
// no changes); a hidden marker follows, so a CI job finds its own comment and updates it in place. Then the devices
// that could not be planned, those removed from the definitions, a table of counts per device and group, the notes
// (refusals, the policy cut to maxEntries, warnings), the first changes in a collapsed block, the command that
// applies the saved plan and where the full plan is. GitHub rejects comments over 65,536 characters, so the whole
// text stays within a budget (60,000 by default) whatever the plan's size: a section that does not fit is cut, and
// one note under the status line says what was left out. Everything from devices, feeds or a plan file is escaped.

import { prefixCount } from '../../cidr/index.js';
import type { DevicePlan, Plan, PlanScope } from '../../plan/model.js';
import { hasChanges } from '../../plan/compute-plan.js';
import { ConfigError } from '../../errors.js';
import { Budget, type Cut } from './markdown-budget.js';
import { cell, codeSpan, linkTarget } from './markdown-text.js';
import { planStatus, planTotals, type PlanStatus, type PlanTotals } from './plan-status.js';
import { capacityWords, policyNotes, sourceCells, SOURCE_COLUMNS } from './plan-policy-text.js';
import { firstMembers } from './plan-text.js';

export interface PlanMarkdownOptions {
  /** Where the full plan is (a path or URL), named at the end of the comment. */
  readonly planLocation?: string;
  /** The command that applies this plan (`tscm apply FILE ...`); null or absent: the plan was not saved. */
  readonly applyCommand?: string | null;
  /** Tells several jobs' comments apart in one pull request: a marker of its own. */
  readonly commentId?: string;
  /** Hard cap on the text's length (its final newline included), in UTF-16 code units. */
  readonly maxChars?: number;
  /** Members listed per group and direction in the details block. */
  readonly maxMembers?: number;
}

export const MARKDOWN_MAX_CHARS = 60_000;
export const COMMENT_ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
const DEFAULT_MAX_MEMBERS = 50;
/** Room kept for the note saying what was cut. */
const CUT_NOTE_ROOM = 300;
/** Shares of the budget left that failures, the table and the notes may take; the first changes get the rest. */
const FAILURES_SHARE = 0.3;
const TABLE_SHARE = 0.5;
const NOTES_SHARE = 0.4;
const SOURCES_SHARE = 0.4;
const MAX_NAMED = 20;

/** The hidden line a CI job looks for to update its own comment: `<!-- tscm-plan -->` or `<!-- tscm-plan id=ID -->`. */
export function planMarker(commentId?: string): string {
  if (commentId === undefined) return '<!-- tscm-plan -->';
  if (!COMMENT_ID_PATTERN.test(commentId)) {
    throw new ConfigError(
      `--comment-id must be 1 to 64 letters, digits, '.', '_' or '-'`,
      'e.g. --comment-id production',
    );
  }
  return `<!-- tscm-plan id=${commentId} -->`;
}

const STATUS_WORDS: Record<PlanStatus, string> = {
  failed: ':x: **tscm plan: failed**',
  refused: ':no_entry: **tscm plan: refused**',
  changes: ':pencil2: **tscm plan: changes**',
  'no-changes': ':white_check_mark: **tscm plan: no changes**',
};

export function renderPlanMarkdown(plan: Plan, opts: PlanMarkdownOptions = {}): string {
  const maxChars = opts.maxChars ?? MARKDOWN_MAX_CHARS;
  const totals = planTotals(plan);
  const head = [statusLine(totals), planMarker(opts.commentId), '', ...contextLines(plan), ''];
  const tail = [...applyLines(totals, opts.applyCommand ?? null), '', footer(opts.planLocation)];
  const fixed = Budget.size(head) + Budget.size(tail) + CUT_NOTE_ROOM;
  if (fixed > maxChars) {
    throw new ConfigError(
      `--max-chars ${maxChars} leaves no room for the plan (its status, apply command and link take ${fixed})`,
      'raise --max-chars (GitHub takes 65,536 characters, GitLab 1,000,000)',
    );
  }
  const body = new Budget(maxChars - fixed);
  pushFailures(body, plan);
  pushRemoved(body, plan.scope);
  pushTable(body, plan);
  pushSources(body, plan);
  pushNotes(body, plan);
  pushFirstChanges(body, plan, opts.maxMembers ?? DEFAULT_MAX_MEMBERS);
  const note = body.cuts.length > 0 ? [cutNote(body.cuts, maxChars), ''] : [];
  const text = body.text();
  return [...head, ...note, ...(text === '' ? [] : [text]), ...tail].join('\n') + '\n';
}

function statusLine(t: PlanTotals): string {
  const parts = [STATUS_WORDS[planStatus(t)]];
  if (t.failed > 0) parts.push(`${t.failed} device(s) could not be planned`);
  if (t.refused > 0) parts.push(`${t.refused} refused for safety (apply needs \`--force\`)`);
  parts.push(
    t.withChanges > 0
      ? `${t.withChanges} of ${t.devices} device(s) with changes: ${t.add} to add, ${t.remove} to remove, ${t.create} group(s) to create, ${t.delete} to delete`
      : `${t.devices} device(s) up to date`,
  );
  return parts.join(' · ');
}

function contextLines(plan: Plan): string[] {
  const parts: string[] = [];
  if (plan.gitRevision) parts.push(`Revision ${codeSpan(plan.gitRevision)}`);
  const scope = describeScope(plan.scope);
  if (scope) parts.push(scope);
  return parts.length > 0 ? [parts.join(' · ')] : [];
}

function describeScope(scope: PlanScope | null | undefined): string | null {
  if (!scope) return null;
  if (scope.selection === 'all') return 'all devices';
  if (scope.selection === 'named') return 'the devices named';
  const since = scope.changedSince;
  return since
    ? `the devices whose definitions changed since ${codeSpan(since.ref)} (${codeSpan(since.commit.slice(0, 12))})`
    : 'the devices whose definitions changed';
}

function pushFailures(body: Budget, plan: Plan): void {
  const failures = plan.failures ?? [];
  if (failures.length === 0) return;
  body.pushIfFits(`**Could not be planned** (${failures.length}):`);
  const lines = failures.map((f) => {
    const hint = f.hint === null ? '' : ` (${cell(f.hint)})`;
    return `- :x: **${cell(f.device)}** at step ${codeSpan(f.step)}: ${cell(f.message)}${hint}`;
  });
  body.pushAll(lines, { what: 'failures', mark: '- …', total: lines.length }, FAILURES_SHARE);
  body.pushIfFits('');
}

function pushRemoved(body: Budget, scope: PlanScope | null | undefined): void {
  const removed = scope?.removedFromDefinitions ?? [];
  if (removed.length === 0) return;
  const since = scope?.changedSince ? ` since ${codeSpan(scope.changedSince.ref)}` : '';
  body.pushIfFits(
    `:wastebasket: **Removed from the definitions**${since}: ${named(removed)}. Their groups stay on the device(s): ` +
      'a plan never removes them; `tscm remove` (while the definition exists) or an explicit `--prune` does.',
    '',
  );
}

function pushTable(body: Budget, plan: Plan): void {
  const changed = plan.devices.filter(hasChanges);
  const rows = changed.flatMap((d) =>
    d.groups.map(
      (g) =>
        `| ${cell(d.device)} | ${cell(g.name)} (${g.role}) | ${g.action} | ${prefixCount(g.add)} | ${prefixCount(g.remove)} | ${g.before} → ${g.after} | ${g.unmanaged} | ${g.alreadyPresent} |`,
    ),
  );
  if (rows.length > 0) {
    body.pushIfFits(
      '| Device | Group | Action | Add | Remove | Members | Unmanaged | Already there, not managed |',
      '|---|---|---|--:|--:|--:|--:|--:|',
    );
    body.pushAll(rows, { what: 'table rows', mark: '| … | | | | | | | |', total: rows.length }, TABLE_SHARE);
    body.pushIfFits('');
  }
  const upToDate = plan.devices.filter((d) => !hasChanges(d)).map((d) => d.device);
  if (upToDate.length > 0) body.pushIfFits(`Up to date: ${named(upToDate, false)}.`, '');
}

/** Per device and source: the counts and the gate (plans made before issue 12 have no sources: nothing). */
function pushSources(body: Budget, plan: Plan): void {
  const rows = plan.devices.flatMap((d) =>
    (d.policy?.sources ?? []).map(
      (s) =>
        `| ${cell(d.device)} | ${sourceCells(s)
          .map((x) => cell(x))
          .join(' | ')} |`,
    ),
  );
  if (rows.length === 0) return;
  body.pushIfFits(
    `| Device | ${SOURCE_COLUMNS.map((c) => c[0]!.toUpperCase() + c.slice(1)).join(' | ')} |`,
    '|---|---|--:|---|--:|--:|--:|--:|--:|--:|--:|---|',
  );
  const mark = `|${' … |'.repeat(SOURCE_COLUMNS.length + 1)}`;
  body.pushAll(rows, { what: 'source rows', mark, total: rows.length }, SOURCES_SHARE);
  body.pushIfFits('');
}

function pushNotes(body: Budget, plan: Plan): void {
  const notes = plan.devices.flatMap((d) => [
    ...d.refusals.map((r) => `- :no_entry: **${cell(d.device)}** refused (apply needs \`--force\`): ${cell(r)}`),
    ...(d.truncation
      ? [
          `- :warning: **${cell(d.device)}**: the policy exceeds objectGroups.maxEntries (${d.truncation.limit}): ${d.truncation.dropped} entries left out`,
        ]
      : []),
    ...d.warnings.map((w) => `- :warning: **${cell(d.device)}**: ${cell(w)}`),
    ...(d.capacity ? [`- **${cell(d.device)}**: capacity: ${cell(capacityWords(d.capacity))}`] : []),
    ...(d.policy ? policyNotes(d.policy).map((n) => `- **${cell(d.device)}**: ${cell(n)}`) : []),
    ...(d.layout ?? []).map((l) => `- **${cell(d.device)}**: ${cell(l)}`),
  ]);
  if (notes.length === 0) return;
  body.pushAll(notes, { what: 'notes', mark: '- …', total: notes.length }, NOTES_SHARE);
  body.pushIfFits('');
}

function pushFirstChanges(body: Budget, plan: Plan, limit: number): void {
  const changed = plan.devices.filter(hasChanges);
  if (changed.length === 0) return;
  const open = ['<details><summary>First changes</summary>', '', '```diff'];
  const close = ['```', '', '</details>'];
  if (!body.fits(open, Budget.size(close) + 100)) {
    body.cuts.push({ what: 'the changes themselves', count: null });
    return;
  }
  body.pushIfFits(...open);
  body.reserve(Budget.size(close));
  // Generated lazily: a fleet's first changes fill the budget long before every device is formatted.
  body.pushAll(
    (function* () {
      for (const d of changed) yield* detailLines(d, limit);
    })(),
    { what: 'more changes', mark: '# …' },
  );
  body.release(Budget.size(close));
  body.pushIfFits(...close);
}

function* detailLines(d: DevicePlan, limit: number): Generator<string> {
  for (const g of d.groups) {
    if (g.action === 'none') continue;
    // Device and group names match [A-Za-z0-9_.-] (the schemas): nothing in them can end the code block.
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

function applyLines(t: PlanTotals, command: string | null): string[] {
  if (t.withChanges === 0) return [t.failed > 0 ? 'Nothing to apply for the devices planned.' : 'Nothing to apply.'];
  const force = t.refused > 0 ? ' (the refused devices need `--force`)' : '';
  const partial = t.failed > 0 ? ' It applies the devices planned, not those that failed.' : '';
  if (command === null)
    return [`**Apply:** save the plan with \`tscm plan --out FILE\`, then \`tscm apply FILE\`${force}.${partial}`];
  return [`**Apply:** ${codeSpan(command, 600)}${force}${partial}`];
}

function footer(location: string | undefined): string {
  if (!location) return '_The full plan: run `tscm plan` locally, or save it with `--out FILE`._';
  const target = linkTarget(location);
  if (target !== null) return `The full plan: [${cell(location, 200)}](${target})`;
  return `The full plan: ${codeSpan(location, 300)}`;
}

function cutNote(cuts: readonly Cut[], maxChars: number): string {
  const parts = cuts.map((c) => (c.count === null ? c.what : `${c.count} ${c.what}`));
  return `> :scissors: Shortened to fit ${maxChars} characters: ${parts.join(', ')} left out. The full plan has everything.`;
}

function named(names: readonly string[], bold = true): string {
  const shown = names.slice(0, MAX_NAMED).map((n) => (bold ? `**${cell(n, 64)}**` : cell(n, 64)));
  const more = names.length > shown.length ? ` and ${names.length - shown.length} more` : '';
  return `${shown.join(', ')}${more}`;
}

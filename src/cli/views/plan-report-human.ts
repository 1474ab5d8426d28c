// What a plan says besides its devices' changes, for people: which devices it covers (`--changed-since`), those
// removed from the definitions, and the devices that could not be planned. Text from a plan file is untrusted:
// invisible characters are escaped and no line of it can start at the left margin (no forged "Error:" line).

import type { PlanFailure, PlanScope } from '../../plan/model.js';
import { printable } from '../../plan/message-text.js';

const MAX_LINE = 2000;
const MAX_LINES = 20;

export function renderScopeHuman(scope: PlanScope | null | undefined, planned: number): string {
  if (!scope || scope.selection !== 'changed') return '';
  const lines: string[] = [];
  const since = scope.changedSince
    ? ` since ${printable(scope.changedSince.ref)} (${scope.changedSince.commit.slice(0, 12)})`
    : '';
  lines.push(`Planned the ${planned} device(s) whose definitions changed${since}.`);
  if (scope.removedFromDefinitions.length > 0) {
    lines.push(
      `Removed from the definitions${since}: ${scope.removedFromDefinitions.map((n) => printable(n)).join(', ')}. ` +
        'Their groups stay on the device(s): a plan never removes them; `tscm remove` (while the definition exists) ' +
        'or an explicit --prune does.',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** One block per failure (step, message, hint) and the count, as the plan command prints them to stderr. */
export function renderPlanFailuresHuman(failures: readonly PlanFailure[]): string {
  const lines: string[] = [];
  for (const f of failures) {
    lines.push(`Error: ${printable(f.device)}: ${printable(f.step)} failed: ${indented(f.message)}`);
    if (f.hint !== null) lines.push(`  hint: ${indented(f.hint)}`);
  }
  lines.push(`${failures.length} device(s) failed.`);
  return `${lines.join('\n')}\n`;
}

/** A message's lines, escaped; its continuation lines indented unless they already are. */
function indented(text: string): string {
  const all = text.split('\n');
  const lines = all.slice(0, MAX_LINES).map((l, i) => {
    const safe = printable(l, MAX_LINE);
    return i === 0 || /^\s/.test(safe) ? safe : `  ${safe}`;
  });
  if (all.length > MAX_LINES) lines.push(`  ... (${all.length - MAX_LINES} more lines)`);
  return lines.join('\n');
}

// tscm show PLANFILE: a saved plan (`tscm plan --out`, or one of the plan history's .json.gz) for people, or with
// --json the same document `tscm plan --json` printed. A plan file is untrusted: it is validated on read and every
// text from it is escaped in the views.

import { readPlanFile } from '../../plan/plan-file.js';
import { printable } from '../../plan/message-text.js';
import { useColor } from '../color.js';
import { renderPlanHuman } from '../views/plan-human.js';
import { renderPlanJson } from '../views/plan-json.js';
import { renderPlanFailuresHuman, renderScopeHuman } from '../views/plan-report-human.js';

export interface ShowOptions {
  json?: boolean;
  color: boolean;
}

export async function showCommand(file: string, opts: ShowOptions): Promise<number> {
  const plan = await readPlanFile(file);
  if (opts.json) {
    process.stdout.write(renderPlanJson(plan) + '\n');
    return 0;
  }
  const revision = plan.gitRevision === null ? 'no git revision' : `revision ${printable(plan.gitRevision, 80)}`;
  process.stdout.write(`Plan made ${printable(plan.createdAt)} at ${revision}.\n\n`);
  process.stdout.write(renderPlanHuman(plan, { color: useColor(opts.color) }));
  const scope = renderScopeHuman(plan.scope, plan.devices.length);
  if (scope) process.stdout.write(`\n${scope}`);
  if (plan.failures && plan.failures.length > 0) process.stdout.write(`\n${renderPlanFailuresHuman(plan.failures)}`);
  return 0;
}

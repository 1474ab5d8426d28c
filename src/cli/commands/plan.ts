// tscm plan: a dry run. Reads each device (or, with --refresh=false, trusts the stored state), prints the
// changes as text, JSON or a pull-request comment, optionally saves the plan for `tscm apply FILE`.

import { ConfigError } from '../../errors.js';
import { writePlanFile } from '../../plan/plan-file.js';
import { hasChanges } from '../../plan/compute-plan.js';
import { loadFleet } from '../../reconcile/fleet.js';
import { planFleet } from '../../reconcile/plan-fleet.js';
import { useColor } from '../color.js';
import { createLogger, type LogLevel } from '../logger.js';
import { renderFailures } from '../views/failures-human.js';
import { renderPlanHuman } from '../views/plan-human.js';
import { renderPlanJson } from '../views/plan-json.js';
import { renderPlanMarkdown } from '../views/plan-markdown.js';

export interface PlanOptions {
  dir: string;
  out?: string;
  json?: boolean;
  markdown?: boolean;
  planUrl?: string;
  detailedExitcode?: boolean;
  refresh: string;
  adopt?: boolean;
  color: boolean;
  logLevel: LogLevel;
  logFormat: 'text' | 'json';
}

export function parseBooleanFlag(name: string, value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new ConfigError(`--${name} takes true or false, not "${value}"`, `e.g. --${name}=false`);
}

export async function planCommand(names: string[], opts: PlanOptions): Promise<number> {
  const refresh = parseBooleanFlag('refresh', opts.refresh);
  const log = createLogger({ level: opts.logLevel, format: opts.logFormat });
  const fleet = await loadFleet(opts.dir, names, log);
  const { plan, planned, failures } = await planFleet(fleet, { refresh, adopt: opts.adopt ?? false });

  if (opts.out) await writePlanFile(opts.out, plan);
  // At once: the git state backend records them all in one pushed commit.
  await Promise.all(planned.map((p) => fleet.store.appendPlanHistory(p.spec.name, plan)));

  const planLocation = opts.planUrl ?? opts.out;
  if (opts.json) process.stdout.write(renderPlanJson(plan, failures) + '\n');
  else if (opts.markdown) process.stdout.write(renderPlanMarkdown(plan, { planLocation }) + '\n');
  else process.stdout.write(renderPlanHuman(plan, { color: useColor(opts.color) }));
  if (opts.out && !opts.json && !opts.markdown)
    process.stdout.write(`\nSaved the plan to ${opts.out}; apply it with: tscm apply ${opts.out}\n`);

  if (failures.length > 0) {
    process.stderr.write(renderFailures(failures));
    return 1;
  }
  const changes = plan.devices.some(hasChanges) || planned.some((p) => p.peersOutOfStep > 0);
  return opts.detailedExitcode && changes ? 2 : 0;
}

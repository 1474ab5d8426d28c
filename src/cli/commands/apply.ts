// tscm apply [PLANFILE | DEVICE...]: applies a saved plan (refused when stale), or plans the named devices and
// applies after confirmation. Shows progress on long applies and prints what was done.

import { existsSync, statSync } from 'node:fs';
import { ConfigError } from '../../errors.js';
import type { Plan } from '../../plan/model.js';
import { readPlanFile } from '../../plan/plan-file.js';
import { hasChanges } from '../../plan/compute-plan.js';
import { applyFleet } from '../../reconcile/apply-fleet.js';
import { loadFleet } from '../../reconcile/fleet.js';
import { planFleet } from '../../reconcile/plan-fleet.js';
import { useColor } from '../color.js';
import { confirm } from '../confirm.js';
import { createLogger, type LogLevel } from '../logger.js';
import { createProgressReporter } from '../progress.js';
import { renderApplyResult } from '../views/apply-human.js';
import { renderFailures } from '../views/failures-human.js';
import { renderPlanHuman } from '../views/plan-human.js';

export interface ApplyOptions {
  dir: string;
  autoApprove?: boolean;
  force?: boolean;
  adopt?: boolean;
  color: boolean;
  logLevel: LogLevel;
  logFormat: 'text' | 'json';
}

function isPlanFile(args: string[]): boolean {
  return args.length === 1 && existsSync(args[0]!) && statSync(args[0]!).isFile();
}

export async function applyCommand(args: string[], opts: ApplyOptions): Promise<number> {
  const log = createLogger({ level: opts.logLevel, format: opts.logFormat });
  const color = useColor(opts.color);
  let plan: Plan;
  let planFailures: readonly { device: string; step: string; error: unknown }[] = [];
  let peersOutOfStep = 0;
  let fleet;
  if (isPlanFile(args)) {
    plan = await readPlanFile(args[0]!);
    fleet = await loadFleet(
      opts.dir,
      plan.devices.map((d) => d.device),
      log,
    );
  } else {
    fleet = await loadFleet(opts.dir, args, log);
    const planned = await planFleet(fleet, { refresh: true, adopt: opts.adopt ?? false });
    plan = planned.plan;
    planFailures = planned.failures;
    peersOutOfStep = planned.planned.reduce((n, p) => n + p.peersOutOfStep, 0);
  }
  process.stdout.write(renderPlanHuman(plan, { color }));
  const changes = plan.devices.some(hasChanges) || peersOutOfStep > 0;
  if (changes && !opts.autoApprove) {
    if (!process.stdin.isTTY) {
      throw new ConfigError(
        'refusing to apply without confirmation: standard input is not a terminal',
        'pass --auto-approve',
      );
    }
    if (!(await confirm('\nDo you want to apply these changes? Only "yes" will be accepted: '))) {
      process.stdout.write('Apply cancelled.\n');
      return 1;
    }
  }
  const progress = createProgressReporter(process.stderr);
  const result = await applyFleet(fleet, plan, {
    force: opts.force ?? false,
    adopt: opts.adopt ?? false,
    command: `tscm apply ${args.join(' ')}`.trim(),
    onProgress: progress.update,
  });
  progress.done();
  process.stdout.write(renderApplyResult(result.applied, { color }));
  const failures = [...planFailures, ...result.failures];
  if (failures.length > 0) {
    process.stderr.write(renderFailures(failures));
    return 1;
  }
  return 0;
}

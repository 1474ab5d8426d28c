// tscm apply [PLANFILE | DEVICE...]: applies a saved plan (refused when stale or not exactly the plan its inputs
// give), or plans the named devices and applies after confirmation. Shows progress on long applies and prints
// what was done. Exit codes: 0 done, 1 error, 3 a device with changes was skipped (policyUpdates: false),
// 130/143 interrupted by SIGINT/SIGTERM (what reached the devices is recorded).

import { existsSync, statSync } from 'node:fs';
import { ConfigError } from '../../errors.js';
import type { Plan } from '../../plan/model.js';
import { readPlanFile } from '../../plan/plan-file.js';
import { hasChanges } from '../../plan/compute-plan.js';
import { applyFleet, type FleetApplyResult } from '../../reconcile/apply-fleet.js';
import { loadFleet } from '../../reconcile/fleet.js';
import { planFleet } from '../../reconcile/plan-fleet.js';
import { useColor } from '../color.js';
import { confirm } from '../confirm.js';
import { handleInterrupts, type InterruptHandler } from '../interrupt.js';
import { createLogger, type LogFormat, type LogLevel } from '../logger.js';
import { createProgressReporter } from '../progress.js';
import { notice, reportFailures } from '../stderr-notice.js';
import { renderApplyResult, renderSkipped } from '../views/apply-human.js';
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

/** A device with changes left unapplied because its definition says policyUpdates: false. */
const EXIT_SKIPPED = 3;

function isPlanFile(args: string[]): boolean {
  return args.length === 1 && existsSync(args[0]!) && statSync(args[0]!).isFile();
}

export async function applyCommand(args: string[], opts: ApplyOptions): Promise<number> {
  const interrupts = handleInterrupts((text) => notice(opts.logFormat, text));
  try {
    return await applyWith(args, opts, interrupts);
  } finally {
    interrupts.dispose();
  }
}

async function applyWith(args: string[], opts: ApplyOptions, interrupts: InterruptHandler): Promise<number> {
  const log = createLogger({ level: opts.logLevel, format: opts.logFormat });
  const color = useColor(opts.color);
  let plan: Plan;
  let planFailures: readonly { device: string; step: string; error: unknown }[] = [];
  let peersOutOfStep = 0;
  let fleet;
  const fromFile = isPlanFile(args);
  if (fromFile) {
    if (opts.adopt) {
      throw new ConfigError(
        '--adopt does not apply to a saved plan: the plan records whether it was made with --adopt',
        'make the plan with `tscm plan --adopt --out FILE`, then apply that file',
      );
    }
    plan = await readPlanFile(args[0]!);
    fleet = await loadFleet(
      opts.dir,
      plan.devices.map((d) => d.device),
      log,
    );
  } else {
    fleet = await loadFleet(opts.dir, args, log);
    const planned = await planFleet(fleet, { refresh: true, adopt: opts.adopt ?? false, force: opts.force ?? false });
    plan = planned.plan;
    planFailures = planned.failures;
    peersOutOfStep = planned.planned.reduce((n, p) => n + p.peersOutOfStep, 0);
  }
  process.stdout.write(renderPlanHuman(plan, { color }));
  if (interrupts.received) {
    notice(opts.logFormat, `Interrupted by ${interrupts.received} before anything was sent.\n`);
    return interrupts.exitCode;
  }
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
  const progress = createProgressReporter(process.stderr, opts.logFormat);
  const result = await applyFleet(fleet, plan, {
    force: opts.force ?? false,
    fromFile,
    command: `tscm apply ${args.join(' ')}`.trim(),
    onProgress: progress.update,
    signal: interrupts.signal,
  });
  progress.done();
  process.stdout.write(renderApplyResult(result.applied, { color }));
  process.stdout.write(renderSkipped(result.skipped));
  return report(result, planFailures, interrupts, opts.logFormat);
}

function report(
  result: FleetApplyResult,
  planFailures: readonly { device: string; step: string; error: unknown }[],
  interrupts: InterruptHandler,
  format: LogFormat,
): number {
  if (result.interrupted || interrupts.received) {
    // applyFleet returns right after the device the signal stopped: it is the last failure, reported in the summary.
    const stopped = result.interrupted ? result.failures[result.failures.length - 1] : undefined;
    const others = [...planFailures, ...result.failures.filter((f) => f !== stopped)];
    if (others.length > 0) reportFailures(format, others);
    const where =
      stopped && result.interrupted
        ? `${stopped.device} stopped after ${result.interrupted.reached} confirmed member changes; `
        : '';
    notice(
      format,
      `Interrupted by ${interrupts.received ?? 'a signal'}: ${where}what reached the devices is recorded in tscm's state. Run tscm apply again to finish.\n`,
    );
    return interrupts.exitCode;
  }
  const failures = [...planFailures, ...result.failures];
  if (failures.length > 0) {
    reportFailures(format, failures);
    return 1;
  }
  return result.skipped.some((s) => s.pending) ? EXIT_SKIPPED : 0;
}

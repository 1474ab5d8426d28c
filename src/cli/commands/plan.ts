// tscm plan: a dry run. Reads each device (or, with --refresh=false, trusts the stored state), prints the
// changes as text, JSON or a pull-request comment, optionally saves the plan for `tscm apply FILE`. With
// --changed-since REV only the devices whose definitions changed since REV are planned.

import { ConfigError } from '../../errors.js';
import { writePlanFile } from '../../plan/plan-file.js';
import { hasChanges } from '../../plan/compute-plan.js';
import type { Plan, PlanScope } from '../../plan/model.js';
import { planFailureOf } from '../../plan/plan-failure.js';
import { devicesChangedSince } from '../../reconcile/changed-since.js';
import { loadFleet, type Fleet } from '../../reconcile/fleet.js';
import { planFleet } from '../../reconcile/plan-fleet.js';
import { useColor } from '../color.js';
import { createLogger, type LogLevel } from '../logger.js';
import { reportFailures } from '../stderr-notice.js';
import { applyCommandLine } from '../views/markdown-text.js';
import { renderPlanHuman } from '../views/plan-human.js';
import { renderPlanJson } from '../views/plan-json.js';
import { MARKDOWN_MAX_CHARS, planMarker, renderPlanMarkdown } from '../views/plan-markdown.js';
import { renderPlanFailuresHuman, renderScopeHuman } from '../views/plan-report-human.js';

export interface PlanOptions {
  dir: string;
  out?: string;
  json?: boolean;
  markdown?: boolean;
  planUrl?: string;
  maxChars?: string;
  commentId?: string;
  changedSince?: string;
  detailedExitcode?: boolean;
  refresh: string;
  adopt?: boolean;
  /** Let tripped integrity gates through in this plan (applied only with `tscm apply FILE --force`). */
  force?: boolean;
  color: boolean;
  logLevel: LogLevel;
  logFormat: 'text' | 'json';
}

/** The smallest and largest --max-chars: room for the status and the links; GitLab's note limit. */
const MIN_MARKDOWN_CHARS = 2_000;
const MAX_MARKDOWN_CHARS = 1_000_000;

export function parseBooleanFlag(name: string, value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new ConfigError(`--${name} takes true or false, not "${value}"`, `e.g. --${name}=false`);
}

export function parseMaxChars(value: string | undefined): number {
  if (value === undefined) return MARKDOWN_MAX_CHARS;
  const n = /^[0-9]{1,9}$/.test(value) ? Number(value) : NaN;
  if (!(n >= MIN_MARKDOWN_CHARS && n <= MAX_MARKDOWN_CHARS)) {
    throw new ConfigError(
      `--max-chars takes a number of characters from ${MIN_MARKDOWN_CHARS} to ${MAX_MARKDOWN_CHARS}, not "${value.slice(0, 20)}"`,
      `GitHub takes comments up to 65,536 characters: the default ${MARKDOWN_MAX_CHARS} fits`,
    );
  }
  return n;
}

export async function planCommand(names: string[], opts: PlanOptions): Promise<number> {
  const refresh = parseBooleanFlag('refresh', opts.refresh);
  if (!opts.markdown && (opts.maxChars !== undefined || opts.commentId !== undefined)) {
    throw new ConfigError('--max-chars and --comment-id shape the markdown view', 'add --markdown, or drop them');
  }
  const maxChars = parseMaxChars(opts.maxChars);
  if (opts.commentId !== undefined) planMarker(opts.commentId);
  if (opts.changedSince !== undefined && names.length > 0) {
    throw new ConfigError(
      'name devices or use --changed-since, not both',
      '--changed-since picks the devices whose definitions changed',
    );
  }
  const log = createLogger({ level: opts.logLevel, format: opts.logFormat });
  const { fleet, scope } = await selectFleet(await loadFleet(opts.dir, names, log), names, opts.changedSince);
  const result = await planFleet(fleet, { refresh, adopt: opts.adopt ?? false, force: opts.force ?? false });
  const plan: Plan = { ...result.plan, failures: result.failures.map(planFailureOf), scope };

  if (opts.out) await writePlanFile(opts.out, plan);
  // The history keeps each device's own part of the plan, without the other devices' failures; at once: the git
  // state backend records them all in one pushed commit.
  await Promise.all(result.planned.map((p) => fleet.store.appendPlanHistory(p.spec.name, result.plan)));

  if (opts.json) process.stdout.write(renderPlanJson(plan) + '\n');
  else if (opts.markdown) {
    process.stdout.write(
      renderPlanMarkdown(plan, {
        planLocation: opts.planUrl ?? opts.out,
        applyCommand: applyCommandLine(opts.out, opts.dir),
        maxChars,
        ...(opts.commentId === undefined ? {} : { commentId: opts.commentId }),
      }),
    );
  } else {
    process.stdout.write(renderPlanHuman(plan, { color: useColor(opts.color) }));
    const scopeText = renderScopeHuman(scope, plan.devices.length);
    if (scopeText) process.stdout.write(`\n${scopeText}`);
  }
  if (opts.out && !opts.json && !opts.markdown)
    process.stdout.write(`\nSaved the plan to ${opts.out}; apply it with: tscm apply ${opts.out}\n`);

  if (plan.failures && plan.failures.length > 0) {
    // JSON logs: one structured line per failure, never the text block in a JSON stream.
    if (opts.logFormat === 'json') {
      const records = plan.failures.map((f) => ({ ...f, error: { message: f.message, hint: f.hint ?? undefined } }));
      reportFailures('json', records);
    } else process.stderr.write(renderPlanFailuresHuman(plan.failures));
    return 1;
  }
  const changes = plan.devices.some(hasChanges) || result.planned.some((p) => p.peersOutOfStep > 0);
  return opts.detailedExitcode && changes ? 2 : 0;
}

async function selectFleet(
  fleet: Fleet,
  names: readonly string[],
  changedSince: string | undefined,
): Promise<{ fleet: Fleet; scope: PlanScope }> {
  if (changedSince === undefined) {
    return {
      fleet,
      scope: { selection: names.length > 0 ? 'named' : 'all', changedSince: null, removedFromDefinitions: [] },
    };
  }
  const inGit = (await fleet.revision()) !== null;
  const changed = await devicesChangedSince(fleet.dir, changedSince, fleet.devices, inGit);
  return {
    fleet: { ...fleet, devices: changed.devices },
    scope: {
      selection: 'changed',
      changedSince: { ref: changed.ref, commit: changed.commit },
      removedFromDefinitions: changed.removed,
    },
  };
}

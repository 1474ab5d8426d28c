// `tscm plan` without commander: the hourly plan of a pipeline (and CI's plan of a pull request) runs it, and
// loading commander, building the whole program and running ~35 chunks through the loader was a part of its fixed
// cost. startup-options.ts reads the command line (devices, and the options below, as program.ts gives them to
// plan), or leaves it to commander: --markdown and its options, --changed-since and --plan-url go there.

import type { PlanOptions } from './commands/plan.js';
import { commonOptions, readShortCommand } from './startup-options.js';

export interface PlanFastArgs {
  readonly devices: readonly string[];
  /** As commander gives them to planCommand, but the log format, which may be left to stderr's kind. */
  readonly opts: Omit<PlanOptions, 'logFormat'> & { readonly logFormat?: PlanOptions['logFormat'] };
}

const SPEC = {
  valued: new Set(['--dir', '--log-level', '--log-format', '--refresh', '--out']),
  flags: new Set(['--json', '--detailed-exitcode', '--adopt', '--force', '--no-color']),
  args: 'any' as const,
};

/** plan's devices and options from argv (after node and the script), or undefined for commander. */
export function planArgs(args: readonly string[], env: NodeJS.ProcessEnv): PlanFastArgs | undefined {
  if (args[0] !== 'plan') return undefined;
  const line = readShortCommand(args, SPEC);
  const common = line === undefined ? undefined : commonOptions(line.given, env);
  if (line === undefined || common === undefined) return undefined;
  const { given } = line;
  const value = (name: string) => {
    const v = given.get(name);
    return typeof v === 'string' ? v : undefined;
  };
  const out = value('--out');
  return {
    devices: line.args,
    opts: {
      ...common,
      // commander's default for --refresh; planCommand judges the value as it does commander's.
      refresh: value('--refresh') ?? 'true',
      color: !given.has('--no-color'),
      ...(out === undefined ? {} : { out }),
      ...(given.has('--json') ? { json: true } : {}),
      ...(given.has('--detailed-exitcode') ? { detailedExitcode: true } : {}),
      ...(given.has('--adopt') ? { adopt: true } : {}),
      ...(given.has('--force') ? { force: true } : {}),
    },
  };
}

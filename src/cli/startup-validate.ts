// `tscm validate` without commander: a CI job runs it on every push, and loading commander and building the whole
// program (143 KB, child_process) was a fifth of its start-up. startup-options.ts reads the command line, or leaves
// it to commander.

import type { LogFormat } from './logger.js';
import { commonOptions, readShortCommand } from './startup-options.js';

export interface ValidateArgs {
  readonly dir: string;
  readonly json?: true;
  /** As asked (flag or environment); left out, an error is reported by stderr's kind (run-command.ts). */
  readonly logFormat?: LogFormat;
}

const SPEC = {
  valued: new Set(['--dir', '--log-level', '--log-format']),
  flags: new Set(['--json', '--no-color']),
  args: 0,
};

/** validate's options from argv (after node and the script), or undefined when commander must read them. */
export function validateArgs(args: readonly string[], env: NodeJS.ProcessEnv): ValidateArgs | undefined {
  if (args[0] !== 'validate') return undefined;
  const line = readShortCommand(args, SPEC);
  const common = line === undefined ? undefined : commonOptions(line.given, env);
  if (line === undefined || common === undefined) return undefined;
  return {
    dir: common.dir,
    ...(line.given.has('--json') ? { json: true as const } : {}),
    ...(common.logFormat === undefined ? {} : { logFormat: common.logFormat }),
  };
}

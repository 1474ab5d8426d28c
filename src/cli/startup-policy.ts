// `tscm policy DEVICE --cidrs` without commander: a script's feed, whose whole-process time is compared with FireHOL
// iprange's (bench/policy-cidrs.mjs), and loading commander and building the whole program was ~7 ms of it.
// startup-options.ts reads the command line (one device, --cidrs, and the options program.ts gives policy but
// --json), or leaves it to commander.

import type { LogFormat, LogLevel } from './logger.js';
import { commonOptions, readShortCommand } from './startup-options.js';

export interface PolicyCidrsArgs {
  readonly device: string;
  readonly dir: string;
  readonly logLevel: LogLevel;
  /** As asked (flag or environment); left out, it is settled by stderr's kind as commander's preAction hook does. */
  readonly logFormat?: LogFormat;
}

const SPEC = {
  valued: new Set(['--dir', '--log-level', '--log-format']),
  flags: new Set(['--cidrs', '--no-color']),
  args: 1,
};

/** `policy DEVICE --cidrs`'s options from argv (after node and the script), or undefined for commander. */
export function policyCidrsArgs(args: readonly string[], env: NodeJS.ProcessEnv): PolicyCidrsArgs | undefined {
  if (args[0] !== 'policy') return undefined;
  const line = readShortCommand(args, SPEC);
  if (line === undefined || !line.given.has('--cidrs')) return undefined;
  const common = commonOptions(line.given, env);
  return common === undefined ? undefined : { device: line.args[0]!, ...common };
}

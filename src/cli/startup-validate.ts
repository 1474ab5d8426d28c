// `tscm validate` without commander: a CI job runs it on every push, and loading commander and building the whole
// program (143 KB, child_process) was a fifth of its start-up. Only a command line whose meaning is beyond doubt
// is taken here: `validate` with the options program.ts gives it, each at most once, with valid values (from the
// flag or the environment, as commander reads them). Anything else (help, an unknown or repeated option, a bad
// choice, an argument) returns undefined and goes to commander, which answers it exactly as before.

import type { LogFormat } from './logger.js';

export interface ValidateArgs {
  readonly dir: string;
  readonly json?: true;
  /** As asked (flag or environment); left out, an error is reported by stderr's kind (run-command.ts). */
  readonly logFormat?: LogFormat;
}

const LOG_LEVELS: readonly string[] = ['debug', 'info', 'warn', 'error'];
const LOG_FORMATS: readonly string[] = ['text', 'json'];
const VALUED = new Set(['--dir', '--log-level', '--log-format']);
const FLAGS = new Set(['--json', '--no-color']);

/** validate's options from argv (after node and the script), or undefined when commander must read them. */
export function validateArgs(args: readonly string[], env: NodeJS.ProcessEnv): ValidateArgs | undefined {
  if (args[0] !== 'validate') return undefined;
  const given = new Map<string, string | true>();
  for (let i = 1; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (given.has(name)) return undefined;
    if (FLAGS.has(name) && eq < 0) given.set(name, true);
    else if (VALUED.has(name)) {
      const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
      // A value that looks like an option (or none) is commander's to judge.
      if (value === undefined || value === '' || value.startsWith('-')) return undefined;
      given.set(name, value);
    } else return undefined;
  }
  const valued = (name: string, envName: string) => {
    const v = given.get(name);
    return typeof v === 'string' ? v : env[envName];
  };
  const dir = valued('--dir', 'TSCM_DIR') ?? '.';
  const level = valued('--log-level', 'TSCM_LOG_LEVEL');
  const format = valued('--log-format', 'TSCM_LOG_FORMAT');
  if (dir === '' || (level !== undefined && !LOG_LEVELS.includes(level))) return undefined;
  if (format !== undefined && !LOG_FORMATS.includes(format)) return undefined;
  return {
    dir,
    ...(given.has('--json') ? { json: true as const } : {}),
    ...(format === undefined ? {} : { logFormat: format as LogFormat }),
  };
}

// The options of a command line main.ts answers without commander (startup-validate.ts, startup-policy.ts,
// startup-plan.ts). Only a command line whose meaning is beyond doubt is read here: the options program.ts gives
// the command, each at most once, with valid values (from the flag or the environment, as commander reads them),
// and the arguments the command takes. Anything else (help, an unknown or repeated option, a bad choice, a value
// that looks like an option, `--`) is undefined, and commander answers it exactly as before.

import type { LogFormat, LogLevel } from './logger.js';

const LOG_LEVELS: readonly string[] = ['debug', 'info', 'warn', 'error'];
const LOG_FORMATS: readonly string[] = ['text', 'json'];

export interface ShortCommandSpec {
  /** Options that take a value (`--dir D`, `--dir=D`). */
  readonly valued: ReadonlySet<string>;
  /** Options without a value. */
  readonly flags: ReadonlySet<string>;
  /** How many arguments (not options) the command line must have, or 'any'. */
  readonly args: number | 'any';
}

export interface ShortCommandLine {
  /** Each option given, with its value (true for a flag). */
  readonly given: ReadonlyMap<string, string | true>;
  readonly args: readonly string[];
}

/** The options and arguments of `args` after the command's name (args[0]), or undefined when commander must read them. */
export function readShortCommand(args: readonly string[], spec: ShortCommandSpec): ShortCommandLine | undefined {
  const given = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 1; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('-')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (given.has(name)) return undefined;
    if (spec.flags.has(name) && eq < 0) given.set(name, true);
    else if (spec.valued.has(name)) {
      const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
      // A value that looks like an option (or none) is commander's to judge.
      if (value === undefined || value === '' || value.startsWith('-')) return undefined;
      given.set(name, value);
    } else return undefined;
  }
  return spec.args === 'any' || positional.length === spec.args ? { given, args: positional } : undefined;
}

export interface CommonOptions {
  readonly dir: string;
  readonly logLevel: LogLevel;
  /** As asked (flag or environment); left out, the command's caller settles it by stderr's kind. */
  readonly logFormat?: LogFormat;
}

/**
 * --dir, --log-level and --log-format from the flags or the environment (TSCM_DIR, TSCM_LOG_LEVEL,
 * TSCM_LOG_FORMAT), with program-options.ts's defaults; undefined for a value commander would refuse.
 */
export function commonOptions(
  given: ReadonlyMap<string, string | true>,
  env: NodeJS.ProcessEnv,
): CommonOptions | undefined {
  const valued = (name: string, envName: string) => {
    const v = given.get(name);
    return typeof v === 'string' ? v : env[envName];
  };
  const dir = valued('--dir', 'TSCM_DIR') ?? '.';
  const level = valued('--log-level', 'TSCM_LOG_LEVEL') ?? 'warn';
  const format = valued('--log-format', 'TSCM_LOG_FORMAT');
  if (dir === '' || !LOG_LEVELS.includes(level)) return undefined;
  if (format !== undefined && !LOG_FORMATS.includes(format)) return undefined;
  return { dir, logLevel: level as LogLevel, ...(format === undefined ? {} : { logFormat: format as LogFormat }) };
}

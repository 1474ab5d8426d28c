// run(): a command's exit code into process.exitCode, or its error reported in the run's log format. Shared by the
// commander program (program-options.ts) and main.ts's start-up path for `validate`, so it must not load commander.

import { resolveLogFormat, type LogFormat } from './logger.js';

/** Runs a command: its exit code into process.exitCode, or its error reported in the run's log format. */
export async function run(opts: { logFormat?: LogFormat }, fn: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await fn();
  } catch (err) {
    const { reportError } = await import('./report-error.js');
    process.exitCode = reportError(err, opts.logFormat ?? resolveLogFormat(undefined, process.stderr.isTTY));
  }
}

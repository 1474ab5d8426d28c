#!/usr/bin/env node
// tscm: argv -> command -> exit code. Exit codes: 0 ok, 1 error, 2 changes (plan --detailed-exitcode), 3 apply
// skipped a device with pending changes (policyUpdates: false), 130/143 stopped by SIGINT/SIGTERM. Options also come
// from the environment (TSCM_DIR, TSCM_LOG_LEVEL, TSCM_LOG_FORMAT, and the reconcile loop's TSCM_* settings); a flag
// wins over the environment (program.ts).
//
// Start-up is part of every run (a CI job validates, `policy --cidrs` feeds a script), so this entry loads nothing
// it does not need: `--version` is answered here without commander, so is a plain `validate` (startup-validate.ts),
// and everything else loads program.ts, which imports each command's module only when that command runs.

import { endQuietlyOnClosedPipe } from './closed-pipe.js';
import { run } from './run-command.js';
import { validateArgs } from './startup-validate.js';
import { TOOL_VERSION } from './version.js';

endQuietlyOnClosedPipe(process.stdout);
endQuietlyOnClosedPipe(process.stderr);

const args = process.argv.slice(2);
const validate = validateArgs(args, process.env, process.stderr.isTTY);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // What commander prints for the program's version option (program.ts still answers it in any other position).
  process.stdout.write(`${TOOL_VERSION}\n`);
} else if (validate !== undefined) {
  await run(validate, () => import('./commands/validate.js').then((m) => m.validateCommand(validate)));
} else {
  const { runProgram } = await import('./program.js');
  await runProgram(process.argv);
}

#!/usr/bin/env node
// tscm: argv -> command -> exit code. Exit codes: 0 ok, 1 error, 2 changes (plan --detailed-exitcode), 3 apply
// skipped a device with pending changes (policyUpdates: false), 130/143 stopped by SIGINT/SIGTERM. Options also come
// from the environment (TSCM_DIR, TSCM_LOG_LEVEL, TSCM_LOG_FORMAT, and the reconcile loop's TSCM_* settings); a flag
// wins over the environment (program.ts).
//
// Start-up is part of every run (a CI job validates, `policy --cidrs` feeds a script), so this entry loads nothing
// it does not need: `--version` is answered here; a plain `validate` (startup-validate.ts reads its options) runs
// the validate bundle (startup-entry.ts, built into tscm-validate.cjs beside this file) without commander; every
// other command line runs the commander program's bundle (program.ts, tscm.cjs). Both with V8's code cache
// (startup-loader.ts).

import { fileURLToPath } from 'node:url';
import { endQuietlyOnClosedPipe } from './closed-pipe.js';
import type { runValidate } from './startup-entry.js';
import { runCachedBundle } from './startup-loader.js';
import { validateArgs } from './startup-validate.js';
import type { runProgram } from './program.js';
import { TOOL_VERSION } from './version.js';

endQuietlyOnClosedPipe(process.stdout);
endQuietlyOnClosedPipe(process.stderr);

const bundle = (name: string) => runCachedBundle(fileURLToPath(new URL(name, import.meta.url)));

const args = process.argv.slice(2);
const validate = validateArgs(args, process.env, process.stderr.isTTY);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // What commander prints for the program's version option (program.ts still answers it in any other position).
  process.stdout.write(`${TOOL_VERSION}\n`);
} else if (validate !== undefined) {
  await (bundle('./tscm-validate.cjs') as { runValidate: typeof runValidate }).runValidate(validate);
} else {
  await (bundle('./tscm.cjs') as { runProgram: typeof runProgram }).runProgram(process.argv);
}

#!/usr/bin/env node
// tscm: argv -> command -> exit code. Exit codes: 0 ok, 1 error, 2 changes (plan --detailed-exitcode), 3 apply
// skipped a device with pending changes (policyUpdates: false), 130/143 stopped by SIGINT/SIGTERM. Options also come
// from the environment (TSCM_DIR, TSCM_LOG_LEVEL, TSCM_LOG_FORMAT, and the reconcile loop's TSCM_* settings); a flag
// wins over the environment (program.ts).
//
// Start-up is part of every run (a CI job validates, `policy --cidrs` feeds a script), so this entry loads nothing
// it does not need: `--version` is answered here, and everything else runs the CLI bundle (startup-entry.ts, built
// into tscm.cjs beside this file) with V8's code cache (startup-loader.ts).

import { fileURLToPath } from 'node:url';
import { endQuietlyOnClosedPipe } from './closed-pipe.js';
import type { runCli } from './startup-entry.js';
import { runCachedBundle } from './startup-loader.js';
import { TOOL_VERSION } from './version.js';

endQuietlyOnClosedPipe(process.stdout);
endQuietlyOnClosedPipe(process.stderr);

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // What commander prints for the program's version option (program.ts still answers it in any other position).
  process.stdout.write(`${TOOL_VERSION}\n`);
} else {
  const cli = runCachedBundle(fileURLToPath(new URL('./tscm.cjs', import.meta.url))) as { runCli: typeof runCli };
  await cli.runCli(process.argv);
}

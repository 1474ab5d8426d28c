#!/usr/bin/env node
// tscm: argv -> command -> exit code. Exit codes: 0 ok, 1 error, 2 changes (plan --detailed-exitcode), 3 apply
// skipped a device with pending changes (policyUpdates: false), 130/143 stopped by SIGINT/SIGTERM. Options also come
// from the environment (TSCM_DIR, TSCM_LOG_LEVEL, TSCM_LOG_FORMAT, and the reconcile loop's TSCM_* settings); a flag
// wins over the environment (program.ts).
//
// Start-up is part of every run (a CI job validates, `policy --cidrs` feeds a script), so this entry loads nothing
// it does not need: `--version` is answered here; a plain `validate` (startup-validate.ts reads its options) runs
// the validate bundle (startup-entry.ts, built into tscm-validate.cjs beside this file) with V8's code cache
// (startup-loader.ts), without commander, a plain `policy DEVICE --cidrs` (startup-policy.ts) the policy bundle
// (startup-policy-entry.ts, tscm-policy.cjs) and a plain `plan` (startup-plan.ts) the plan bundle
// (startup-plan-entry.ts, tscm-plan.cjs) the same way; every other command line runs program.ts (built
// into tscm-program.cjs and its chunks, cached the same way), which loads each command's module only when that
// command runs. The build makes this file CommonJS (scripts/build-cli.mjs): Node then never sets up its ES module
// loader. So no top-level await.

import { fileURLToPath } from 'node:url';
import type { runProgram } from './program.js';
import type { runValidate } from './startup-entry.js';
import { runCachedBundle } from './startup-loader.js';
import { planArgs } from './startup-plan.js';
import type { runPlan } from './startup-plan-entry.js';
import type { runPolicyCidrs } from './startup-policy-entry.js';
import { policyCidrsArgs } from './startup-policy.js';
import { endQuietlyOnClosedPipeWhenUsed } from './startup-stdio.js';
import { validateArgs } from './startup-validate.js';

endQuietlyOnClosedPipeWhenUsed('stdout');
endQuietlyOnClosedPipeWhenUsed('stderr');

const args = process.argv.slice(2);
const validate = validateArgs(args, process.env);
const policyCidrs = validate === undefined ? policyCidrsArgs(args, process.env) : undefined;
const plan = validate === undefined && policyCidrs === undefined ? planArgs(args, process.env) : undefined;
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // What commander prints for the program's version option (program.ts still answers it in any other position).
  // Imported here only: reading package.json is no part of the validate path.
  void import('./version.js').then(({ TOOL_VERSION }) => process.stdout.write(`${TOOL_VERSION}\n`));
} else if (validate !== undefined) {
  const bundle = runCachedBundle(fileURLToPath(new URL('./tscm-validate.cjs', import.meta.url)));
  void (bundle as { runValidate: typeof runValidate }).runValidate(validate);
} else if (policyCidrs !== undefined) {
  const bundle = runCachedBundle(fileURLToPath(new URL('./tscm-policy.cjs', import.meta.url)));
  void (bundle as { runPolicyCidrs: typeof runPolicyCidrs }).runPolicyCidrs(policyCidrs);
} else if (plan !== undefined) {
  const bundle = runCachedBundle(fileURLToPath(new URL('./tscm-plan.cjs', import.meta.url)));
  void (bundle as { runPlan: typeof runPlan }).runPlan(plan);
} else {
  const program = runCachedBundle(fileURLToPath(new URL('./tscm-program.cjs', import.meta.url)));
  void (program as { runProgram: typeof runProgram }).runProgram(process.argv);
}

// `tscm policy DEVICE --cidrs` without commander: bundled by scripts/build-cli.mjs into dist/cli/tscm-policy.cjs,
// which main.ts runs (with V8's code cache, startup-loader.ts) when startup-policy.ts could read the command line.
// A program of its own, as the validate bundle is: the commander program and its chunks are never loaded beside it.

import { policyCommand } from './commands/policy.js';
import { resolveLogFormat } from './logger.js';
import { run } from './run-command.js';
import type { PolicyCidrsArgs } from './startup-policy.js';

export async function runPolicyCidrs(args: PolicyCidrsArgs): Promise<void> {
  // As program.ts's preAction hook settles it: the format asked, else by stderr's kind.
  const logFormat = resolveLogFormat(args.logFormat, process.stderr.isTTY);
  const opts = { dir: args.dir, cidrs: true, logLevel: args.logLevel, logFormat };
  await run(opts, () => policyCommand([args.device], opts));
}

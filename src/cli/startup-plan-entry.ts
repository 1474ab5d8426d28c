// `tscm plan` without commander: bundled by scripts/build-cli.mjs into dist/cli/tscm-plan.cjs, which main.ts runs
// (with V8's code cache, startup-loader.ts) when startup-plan.ts could read the command line. A program of its
// own, as the validate and policy bundles are: the commander program and its chunks are never loaded beside it.

import { planCommand } from './commands/plan.js';
import { resolveLogFormat } from './logger.js';
import { run } from './run-command.js';
import type { PlanFastArgs } from './startup-plan.js';

export async function runPlan({ devices, opts }: PlanFastArgs): Promise<void> {
  // As program.ts's preAction hook settles it: the format asked, else by stderr's kind.
  const all = { ...opts, logFormat: resolveLogFormat(opts.logFormat, process.stderr.isTTY) };
  await run(all, () => planCommand([...devices], all));
}

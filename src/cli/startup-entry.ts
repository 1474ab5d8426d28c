// `tscm validate` without commander: bundled by scripts/build-cli.mjs into dist/cli/tscm-validate.cjs, which
// main.ts runs (with V8's code cache, startup-loader.ts) when startup-validate.ts could read the command line. A
// program of its own: the rest of the CLI (program.ts, ES module chunks) is never loaded beside it, so no module is
// shared.

import { validateCommand } from './commands/validate.js';
import { run } from './run-command.js';
import type { ValidateArgs } from './startup-validate.js';

export async function runValidate(args: ValidateArgs): Promise<void> {
  await run(args, () => validateCommand(args));
}

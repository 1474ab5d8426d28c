// The CLI proper, behind main.ts: bundled by scripts/build-cli.mjs into dist/cli/tscm.cjs, which main.ts runs with
// V8's code cache (startup-loader.ts). A plain `validate` is answered without commander (startup-validate.ts); every
// other command line goes to the commander program, which imports each command's module when that command runs.

import { run } from './run-command.js';
import { validateArgs } from './startup-validate.js';

export async function runCli(argv: readonly string[]): Promise<void> {
  const validate = validateArgs(argv.slice(2), process.env, process.stderr.isTTY);
  if (validate !== undefined) {
    await run(validate, () => import('./commands/validate.js').then((m) => m.validateCommand(validate)));
  } else {
    const { runProgram } = await import('./program.js');
    await runProgram(argv);
  }
}

// tscm validate: every problem in the definitions at once, each with file:line:column, field path and hint.

import { formatDiagnostic, loadDefinitions } from '../../config/index.js';

export async function validateCommand(opts: { dir: string; json?: boolean }): Promise<number> {
  const { devices, diagnostics } = await loadDefinitions(opts.dir);
  if (opts.json) {
    process.stdout.write(
      JSON.stringify({ valid: diagnostics.length === 0, devices: devices.length, diagnostics }, null, 2) + '\n',
    );
  } else {
    for (const d of diagnostics) process.stdout.write(formatDiagnostic(d) + '\n');
    const problems = diagnostics.length;
    process.stdout.write(
      problems === 0
        ? `${devices.length} device definition(s) valid.\n`
        : `\n${problems} problem(s) found; ${devices.length} device definition(s) valid.\n`,
    );
  }
  return diagnostics.length === 0 ? 0 : 1;
}

// tscm validate: every problem in the definitions at once, each with file:line:column, field path and hint.

import { formatDiagnostic, loadDefinitions } from '../../config/index.js';
import { ConfigError } from '../../errors.js';

export async function validateCommand(opts: { dir: string; json?: boolean }): Promise<number> {
  const { devices, diagnostics } = await loadDefinitions(opts.dir);
  if (devices.length === 0 && diagnostics.length === 0) {
    // A wrong --dir must not pass a CI check silently.
    throw new ConfigError(
      `no device definitions (*.yaml) found in ${opts.dir}`,
      'point --dir at the folder of device YAML files',
    );
  }
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

// tscm validate: every problem in the definitions at once, each with file:line:column, field path and hint; then
// notes (not problems) for settings that are valid but have no effect yet.

import { formatDiagnostic, loadDefinitions } from '../../config/index.js';
import { ConfigError } from '../../errors.js';

export async function validateCommand(opts: { dir: string; json?: boolean }): Promise<number> {
  const { devices, diagnostics, notes } = await loadDefinitions(opts.dir);
  if (devices.length === 0 && diagnostics.length === 0) {
    // A wrong --dir must not pass a CI check silently.
    throw new ConfigError(
      `no device definitions (*.yaml) found in ${opts.dir}`,
      'point --dir at the folder of device YAML files',
    );
  }
  if (opts.json) {
    process.stdout.write(
      JSON.stringify({ valid: diagnostics.length === 0, devices: devices.length, diagnostics, notes }, null, 2) + '\n',
    );
  } else {
    for (const d of diagnostics) process.stdout.write(formatDiagnostic(d) + '\n');
    for (const n of notes) process.stdout.write(formatDiagnostic({ ...n, message: `note: ${n.message}` }) + '\n');
    const problems = diagnostics.length;
    const gap = problems + notes.length > 0 ? '\n' : '';
    process.stdout.write(
      problems === 0
        ? `${gap}${devices.length} device definition(s) valid.\n`
        : `${gap}${problems} problem(s) found; ${devices.length} device definition(s) valid.\n`,
    );
  }
  return diagnostics.length === 0 ? 0 : 1;
}

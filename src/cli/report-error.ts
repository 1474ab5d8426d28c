// Turns any error into one clear message on stderr (with the hint that says what to do) and an exit code.

import { redactSecrets } from '../config/secrets.js';
import { ConfigError, InternalError, TransientError } from '../errors.js';

export function reportError(err: unknown): number {
  const write = (s: string) => process.stderr.write(redactSecrets(s) + '\n');
  if (err instanceof ConfigError || err instanceof TransientError) {
    write(`Error: ${err.message}`);
    if (err.hint) write(`  hint: ${err.hint}`);
  } else if (err instanceof InternalError) {
    write(`Internal error (a bug in tscm, please report it): ${err.message}`);
    if (err.stack) write(err.stack);
  } else if (err instanceof Error && 'hint' in err && typeof err.hint === 'string') {
    write(`Error: ${err.message}`);
    write(`  hint: ${err.hint}`);
  } else if (err instanceof Error) {
    write(`Error: ${err.message}`);
    if (process.env.TSCM_DEBUG) write(err.stack ?? '');
  } else {
    write(`Error: ${String(err)}`);
  }
  return 1;
}

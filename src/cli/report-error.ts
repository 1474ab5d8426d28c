// Turns any error into one clear message on stderr (with the hint that says what to do) and an exit code; in
// JSON log mode, one JSON line with the message, the hint and the kind.

import { redactSecrets } from '../config/secrets.js';
import { ConfigError, InternalError, TransientError } from '../errors.js';
import type { LogFormat } from './logger.js';
import { jsonLine } from './stderr-notice.js';

export function reportError(err: unknown, format: LogFormat = 'text'): number {
  if (format === 'json') {
    process.stderr.write(jsonLine('error', errorText(err), errorFields(err)));
    return 1;
  }
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

function errorText(err: unknown): string {
  if (err instanceof InternalError) return `internal error (a bug in tscm, please report it): ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

function errorFields(err: unknown): Record<string, unknown> {
  const kind =
    err instanceof ConfigError
      ? 'config'
      : err instanceof TransientError
        ? 'transient'
        : err instanceof InternalError
          ? 'internal'
          : undefined;
  const hint = err instanceof Error && 'hint' in err && typeof err.hint === 'string' ? err.hint : undefined;
  const stack =
    err instanceof InternalError || (err instanceof Error && process.env.TSCM_DEBUG) ? (err as Error).stack : undefined;
  return { ...(kind ? { kind } : {}), ...(hint ? { hint } : {}), ...(stack ? { stack } : {}) };
}

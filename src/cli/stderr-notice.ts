// What a command tells on stderr besides its logs (a failure report, "interrupted by SIGTERM", a device that
// failed), in the log format: as text, or in JSON mode one JSON object per line on the same stream as the logs, so
// a log collector never meets a plain line in a JSON stream. Secrets are redacted either way.

import { redactSecrets } from '../config/secrets.js';
import type { LogFormat, LogLevel } from './logger.js';
import type { FailureLike } from './views/failures-human.js';
import { renderFailures } from './views/failures-human.js';

type Write = (text: string) => void;
const toStderr: Write = (text) => process.stderr.write(text);

/** One JSON log line: the same shape as the logger's. */
export function jsonLine(level: LogLevel, msg: string, fields: Record<string, unknown> = {}): string {
  return redactSecrets(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })) + '\n';
}

/** A block of text for people: as is, or each non-empty line as a JSON log line of `level`. */
export function notice(format: LogFormat, text: string, level: LogLevel = 'warn', write: Write = toStderr): void {
  if (format === 'text') return write(redactSecrets(text));
  for (const line of text.split('\n')) if (line.trim() !== '') write(jsonLine(level, line.trim()));
}

/** The closing report of failed devices: the human block, or one structured error line per device. */
export function reportFailures(format: LogFormat, failures: readonly FailureLike[], write: Write = toStderr): void {
  if (format === 'text') return write(renderFailures(failures));
  for (const f of failures) {
    const err = f.error as { message?: string; hint?: unknown };
    write(
      jsonLine('error', 'device failed', {
        device: f.device,
        step: f.step,
        error: err.message ?? String(f.error),
        ...(typeof err.hint === 'string' ? { hint: err.hint } : {}),
      }),
    );
  }
  write(jsonLine('error', 'devices failed', { failed: failures.length }));
}

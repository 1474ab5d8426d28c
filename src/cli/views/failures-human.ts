// The closing report of devices that failed: one block each, with the step, the message and the hint.

import { redactSecrets } from '../../config/secrets.js';

export interface FailureLike {
  readonly device: string;
  readonly step: string;
  readonly error: unknown;
}

export function renderFailures(failures: readonly FailureLike[]): string {
  const lines: string[] = [];
  for (const f of failures) {
    const err = f.error as { message?: string; hint?: unknown };
    lines.push(`Error: ${f.device}: ${f.step} failed: ${err.message ?? String(f.error)}`);
    if (typeof err.hint === 'string') lines.push(`  hint: ${err.hint}`);
  }
  lines.push(`${failures.length} device(s) failed.`);
  return redactSecrets(lines.join('\n')) + '\n';
}

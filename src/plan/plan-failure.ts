// A device that could not be planned, as the plan records it (plan file, JSON and markdown views): the step, the
// error's message and hint as text, secrets redacted once here so that no view or file ever holds one.

import { redactSecrets } from '../config/secrets.js';
import type { PlanFailure } from './model.js';

/** The longest message or hint kept (plan.schema.json's limit): an error quoting a device's reply can be long. */
const MAX_TEXT = 65_536;

export interface FailureLike {
  readonly device: string;
  readonly step: string;
  readonly error: unknown;
}

export function planFailureOf(f: FailureLike): PlanFailure {
  const err = f.error as { message?: unknown; hint?: unknown } | null | undefined;
  const message = typeof err?.message === 'string' ? err.message : String(f.error);
  const hint = typeof err?.hint === 'string' ? err.hint : null;
  return {
    device: f.device,
    step: f.step,
    message: clip(redactSecrets(message)),
    hint: hint === null ? null : clip(redactSecrets(hint)),
  };
}

function clip(text: string): string {
  if (text.length <= MAX_TEXT) return text;
  const head = text.slice(0, MAX_TEXT - 1);
  // Never half of a surrogate pair at the cut.
  return `${/[\ud800-\udbff]$/.test(head) ? head.slice(0, -1) : head}…`;
}

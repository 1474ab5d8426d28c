// When the loop runs next: the interval with jitter (so N replicas and N devices' policy servers are not hit in
// lock-step), earlier when the pass asked for it (a back-off retry or a drift check falls due). Pure: the loop
// passes the clock and the random source, so the bounds are tested without waiting.

import { ConfigError } from '../errors.js';

export interface ScheduleSettings {
  readonly intervalMs: number;
  /** Fraction of the interval the delay may move either way (0.1: +-10%). */
  readonly jitter: number;
  /** Never run again sooner than this after a pass (a pass asking for "now" would otherwise spin). */
  readonly minDelayMs: number;
}

export const DEFAULT_SCHEDULE: ScheduleSettings = { intervalMs: 60 * 60_000, jitter: 0.1, minDelayMs: 1000 };

/**
 * Milliseconds from `now` until the next pass. `random()` is in [0, 1): the jittered interval lies in
 * [interval * (1 - jitter), interval * (1 + jitter)); a `requested` time earlier than that wins, but never sooner
 * than `minDelayMs`.
 */
export function nextRunDelay(
  settings: ScheduleSettings,
  now: Date,
  requested: Date | null,
  random: () => number = Math.random,
): number {
  const jitter = Math.min(Math.max(settings.jitter, 0), 1);
  const jittered = settings.intervalMs * (1 + jitter * (2 * random() - 1));
  const delay = requested === null ? jittered : Math.min(jittered, requested.getTime() - now.getTime());
  return Math.max(Math.round(delay), settings.minDelayMs, 0);
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * A duration such as "1h", "90s", "1h30m", "250ms" (Go's and Prometheus' notation) -> milliseconds. `what` names
 * the flag or variable in the error.
 */
export function parseDuration(text: string, what: string): number {
  const trimmed = text.trim();
  const parts = /^(?:\d+(?:ms|s|m|h|d))+$/.test(trimmed) ? trimmed.match(/\d+(?:ms|s|m|h|d)/g)! : null;
  if (parts === null) {
    throw new ConfigError(
      `${what} takes a duration such as 1h, 30m, 90s or 1h30m, not "${text.slice(0, 40)}"`,
      `e.g. ${what} 1h`,
    );
  }
  let ms = 0;
  for (const part of parts) {
    const [, n, unit] = /^(\d+)(ms|s|m|h|d)$/.exec(part)!;
    ms += Number(n) * UNIT_MS[unit!]!;
  }
  if (ms <= 0 || !Number.isSafeInteger(ms)) {
    throw new ConfigError(
      `${what} must be longer than 0 and reasonable, not "${text.slice(0, 40)}"`,
      `e.g. ${what} 1h`,
    );
  }
  return ms;
}

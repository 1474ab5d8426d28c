// The schedule is a pure function of the settings, the clock and the random source: its bounds are checked over
// the whole random range without waiting.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { nextRunDelay, parseDuration } from './schedule.js';

const HOUR = 3_600_000;
const now = new Date('2026-05-01T12:00:00Z');
const at = (ms: number) => new Date(now.getTime() + ms);

describe('nextRunDelay', () => {
  it('keeps the jittered interval within +-jitter of the interval, and uses the whole range', () => {
    const settings = { intervalMs: HOUR, jitter: 0.1, minDelayMs: 1000 };
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (r) => {
        const d = nextRunDelay(settings, now, null, () => r);
        return d >= 0.9 * HOUR && d <= 1.1 * HOUR;
      }),
    );
    expect(nextRunDelay(settings, now, null, () => 0)).toBe(0.9 * HOUR);
    expect(nextRunDelay(settings, now, null, () => 0.5)).toBe(HOUR);
    expect(nextRunDelay(settings, now, null, () => 0.999999)).toBeCloseTo(1.1 * HOUR, -1);
  });

  it('takes an earlier time the pass asked for, never a later one, and never sooner than the minimum', () => {
    const settings = { intervalMs: HOUR, jitter: 0.1, minDelayMs: 1000 };
    expect(nextRunDelay(settings, now, at(5 * 60_000), () => 0.5)).toBe(5 * 60_000);
    expect(nextRunDelay(settings, now, at(3 * HOUR), () => 0.5)).toBe(HOUR);
    expect(nextRunDelay(settings, now, at(-60_000), () => 0.5)).toBe(1000);
    expect(nextRunDelay(settings, now, at(10), () => 0.5)).toBe(1000);
  });

  it('without jitter runs on the interval exactly; a jitter out of range is clamped', () => {
    expect(nextRunDelay({ intervalMs: 30, jitter: 0, minDelayMs: 0 }, now, null, () => 0.9)).toBe(30);
    expect(nextRunDelay({ intervalMs: 100, jitter: 5, minDelayMs: 0 }, now, null, () => 0)).toBe(0);
    expect(nextRunDelay({ intervalMs: 100, jitter: -1, minDelayMs: 0 }, now, null, () => 0)).toBe(100);
  });
});

describe('parseDuration', () => {
  it.each([
    ['1h', HOUR],
    ['30m', 30 * 60_000],
    ['90s', 90_000],
    ['1h30m', 90 * 60_000],
    ['250ms', 250],
    ['6h', 6 * HOUR],
    ['1d', 24 * HOUR],
    [' 2m ', 120_000],
  ])('%s -> %d ms', (text, ms) => {
    expect(parseDuration(text, '--interval')).toBe(ms);
  });

  it.each(['', '1', 'h', '1x', '-1h', '0s', '1.5h', '1h 30m', 'soon'])('refuses "%s" naming the flag', (text) => {
    expect(() => parseDuration(text, '--interval')).toThrow(ConfigError);
    expect(() => parseDuration(text, '--interval')).toThrow(/--interval/);
  });
});

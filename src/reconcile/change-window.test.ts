import { expect, test } from 'vitest';
import type { SyncWindow } from '../config/types.js';
import { globMatches, nextWindowChange, windowVerdict } from './change-window.js';

const win = (w: Partial<SyncWindow> & Pick<SyncWindow, 'kind' | 'schedule'>): SyncWindow => ({
  durationMs: 2 * 3_600_000,
  timeZone: 'UTC',
  devices: [],
  ...w,
});

test('an allow window: open from its start for its duration, closed before and after', () => {
  const nightly = [win({ kind: 'allow', schedule: '0 22 * * *' })];
  expect(windowVerdict(nightly, 'edge-01', new Date('2026-03-02T21:59:59Z')).open).toBe(false);
  expect(windowVerdict(nightly, 'edge-01', new Date('2026-03-02T22:00:00Z')).open).toBe(true);
  expect(windowVerdict(nightly, 'edge-01', new Date('2026-03-02T23:59:59Z')).open).toBe(true);
  expect(windowVerdict(nightly, 'edge-01', new Date('2026-03-03T00:00:00Z')).open).toBe(false);
  expect(windowVerdict(nightly, 'edge-01', new Date('2026-03-02T12:00:00Z'))).toEqual({
    open: false,
    reason: 'outside its allow window "0 22 * * *" (UTC)',
  });
});

test('a window across midnight in a time zone, with weekdays', () => {
  // 23:00 Paris time on weekdays (UTC+1 in winter), for 2 hours.
  const w = [win({ kind: 'allow', schedule: '0 23 * * 1-5', timeZone: 'Europe/Paris' })];
  expect(windowVerdict(w, 'a', new Date('2026-01-05T22:30:00Z')).open).toBe(true); // Monday 23:30 Paris
  expect(windowVerdict(w, 'a', new Date('2026-01-05T23:45:00Z')).open).toBe(true); // Tuesday 00:45 Paris
  expect(windowVerdict(w, 'a', new Date('2026-01-06T00:00:00Z')).open).toBe(false); // 01:00 Paris: closed
  expect(windowVerdict(w, 'a', new Date('2026-01-03T22:30:00Z')).open).toBe(false); // Saturday
});

test('deny wins over allow; windows apply to the devices their globs name', () => {
  const windows = [
    win({ kind: 'allow', schedule: '0 0 * * *', durationMs: 24 * 3_600_000 }),
    win({ kind: 'deny', schedule: '0 12 * * *', durationMs: 3_600_000, devices: ['core-*'] }),
  ];
  const noon = new Date('2026-03-02T12:30:00Z');
  expect(windowVerdict(windows, 'core-01', noon)).toEqual({
    open: false,
    reason: 'inside the deny window "0 12 * * *" (UTC)',
  });
  expect(windowVerdict(windows, 'edge-01', noon).open).toBe(true);
  expect(windowVerdict([], 'edge-01', noon).open).toBe(true);
});

test('globs: * and ? only, everything else literal', () => {
  expect(globMatches('edge-*', 'edge-01')).toBe(true);
  expect(globMatches('edge-?1', 'edge-01')).toBe(true);
  expect(globMatches('edge.*', 'edge-01')).toBe(false);
  expect(globMatches('edge-01', 'edge-011')).toBe(false);
});

test('nextWindowChange: the next opening, or the end of the open window', () => {
  const nightly = [win({ kind: 'allow', schedule: '0 22 * * *' })];
  expect(nextWindowChange(nightly, 'a', new Date('2026-03-02T12:00:00Z'))).toEqual(new Date('2026-03-02T22:00:00Z'));
  expect(nextWindowChange(nightly, 'a', new Date('2026-03-02T23:00:00Z'))).toEqual(new Date('2026-03-03T00:00:00Z'));
  expect(nextWindowChange(nightly, 'b', new Date('2026-03-02T23:00:00Z'))).not.toBeNull();
  expect(nextWindowChange([], 'a', new Date('2026-03-02T23:00:00Z'))).toBeNull();
});

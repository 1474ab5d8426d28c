// What a pass works on, and the back-off after a failure: pure rules, checked case by case.
import { describe, expect, it } from 'vitest';
import { runPool } from './pass-helpers.js';
import { backoffDelayMs, type DeviceMemory } from './pass-memory.js';
import { workFor, type DeviceFacts } from './pass-work.js';

const HOUR = 3_600_000;
const memory = (m: Partial<DeviceMemory> = {}): DeviceMemory => ({
  definition: 'd1',
  spec: null,
  zones: new Map([['zone:a', 5]]),
  lastCheckedAt: 0,
  failures: 0,
  retryAt: null,
  stalledAt: null,
  heldByWindow: false,
  ...m,
});
const facts = (f: Partial<DeviceFacts> = {}): DeviceFacts => ({
  definition: 'd1',
  touched: false,
  forced: false,
  zones: new Map([['zone:a', 5]]),
  windowOpen: true,
  now: HOUR,
  driftIntervalMs: 6 * HOUR,
  ...f,
});

describe('workFor', () => {
  it('nothing moved: no work', () => expect(workFor(memory(), facts())).toBeNull());
  it('never seen: new', () => expect(workFor(undefined, facts())).toBe('new'));
  it('--watch named it', () => expect(workFor(memory(), facts({ forced: true }))).toBe('watch'));
  it('its definition changed, or a file it reads', () => {
    expect(workFor(memory(), facts({ definition: 'd2' }))).toBe('definition');
    expect(workFor(memory(), facts({ touched: true }))).toBe('definition');
  });
  it('a zone serial moved; a zone whose SOA failed is no news', () => {
    expect(workFor(memory(), facts({ zones: new Map([['zone:a', 6]]) }))).toBe('zone');
    expect(workFor(memory(), facts({ zones: new Map([['zone:a', null]]) }))).toBeNull();
  });
  it('drift check due after the interval', () => {
    expect(workFor(memory(), facts({ now: 6 * HOUR - 1 }))).toBeNull();
    expect(workFor(memory(), facts({ now: 6 * HOUR }))).toBe('drift');
  });
  it('back-off: retried once its time has come, not drift-checked before', () => {
    const m = memory({ retryAt: 2 * HOUR, failures: 1 });
    expect(workFor(m, facts({ now: 2 * HOUR - 1 }))).toBeNull();
    expect(workFor(m, facts({ now: 2 * HOUR }))).toBe('retry');
    expect(workFor(m, facts({ now: 2 * HOUR - 1, zones: new Map([['zone:a', 6]]) }))).toBe('zone');
  });
  it('stalled: waits for its definition; at resolve, a new zone serial too', () => {
    const stalled = memory({ stalledAt: 'observe', failures: 1 });
    expect(workFor(stalled, facts({ now: 100 * HOUR, zones: new Map([['zone:a', 6]]) }))).toBeNull();
    expect(workFor(stalled, facts({ definition: 'd2' }))).toBe('definition');
    expect(workFor(memory({ stalledAt: 'resolve' }), facts({ zones: new Map([['zone:a', 6]]) }))).toBe('zone');
  });
  it('held by a change window: worked on once it opens', () => {
    expect(workFor(memory({ heldByWindow: true }), facts({ windowOpen: false }))).toBeNull();
    expect(workFor(memory({ heldByWindow: true }), facts({ windowOpen: true }))).toBe('window');
  });
});

describe('backoffDelayMs', () => {
  it('full jitter under a doubling ceiling, capped, at least a second', () => {
    const b = { baseMs: 30_000, maxMs: HOUR };
    expect(backoffDelayMs(1, 0.5, b)).toBe(15_000);
    expect(backoffDelayMs(2, 0.5, b)).toBe(30_000);
    expect(backoffDelayMs(3, 0.999, b)).toBe(Math.floor(0.999 * 120_000));
    expect(backoffDelayMs(50, 0.5, b)).toBe(HOUR / 2);
    expect(backoffDelayMs(1, 0, b)).toBe(1000);
  });
});

describe('runPool', () => {
  it('runs every item with at most `limit` at once', async () => {
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    await runPool([1, 2, 3, 4, 5, 6, 7], 3, undefined, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setImmediate(r));
      done.push(n);
      running--;
    });
    expect(peak).toBe(3);
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
  it('starts nothing once the signal is aborted; items started finish', async () => {
    const controller = new AbortController();
    const done: number[] = [];
    await runPool([1, 2, 3, 4], 2, controller.signal, async (n) => {
      await new Promise((r) => setImmediate(r));
      if (n === 1) controller.abort();
      done.push(n);
    });
    expect(done.sort()).toEqual([1, 2]);
  });
});

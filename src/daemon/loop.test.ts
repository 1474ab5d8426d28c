// The loop's shell around a pass: --once, the interval, an earlier run the pass asks for, --watch edits, a pass
// that throws, and stopping (the pass is asked to stop, its lock is released, a pass that ignores the request is
// left after the bound). The pass here is a scripted RunPass (the loop's one dependency, passed in); the
// production pass is exercised through the CLI tests. Intervals are settings: nothing waits for production delays.

import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../cli/logger.js';
import type { PassSummary } from '../reconcile/events.js';
import { acquireDeviceLock } from '../state/device-lock.js';
import type { DeviceStatus } from '../state/status-model.js';
import { localSource } from './definitions-source.js';
import { runLoop, type LoopOptions, type PassOutcome, type PassRequest, type RunPass } from './loop.js';
import { LoopStatus } from './loop-status.js';
import { createLoopMetrics } from './metrics.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tscm-loop-'));
  await writeFile(path.join(dir, 'tscm.yaml'), 'policyServer: { host: 127.0.73.1, port: 5353 }\n');
  await mkdir(path.join(dir, 'devices'));
  for (const name of ['edge-01', 'edge-02']) await writeFile(path.join(dir, 'devices', `${name}.yaml`), device(name));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function device(name: string, maxEntries = 1000): string {
  return `name: ${name}
platform: ios
deviceId: tdid_${name.replace(/-/g, '')}
management: { host: 127.0.73.2, port: 2222 }
hostKey: { fingerprint: "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8" }
credentials:
  username: { env: TSCM_LOOP_USER }
  password: { env: TSCM_LOOP_PASSWORD }
policy:
  blockList: block.loop.tscm.test
objectGroups: { maxEntries: ${maxEntries} }
`;
}

function status(device: string, ready = true): DeviceStatus {
  return {
    formatVersion: 1,
    device,
    ready,
    reason: ready ? 'UpToDate' : 'Retrying',
    message: ready ? 'up to date' : 'connection refused; retrying',
    lastAttemptedRevision: 'abc',
    lastAppliedRevision: ready ? 'abc' : null,
    lastAttemptAt: '2026-05-01T12:00:00.000Z',
    lastAppliedAt: ready ? '2026-05-01T12:00:00.000Z' : null,
    zones: [{ zone: 'block.loop.tscm.test', serial: 7 }],
    entries: [{ group: 'threatstop-block', role: 'block', count: 42 }],
    maxEntries: 1000,
    drift: null,
    lastError: ready
      ? null
      : { step: 'observe', kind: 'transient', message: 'refused', at: '2026-05-01T12:00:00.000Z', attempts: 1 },
    nextRunAt: null,
  };
}

function outcome(req: PassRequest, over: Partial<PassOutcome> = {}, summary: Partial<PassSummary> = {}): PassOutcome {
  const statuses = over.statuses ?? [status('edge-01'), status('edge-02')];
  for (const s of statuses) req.events.deviceStatus?.(s);
  return {
    summary: {
      trigger: req.trigger,
      durationMs: 1,
      revision: null,
      devices: statuses.length,
      sessionsOpened: 0,
      zoneTransfers: 0,
      failed: 0,
      interrupted: req.signal.aborted,
      ...summary,
    },
    statuses,
    nextRunAt: over.nextRunAt ?? null,
  };
}

function loopOptions(runPass: RunPass, stop: AbortController, over: Partial<LoopOptions> = {}): LoopOptions {
  return {
    source: localSource(dir),
    runPass,
    schedule: { intervalMs: 20, jitter: 0.5, minDelayMs: 0 },
    once: false,
    watch: null,
    stop: stop.signal,
    stopTimeoutMs: 5000,
    log: silentLogger,
    status: new LoopStatus(),
    metrics: createLoopMetrics({ defaultMetrics: false }),
    ...over,
  };
}

describe('the reconcile loop', () => {
  it('--once runs one pass on the definitions folder, then returns ready with the statuses', async () => {
    const requests: PassRequest[] = [];
    const stop = new AbortController();
    const opts = loopOptions(async (req) => (requests.push(req), outcome(req)), stop, { once: true });
    const result = await runLoop(opts);
    expect(result.passes).toBe(1);
    expect(requests.map((r) => [r.trigger, r.dir, r.onlyDevices])).toEqual([['once', dir, undefined]]);
    expect(opts.status.ready).toBe(true);
    const doc = opts.status.document();
    expect(doc.devices.map((d) => d.device)).toEqual(['edge-01', 'edge-02']);
    expect(doc.loop.lastPass).toMatchObject({ trigger: 'once', error: null, devices: 2 });
    expect(doc.loop.nextRunAt).toBeNull();
    const metrics = await opts.metrics.registry.metrics();
    expect(metrics).toContain('tscm_reconcile_passes_total{trigger="once",result="success"} 1');
    expect(metrics).toContain('tscm_device_ready{device="edge-01"} 1');
  });

  it('runs again on the interval until stopped, each pass a full one', async () => {
    const requests: PassRequest[] = [];
    const stop = new AbortController();
    const result = await runLoop(
      loopOptions(async (req) => {
        requests.push(req);
        if (requests.length === 3) stop.abort();
        return outcome(req);
      }, stop),
    );
    expect(result.passes).toBe(3);
    expect(result.stoppedInTime).toBe(true);
    expect(requests.map((r) => [r.trigger, r.onlyDevices])).toEqual(Array(3).fill(['interval', undefined]));
  });

  it('runs early when the pass asks for it (a back-off retry), long before the interval', async () => {
    const stop = new AbortController();
    let calls = 0;
    const opts = loopOptions(
      async (req) => {
        if (++calls === 2) stop.abort();
        return outcome(req, { nextRunAt: new Date(Date.now() + 5) });
      },
      stop,
      { schedule: { intervalMs: 3_600_000, jitter: 0.1, minDelayMs: 0 } },
    );
    const scheduled: (string | null)[] = [];
    const original = opts.status.scheduled.bind(opts.status);
    opts.status.scheduled = (at) => (scheduled.push(at?.toISOString() ?? null), original(at));
    const result = await runLoop(opts);
    expect(result.passes).toBe(2);
    expect(Date.parse(scheduled[0]!) - Date.now()).toBeLessThan(60_000);
  });

  it('a pass that throws leaves the loop running, not ready, the error in the status and the metrics', async () => {
    const stop = new AbortController();
    let calls = 0;
    const opts = loopOptions(async (req) => {
      calls++;
      if (calls === 1) throw new Error('could not update the definitions from file:///x: fatal: not found');
      stop.abort();
      return outcome(req);
    }, stop);
    const seen: boolean[] = [];
    const originalFinished = opts.status.passFinished.bind(opts.status);
    opts.status.passFinished = (record, statuses) => {
      originalFinished(record, statuses);
      seen.push(opts.status.ready);
    };
    const result = await runLoop(opts);
    expect(result.passes).toBe(2);
    expect(seen).toEqual([false, true]);
    const metrics = await opts.metrics.registry.metrics();
    expect(metrics).toContain('tscm_reconcile_passes_total{trigger="interval",result="error"} 1');
    expect(metrics).toContain('tscm_reconcile_passes_total{trigger="interval",result="interrupted"} 1');
  });

  it('--watch reconciles only the devices whose files changed; tscm.yaml means every device', async () => {
    const requests: PassRequest[] = [];
    const stop = new AbortController();
    let watching!: () => void;
    const ready = new Promise<void>((resolve) => (watching = resolve));
    const next: (() => void)[] = [];
    const passed = () => new Promise<void>((resolve) => next.push(resolve));
    let done = passed(); // the first pass, on start
    const run = runLoop(
      loopOptions(
        async (req) => {
          requests.push(req);
          next.shift()?.();
          return outcome(req);
        },
        stop,
        {
          schedule: { intervalMs: 3_600_000, jitter: 0, minDelayMs: 0 },
          watch: { debounceMs: 30 },
          onWatching: () => watching(),
        },
      ),
    );
    await ready;
    await done;
    done = passed();
    // Writes into the state folder and .git are tscm's and git's own: they trigger nothing.
    await mkdir(path.join(dir, '.tscm', 'edge-01'), { recursive: true });
    await writeFile(path.join(dir, '.tscm', 'edge-01', 'status.json'), '{}');
    await writeFile(path.join(dir, 'devices', 'edge-02.yaml'), device('edge-02', 2000));
    await done;
    done = passed();
    await writeFile(path.join(dir, 'tscm.yaml'), 'policyServer: { host: 127.0.73.1, port: 53 }\n');
    await done;
    stop.abort();
    await run;
    expect(requests.map((r) => [r.trigger, r.onlyDevices ? [...r.onlyDevices] : 'all'])).toEqual([
      ['interval', 'all'],
      ['watch', ['edge-02']],
      ['interval', 'all'],
    ]);
  });

  it('on stop, the pass is asked to stop and its lock is released before the loop returns', async () => {
    const stateDir = path.join(dir, '.tscm');
    const stop = new AbortController();
    let locked!: () => void;
    const holding = new Promise<void>((resolve) => (locked = resolve));
    const run = runLoop(
      loopOptions(async (req) => {
        const lock = await acquireDeviceLock(stateDir, 'edge-01', { command: 'tscm reconcile' });
        locked();
        await new Promise<void>((resolve) => req.signal.addEventListener('abort', () => resolve()));
        await lock.release();
        return outcome(req);
      }, stop),
    );
    await holding;
    expect(existsSync(path.join(stateDir, 'edge-01', 'lock'))).toBe(true);
    stop.abort();
    const result = await run;
    expect(result).toMatchObject({ passes: 1, stoppedInTime: true });
    expect(result.last?.summary.interrupted).toBe(true);
    expect(existsSync(path.join(stateDir, 'edge-01', 'lock'))).toBe(false);
  });

  it('a pass that does not stop within the bound is left behind and said so', async () => {
    const stop = new AbortController();
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const run = runLoop(
      loopOptions(
        () => {
          started();
          return new Promise<PassOutcome>(() => {});
        },
        stop,
        { stopTimeoutMs: 20 },
      ),
    );
    await running;
    stop.abort();
    expect(await run).toMatchObject({ passes: 0, stoppedInTime: false });
  });
});

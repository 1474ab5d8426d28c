// The reconcile loop: pull the definitions, run one pass, sleep until the next is due (the jittered interval, or
// earlier when the pass asks for it, or at once when --watch saw an edit), until stopped. The pass itself (what
// moved, which devices to open, back-off, locks) is reconcile/'s; the loop only decides when, feeds the status and
// the metrics, and stops truthfully: on the stop signal it aborts the pass and waits for it to record what reached
// the devices and release its locks, for at most `stopTimeoutMs`.

import type { Logger } from '../drivers/driver.js';
import type { PassSummary, ReconcileEvents } from '../reconcile/events.js';
import type { DeviceStatus } from '../state/status-model.js';
import type { DefinitionsSource } from './definitions-source.js';
import type { LoopStatus, PassRecord } from './loop-status.js';
import type { LoopMetrics, PassResultLabel } from './metrics.js';
import { nextRunDelay, type ScheduleSettings } from './schedule.js';
import { watchDefinitions, type DefinitionsWatcher } from './watch.js';

export type Trigger = 'interval' | 'watch' | 'once';

export interface PassRequest {
  readonly trigger: Trigger;
  readonly dir: string;
  /** --watch: only the devices whose files changed. */
  readonly onlyDevices?: ReadonlySet<string>;
  readonly signal: AbortSignal;
  readonly events: ReconcileEvents;
}

/** What reconcile/reconcile-pass.ts's PassResult carries. */
export interface PassOutcome {
  readonly summary: PassSummary;
  readonly statuses: readonly DeviceStatus[];
  readonly nextRunAt: Date | null;
}

/** One pass (the CLI binds reconcilePass with its memory and the fleet options). */
export type RunPass = (request: PassRequest) => Promise<PassOutcome>;

export interface LoopOptions {
  readonly source: DefinitionsSource;
  readonly runPass: RunPass;
  readonly schedule: ScheduleSettings;
  /** One pass, then return. */
  readonly once: boolean;
  /** Watch the local checkout (ignored for a remote source). */
  readonly watch: { readonly debounceMs: number } | null;
  /** Aborted on SIGTERM/SIGINT: no new pass starts and the running one is asked to stop. */
  readonly stop: AbortSignal;
  /** How long a stopping pass may take to finish its device work truthfully. */
  readonly stopTimeoutMs: number;
  readonly log: Logger;
  readonly status: LoopStatus;
  readonly metrics: LoopMetrics;
  readonly random?: () => number;
  readonly now?: () => Date;
  /** Told when the watcher has finished its first scan (edits from then on are seen). */
  readonly onWatching?: () => void;
}

export interface LoopResult {
  readonly passes: number;
  /** The last pass's outcome (null: it threw, or no pass ran). */
  readonly last: PassOutcome | null;
  /** The last pass's error, when it threw. */
  readonly lastError: unknown;
  /** False when a stopping pass did not finish within stopTimeoutMs. */
  readonly stoppedInTime: boolean;
}

export async function runLoop(o: LoopOptions): Promise<LoopResult> {
  const now = o.now ?? (() => new Date());
  const wake = new Wakeup();
  const onStop = (): void => wake.fire();
  o.stop.addEventListener('abort', onStop);
  // Devices touched by edits seen since the last pass: null means every device.
  let edited: Set<string> | null | undefined;
  let watcher: DefinitionsWatcher | null = null;
  const watchDir = o.source.watchDir;
  if (o.watch && watchDir !== null && !o.once) {
    watcher = await watchDefinitions({
      dir: watchDir,
      debounceMs: o.watch.debounceMs,
      log: o.log,
      onChange: (change) => {
        if (change.devices === null || edited === null) edited = null;
        else edited = new Set([...(edited ?? []), ...change.devices]);
        o.log.info('definitions changed', { files: change.files.length, devices: deviceCount(change.devices) });
        wake.fire();
      },
    });
    await watcher.ready;
    o.onWatching?.();
  }

  let passes = 0;
  let last: PassOutcome | null = null;
  let lastError: unknown;
  let stoppedInTime = true;
  let intervalDueAt = 0;
  try {
    let trigger: Trigger = o.once ? 'once' : 'interval';
    let only: ReadonlySet<string> | undefined;
    while (!o.stop.aborted) {
      const run = runOnePass(o, trigger, only, now);
      const settled = await untilStopped(run, o.stop, o.stopTimeoutMs);
      if (settled === 'timeout') {
        stoppedInTime = false;
        break;
      }
      passes++;
      ({ last, error: lastError } = settled);
      if (o.once || o.stop.aborted) break;
      const at = now();
      if (trigger !== 'watch') intervalDueAt = at.getTime() + nextRunDelay(o.schedule, at, null, o.random);
      // The pass may want to look again sooner (a back-off retry, a drift check): never later than the interval.
      const requested = last?.nextRunAt ?? null;
      const dueAt = Math.min(
        intervalDueAt,
        requested === null ? Infinity : Math.max(requested.getTime(), at.getTime() + o.schedule.minDelayMs),
      );
      o.status.scheduled(new Date(dueAt));
      await wake.wait(Math.max(0, dueAt - now().getTime()));
      if (o.stop.aborted) break;
      if (edited !== undefined) {
        trigger = 'watch';
        only = edited ?? undefined;
        edited = undefined;
        if (only === undefined) trigger = 'interval'; // tscm.yaml changed: every device, like an interval pass
      } else {
        trigger = 'interval';
        only = undefined;
      }
    }
  } finally {
    o.stop.removeEventListener('abort', onStop);
    wake.cancel();
    o.status.scheduled(null);
    await watcher?.close();
  }
  return { passes, last, lastError, stoppedInTime };
}

async function runOnePass(
  o: LoopOptions,
  trigger: Trigger,
  onlyDevices: ReadonlySet<string> | undefined,
  now: () => Date,
): Promise<{ last: PassOutcome | null; error: unknown }> {
  const startedAt = now();
  o.status.passStarted(trigger);
  o.log.info('reconcile pass started', { trigger, devices: deviceCount(onlyDevices ?? null) });
  const events = composeEvents(o.status.events, o.metrics.events, loggingEvents(o.log));
  let outcome: PassOutcome | null = null;
  let error: unknown;
  try {
    const dir = await o.source.pull(o.stop);
    outcome = await o.runPass({ trigger, dir, signal: o.stop, events, ...(onlyDevices ? { onlyDevices } : {}) });
  } catch (err) {
    error = err;
  }
  const finishedAt = now();
  const durationMs = finishedAt.getTime() - startedAt.getTime();
  const summary = outcome?.summary ?? null;
  const result: PassResultLabel =
    summary === null ? 'error' : summary.interrupted ? 'interrupted' : summary.failed > 0 ? 'failed' : 'success';
  const record: PassRecord = {
    ...(summary ?? emptySummary(trigger, durationMs)),
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    error: error === undefined ? null : errorMessage(error),
  };
  o.metrics.passFinished(trigger, result, durationMs, summary);
  if (outcome) o.metrics.setStatuses(outcome.statuses);
  o.status.passFinished(record, outcome?.statuses ?? null);
  if (error !== undefined) {
    o.log.error('reconcile pass failed', { trigger, error: record.error, hint: errorHint(error) });
  } else {
    o.log.info('reconcile pass finished', { ...summary, result });
  }
  return { last: outcome, error };
}

/** Waits for the pass; once `stop` fires, for at most `timeoutMs` more. */
async function untilStopped<T>(run: Promise<T>, stop: AbortSignal, timeoutMs: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    const arm = (): void => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    };
    if (stop.aborted) arm();
    else stop.addEventListener('abort', (onAbort = arm), { once: true });
  });
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
    if (onAbort) stop.removeEventListener('abort', onAbort);
  }
}

/** A level-triggered wake-up: a fire() before wait() is not lost. */
class Wakeup {
  private fired = false;
  private release: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;

  fire(): void {
    this.fired = true;
    this.release?.();
  }

  wait(ms: number): Promise<void> {
    if (this.fired) {
      this.fired = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(this.timer);
        this.release = undefined;
        this.fired = false;
        resolve();
      };
      this.release = done;
      this.timer = setTimeout(done, ms);
    });
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.release?.();
  }
}

export function composeEvents(...all: ReconcileEvents[]): ReconcileEvents {
  const each =
    <K extends keyof ReconcileEvents>(key: K) =>
    (...args: Parameters<NonNullable<ReconcileEvents[K]>>): void => {
      for (const e of all) {
        const hook = e[key] as ((...a: typeof args) => void) | undefined;
        hook?.(...args);
      }
    };
  return {
    passStarted: each('passStarted'),
    passFinished: each('passFinished'),
    deviceStatus: each('deviceStatus'),
    applied: each('applied'),
    stepFailed: each('stepFailed'),
    zoneChecked: each('zoneChecked'),
    sessionOpened: each('sessionOpened'),
  };
}

/** One log line per device attempt and per apply; counts only. */
function loggingEvents(log: Logger): ReconcileEvents {
  return {
    deviceStatus: (s) => {
      const fields = { device: s.device, ready: s.ready, reason: s.reason, detail: s.message };
      if (s.ready || s.reason === 'Planned') log.info('device reconciled', fields);
      else log.warn('device not ready', { ...fields, step: s.lastError?.step, kind: s.lastError?.kind });
    },
    applied: (device, counts) => log.info('device applied', { device, ...counts }),
  };
}

function emptySummary(trigger: string, durationMs: number): PassSummary {
  return {
    trigger,
    durationMs,
    revision: null,
    devices: 0,
    sessionsOpened: 0,
    zoneTransfers: 0,
    failed: 0,
    interrupted: false,
  };
}

function deviceCount(devices: ReadonlySet<string> | null): number | 'all' {
  return devices === null ? 'all' : devices.size;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function errorHint(err: unknown): string | undefined {
  return err instanceof Error && 'hint' in err && typeof err.hint === 'string' ? err.hint : undefined;
}

// The named steps of one device's reconcile, in order: load, lock, resolve, observe, plan, guard, apply, verify,
// save, record (state/status-model.ts RECONCILE_STEPS). `tscm plan` runs up to plan (steps-plan.ts), `tscm apply`,
// `tscm remove` and the loop all of them (steps-apply.ts). A device stops at its first error, which is kept once
// with the step it stopped at and its kind, the kind saying what happens next (DESIGN.md convention 10).

import { ApplyFailedError } from '../apply/apply-device.js';
import { DeviceApplyError } from '../drivers/driver.js';
import { ConfigError, InternalError, TransientError } from '../errors.js';
import { RECONCILE_STEPS, type ErrorKind, type StepName } from '../state/status-model.js';

/** A device that stopped: the step it stopped at, what happens next, and the error itself. */
export interface StepFailure {
  readonly device: string;
  readonly step: StepName;
  readonly kind: ErrorKind;
  readonly error: unknown;
}

/**
 * config: bad input (definitions, zone data, a device refusing a command): nothing is retried until the definition
 * changes. transient: it may pass (unreachable, busy, interrupted): retried with back-off. internal: a bug.
 */
export function errorKindOf(error: unknown): ErrorKind {
  if (error instanceof ConfigError) return 'config';
  if (error instanceof TransientError) return 'transient';
  if (error instanceof ApplyFailedError || error instanceof DeviceApplyError) {
    return error.transient || error.interrupted ? 'transient' : 'config';
  }
  return 'internal';
}

const ORDER = new Map<StepName, number>(RECONCILE_STEPS.map((s, i) => [s, i]));
const at = (step: StepName): number => ORDER.get(step) ?? 0;

/** One device's progress through the steps: which step runs, and the first failure. */
export class DeviceSteps {
  private current: StepName;
  private stopped: StepFailure | undefined;

  constructor(
    readonly device: string,
    start: StepName = 'load',
  ) {
    this.current = start;
  }

  get step(): StepName {
    return this.current;
  }

  /**
   * Moves on to `step`. Steps only go forward, except that observe..save run again for each HA peer after the
   * management address (one session at a time).
   */
  enter(step: StepName): void {
    const again = step === 'observe' && at(this.current) <= at('save');
    if (at(step) < at(this.current) && !again) {
      throw new InternalError(`${this.device}: step ${step} after ${this.current}`);
    }
    if (this.stopped === undefined) this.current = step;
  }

  /**
   * The device stopped on `error`: kept with the step running now. Only the first stop counts, so that recording
   * the truth after a failed apply does not rename the step that failed.
   */
  stop(error: unknown): StepFailure {
    this.stopped ??= { device: this.device, step: this.current, kind: errorKindOf(error), error };
    return this.stopped;
  }

  /** The failure for `error`: the one kept by stop(), or `error` at the step running now. */
  failure(error: unknown): StepFailure {
    if (this.stopped !== undefined && this.stopped.error === error) return this.stopped;
    return { device: this.device, step: this.current, kind: errorKindOf(error), error };
  }
}

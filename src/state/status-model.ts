// The per-device status (Flux's Ready condition): written by every reconcile attempt, read by `tscm status`, the
// loop's /status and /metrics. It lives in the state backend beside the state, so a status survives the process
// and every runner sees the same one. A status is a report, not a source of truth: ownership is in the state.

/** The ordered steps of one device's reconcile (reconcile/steps.ts); a failure names the step it stopped at. */
export const RECONCILE_STEPS = [
  'load',
  'lock',
  'resolve',
  'observe',
  'plan',
  'guard',
  'apply',
  'verify',
  'save',
  'record',
] as const;
export type StepName = (typeof RECONCILE_STEPS)[number];

/** What happens next after an error (DESIGN.md convention 10). */
export type ErrorKind = 'config' | 'transient' | 'internal';

/**
 * Why a device is (not) ready. Applied / UpToDate: the device holds the desired state. Planned: changes are pending
 * but were not applied on purpose (outside a change window, policyUpdates: false, drift: report). Refused: a safety
 * guard refused the plan. Stalled: a config error; nothing is retried until the definition changes. Retrying: a
 * transient error; retried with back-off. Orphaned: the definition was deleted while tscm's groups remain.
 */
export type StatusReason = 'Applied' | 'UpToDate' | 'Planned' | 'Refused' | 'Stalled' | 'Retrying' | 'Orphaned';

export interface StatusError {
  readonly step: StepName;
  readonly kind: ErrorKind;
  /** The error's message (never a secret or file content: errors are built that way). */
  readonly message: string;
  readonly at: string;
  /** Consecutive failed attempts (back-off grows with it). */
  readonly attempts: number;
}

export interface DeviceStatus {
  readonly formatVersion: 1;
  readonly device: string;
  readonly ready: boolean;
  readonly reason: StatusReason;
  /** One line for people: what happened and what happens next. */
  readonly message: string;
  /** The definitions revision of the last attempt, and of the last successful apply. */
  readonly lastAttemptedRevision: string | null;
  readonly lastAppliedRevision: string | null;
  readonly lastAttemptAt: string | null;
  readonly lastAppliedAt: string | null;
  /** The zones of the device's policy with the serial last seen (null: not resolved yet). */
  readonly zones: readonly { readonly zone: string; readonly serial: number | null }[];
  /** Entries tscm keeps in each group on the device, against the device's maxEntries. */
  readonly entries: readonly { readonly group: string; readonly role: 'block' | 'allow'; readonly count: number }[];
  readonly maxEntries: number;
  /** The last drift check: members out of step found on the device, and whether they were healed. */
  readonly drift: { readonly checkedAt: string; readonly found: number; readonly healed: boolean } | null;
  readonly lastError: StatusError | null;
  /** When the loop means to look at the device again (null: no loop running, or not scheduled). */
  readonly nextRunAt: string | null;
  /** What the loop remembers of the device, for a new process to know what moved (absent: never reconciled). */
  readonly loop?: LoopMemoryRecord;
}

/** The loop's memory of one device (reconcile/pass-memory.ts) as stored with its status. */
export interface LoopMemoryRecord {
  /** Fingerprint of the definition and tscm.yaml at the last attempt. */
  readonly definition: string;
  /** The definitions revision of the last attempt (a git diff from it tells whether a file the device reads moved). */
  readonly revision: string | null;
  /** Zone key -> serial of the last attempt. */
  readonly zones: readonly { readonly key: string; readonly serial: number }[];
  readonly lastCheckedAt: string | null;
  readonly failures: number;
  readonly retryAt: string | null;
  readonly stalledAt: StepName | null;
  readonly heldByWindow: boolean;
}

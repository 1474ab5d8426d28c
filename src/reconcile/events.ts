// What a reconcile pass tells whoever watches it (the loop's metrics and logs). Every hook is optional and must not
// throw or block: a pass calls them inline. Counts only, never member lists.

import type { DeviceStatus, ErrorKind, StepName } from '../state/status-model.js';

export interface PassSummary {
  /** Why the pass ran: 'interval', 'watch', 'once', 'drift'. */
  readonly trigger: string;
  readonly durationMs: number;
  readonly revision: string | null;
  /** Devices the pass looked at (after sharding), and those it opened a device session for. */
  readonly devices: number;
  readonly sessionsOpened: number;
  readonly zoneTransfers: number;
  readonly failed: number;
  /** Set when a signal stopped the pass. */
  readonly interrupted: boolean;
}

export interface ReconcileEvents {
  passStarted?(trigger: string): void;
  passFinished?(summary: PassSummary): void;
  /** After every device attempt, with the status written. */
  deviceStatus?(status: DeviceStatus): void;
  /** A device's apply finished (also partly): members sent to it. */
  applied?(device: string, counts: { readonly added: number; readonly removed: number }): void;
  stepFailed?(device: string, step: StepName, kind: ErrorKind): void;
  /** One SOA query per zone per pass; `transferred` when its serial moved and the zone was transferred. */
  zoneChecked?(zone: string, serial: number | null, transferred: boolean): void;
  /** A device session was opened (observe/apply/drift read). */
  sessionOpened?(device: string): void;
}

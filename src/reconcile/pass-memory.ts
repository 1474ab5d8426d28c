// What earlier reconcile passes saw, kept by the loop between passes (in memory: a restarted loop starts with an
// empty one, and its first pass looks at every device). From it a pass tells what moved: the revision, each
// device's definition, the zone serials it was last reconciled against, when it was last read (drift), and its
// back-off or stall after a failure.

import { createHash } from 'node:crypto';
import type { Definitions } from '../config/index.js';
import type { DeviceSpec } from '../config/types.js';
import type { DeviceStatus, StepName } from '../state/status-model.js';

export interface DeviceMemory {
  /** Fingerprint of the device's definition (and of tscm.yaml) at its last attempt. */
  definition: string;
  /** The definition itself: an orphan (its definition deleted since) is pruned with it. */
  spec: DeviceSpec | null;
  /** Zone key -> the serial the device was last attempted with. */
  zones: Map<string, number>;
  /** Epoch ms of the last read of the device (a drift check is due driftIntervalMs after it). */
  lastCheckedAt: number | null;
  /** Consecutive failed attempts. */
  failures: number;
  /** A transient (or internal) failure: retried from this epoch ms on, with back-off. */
  retryAt: number | null;
  /** A config failure: nothing is retried until the definition changes (or, at resolve, a zone serial moves). */
  stalledAt: StepName | null;
  /** Changes were planned but held by a closed change window: applied when it opens. */
  heldByWindow: boolean;
}

export interface PassMemory {
  /** The definitions revision of the last full pass; undefined before the first pass. */
  revision: string | null | undefined;
  /** Fingerprint of tscm.yaml's settings at the last full pass (a change touches every device). */
  settings: string | undefined;
  /**
   * The definitions as loaded at a clean git revision: a later pass at the same clean revision reuses them rather
   * than reading and validating every file again (what keeps a pass with nothing new fast on a large fleet).
   */
  definitions: { readonly revision: string; readonly defs: Definitions } | undefined;
  readonly devices: Map<string, DeviceMemory>;
  /** The last status of each device, read from the state backend once and then kept. */
  readonly statuses: Map<string, DeviceStatus>;
}

export function createPassMemory(): PassMemory {
  return { revision: undefined, settings: undefined, definitions: undefined, devices: new Map(), statuses: new Map() };
}

export function fingerprint(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 32);
}

export interface BackoffSettings {
  /** The first retry comes within this (default 30 s). */
  readonly baseMs: number;
  /** No retry waits longer than this (default 1 h, the appliance's interval). */
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffSettings = { baseMs: 30_000, maxMs: 3_600_000 };

/**
 * Exponential back-off with full jitter: a uniform wait in [0, min(max, base * 2^(attempt-1))], at least a second
 * so that a fleet of failing devices never spins. `random` is in [0, 1).
 */
export function backoffDelayMs(attempt: number, random: number, b: BackoffSettings = DEFAULT_BACKOFF): number {
  const ceiling = Math.min(b.maxMs, b.baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
  return Math.max(1000, Math.floor(random * ceiling));
}

// What every state backend offers (local folder, git branch): the applied state, plan history, apply journal,
// status and the device lock. `Fleet.store` is one of these; reconcile/ and cli/ never know which.

import type { Plan } from '../plan/model.js';
import type { JournalEntry } from './apply-journal.js';
import type { DeviceLock, LockOptions } from './device-lock.js';
import type { DeviceState, DeviceStateUpdate, LockOwner, PlanHistoryEntry } from './model.js';
import type { DeviceSnapshot } from './snapshot.js';
import type { DeviceStatus } from './status-model.js';

export type { DeviceSnapshot };

/** What the backends report (warnings: a lock taken over, a push retried); the CLI's logger fits. */
export interface StateLog {
  warn(msg: string, fields?: Record<string, unknown>): void;
  debug(msg: string, fields?: Record<string, unknown>): void;
}

export interface StateBackend {
  readonly kind: 'local' | 'git';
  /** The local folder holding the files (git: the working copy of the state branch). */
  readonly stateDir: string;
  /** Where the state lives, for people: the folder, or the repository and branch. */
  readonly location: string;
  /** The device's state, or null when tscm never wrote one. A damaged file is a ConfigError naming it. */
  read(device: string): Promise<DeviceState | null>;
  /** Writes the next state: serial + 1, lineage kept (a new uuid on the first write). Returns what was written. */
  write(device: string, next: DeviceStateUpdate): Promise<DeviceState>;
  readJournal(device: string): Promise<JournalEntry[]>;
  /** Journals a window's adds durably, before the window is sent. */
  appendJournal(device: string, entries: readonly JournalEntry[]): Promise<void>;
  /** Keeps only `entries` in the journal (none: removes it). */
  writeJournal(device: string, entries: readonly JournalEntry[]): Promise<void>;
  appendPlanHistory(device: string, plan: Plan, now?: Date): Promise<string>;
  listPlanHistory(device: string): Promise<PlanHistoryEntry[]>;
  /** Takes the device's lock (a held lock is a TransientError naming the owner). */
  lock(device: string, who: { readonly command: string }, opts?: LockOptions): Promise<DeviceLock>;
  /** The lock's owner, 'unreadable' for a damaged lock, null when the device is not locked. */
  readLock(device: string): Promise<LockOwner | 'unreadable' | null>;
  /** `tscm unlock`: removes the lock whoever holds it and returns what it held. */
  breakLock(device: string): Promise<LockOwner | 'unreadable' | null>;
  readStatus(device: string): Promise<DeviceStatus | null>;
  /** A status equal to the stored one writes nothing. */
  writeStatus(device: string, status: DeviceStatus): Promise<void>;
  /** Devices with a state or a status in the backend, sorted. */
  listDevices(): Promise<string[]>;
  /** The device's state, status and plan history as they are (`tscm state pull/push`). */
  exportDevice(device: string): Promise<DeviceSnapshot>;
  /** Writes a snapshot over the device's files (git: one commit naming `source`); the caller holds the lock. */
  importDevice(device: string, snapshot: DeviceSnapshot, source: string): Promise<void>;
  /** Git: fetch the branch now, so reads see other runners' writes. */
  sync?(): Promise<void>;
}

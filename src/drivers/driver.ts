// The one driver contract (DESIGN.md convention 4). The core never imports a driver; only registry.ts does.
// A driver = pure render + pure parse + a thin session; only the session touches sockets.

import type { DeviceSpec, Endpoint } from '../config/types.js';
import type { GroupChange, ObservedDevice } from '../plan/model.js';

/** A structured logger: a fixed message plus fields. Secret values never reach it. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export interface DriverContext {
  readonly spec: DeviceSpec;
  /** The management address or one HA peer: apply runs once per endpoint, one after another. */
  readonly endpoint: Endpoint;
  /** Resolves a credential field of spec.credentials at connect time. */
  readonly secret: (field: 'username' | 'password' | 'enablePassword') => Promise<string | undefined>;
  readonly log: Logger;
}

export interface ApplyProgress {
  readonly done: number;
  readonly total: number;
}

/**
 * Thrown by apply when the device refused a command or the session broke mid-way. `reached` says how many
 * member changes the device confirmed (echo + no error) before the failure; the apply layer then re-reads the
 * device so that the recorded state is the truth, never ahead of or behind it.
 */
export class DeviceApplyError extends Error {
  override readonly name = 'DeviceApplyError';
  constructor(
    message: string,
    readonly command: string | undefined,
    readonly deviceReply: string | undefined,
    readonly reached: number,
    readonly transient: boolean,
  ) {
    super(message);
  }
}

export interface Driver {
  /** Read the named logical groups (block and allow) from the device. Read-only. */
  observe(groups: readonly { name: string; role: 'block' | 'allow' }[]): Promise<ObservedDevice>;
  /** Send the changes. Throws DeviceApplyError on a device error or a broken session. */
  apply(changes: readonly GroupChange[], onProgress?: (p: ApplyProgress) => void): Promise<void>;
  /** Persist the running configuration (write memory); throws with the device's words when it fails. */
  save(): Promise<void>;
  close(): Promise<void>;
}

export type DriverFactory = (ctx: DriverContext) => Promise<Driver>;

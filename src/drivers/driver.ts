// The one driver contract (DESIGN.md convention 4). The core never imports a driver folder; it reaches platforms
// through registry.ts only. A driver = pure render + pure parse + a thin session; only the session touches sockets.

import type { DeviceSpec, Endpoint } from '../config/types.js';
import type { DeviceCapacity, GroupChange, GroupRole, ObservedGroup } from '../plan/model.js';

/** A structured logger: a fixed message plus fields. Secret values never reach it. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** A logical group tscm manages on a device: the block list or the allow list. */
export interface GroupRef {
  readonly name: string;
  readonly role: GroupRole;
}

/**
 * What a driver read from one endpoint: the logical groups (children, twins and the shim folded away) and the facts
 * only that driver reads back (the ASA's master/children layout, IOS twins, a shim present), opaque to the core. The
 * core adds the fingerprint; a driver never computes it.
 */
export interface Observation {
  readonly groups: readonly ObservedGroup[];
  readonly facts?: unknown;
  /** The endpoint's failover role where the platform tells it (ASA `HOST/pri/act#`); absent: standalone. */
  readonly haRole?: 'active' | 'standby';
  /** How this endpoint was read, for the plan's warnings ("reconciled over SSH: the REST API answered 404"). */
  readonly notes?: readonly string[];
  /** The member limit where the device shows one (FWSM); absent: the platform's documented default (traits). */
  readonly capacity?: DeviceCapacity;
}

export interface DriverContext {
  readonly spec: DeviceSpec;
  /** The management address or one HA peer: apply runs once per endpoint, one after another. */
  readonly endpoint: Endpoint;
  /** Resolves a credential field of spec.credentials at connect time. */
  readonly secret: (field: 'username' | 'password' | 'enablePassword') => Promise<string | undefined>;
  readonly log: Logger;
  /**
   * The driver of the platform's `fallback` (registry.ts) on the same device, at the endpoint given (asa-rest hands
   * over to asa over SSH). Absent when the platform has none; the driver decides when to use it.
   */
  readonly fallback?: (endpoint: Endpoint) => Promise<Driver>;
}

export interface ApplyProgress {
  readonly done: number;
  readonly total: number;
}

export interface DriverApplyOptions {
  readonly onProgress?: (p: ApplyProgress) => void;
  /**
   * Aborted on the first SIGINT/SIGTERM: the driver stops sending after the lines in flight, leaves configuration
   * mode and throws DeviceApplyError with `interrupted` set.
   */
  readonly signal?: AbortSignal;
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
    readonly interrupted = false,
  ) {
    super(message);
  }
}

export interface Driver {
  /** Reads the named logical groups (block and allow) from the device. Read-only. */
  observe(groups: readonly GroupRef[]): Promise<Observation>;
  /**
   * What the changes do on the device beyond the members, one line each ("create child ThreatSTOP-Block-3", "add
   * shim ..."), from the basis alone (pure): shown in the plan. Empty when the changes are only members.
   */
  describe(changes: readonly GroupChange[], basis: Observation): readonly string[];
  /**
   * Sends the changes, computed against `basis` (an observation by this driver, passed rather than re-read), and
   * returns the basis after them as the driver predicts it, for the next window of the same apply. Throws
   * DeviceApplyError on a device error, a broken session or an interruption.
   */
  apply(changes: readonly GroupChange[], basis: Observation, opts?: DriverApplyOptions): Promise<Observation>;
  /** Persists the running configuration (write memory); throws with the device's words when it fails. */
  save(): Promise<void>;
  close(): Promise<void>;
}

export type DriverFactory = (ctx: DriverContext) => Promise<Driver>;

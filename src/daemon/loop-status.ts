// What the loop knows about itself and the devices, served as /status and /readyz: each device's latest status
// (live as the pass writes them, then replaced by the pass's full list, so a deleted device disappears) and the
// loop's own record (last pass, next run).

import type { PassSummary, ReconcileEvents } from '../reconcile/events.js';
import type { DeviceStatus } from '../state/status-model.js';
import type { LogsStatus } from './log-status.js';

export interface PassRecord extends PassSummary {
  readonly startedAt: string;
  readonly finishedAt: string;
  /** The pass threw (the source could not be pulled, the definitions could not be read): its message. */
  readonly error: string | null;
}

export interface LoopStatusDocument {
  readonly loop: {
    readonly startedAt: string;
    readonly passes: number;
    readonly running: { readonly trigger: string; readonly startedAt: string } | null;
    readonly lastPass: PassRecord | null;
    readonly nextRunAt: string | null;
  };
  readonly devices: readonly DeviceStatus[];
  /** With --syslog: the log service's counts (daemon/log-status.ts). */
  readonly logs?: LogsStatus;
}

export class LoopStatus {
  private readonly startedAt: string;
  private passes = 0;
  private running: { trigger: string; startedAt: string } | null = null;
  private lastPass: PassRecord | null = null;
  private nextRunAt: string | null = null;
  private devices = new Map<string, DeviceStatus>();
  private logs: (() => LogsStatus | null) | undefined;

  constructor(private readonly now: () => Date = () => new Date()) {
    this.startedAt = now().toISOString();
  }

  /**
   * Ready when the last pass finished (whatever its devices' results: /status tells those); not before the first
   * one, nor after one that could not run (the repository could not be pulled, the definitions not read).
   */
  get ready(): boolean {
    return this.lastPass !== null && this.lastPass.error === null;
  }

  /** Hooks for the pass: a device's status is visible as soon as it is written. */
  readonly events: ReconcileEvents = {
    deviceStatus: (status) => {
      this.devices.set(status.device, status);
    },
  };

  passStarted(trigger: string): void {
    this.running = { trigger, startedAt: this.now().toISOString() };
  }

  passFinished(record: PassRecord, statuses: readonly DeviceStatus[] | null): void {
    this.passes++;
    this.running = null;
    this.lastPass = record;
    // A pass returns every device of the shard (those it did not look at too): a deleted one disappears.
    if (statuses !== null) this.devices = new Map(statuses.map((s) => [s.device, s]));
  }

  scheduled(at: Date | null): void {
    this.nextRunAt = at === null ? null : at.toISOString();
  }

  /** The log service's counts join /status (read at each request). */
  attachLogs(provider: () => LogsStatus | null): void {
    this.logs = provider;
  }

  statuses(): DeviceStatus[] {
    return [...this.devices.values()].sort((a, b) => (a.device < b.device ? -1 : a.device > b.device ? 1 : 0));
  }

  document(): LoopStatusDocument {
    return {
      loop: {
        startedAt: this.startedAt,
        passes: this.passes,
        running: this.running,
        lastPass: this.lastPass,
        nextRunAt: this.nextRunAt,
      },
      devices: this.statuses(),
      ...this.logsSection(),
    };
  }

  private logsSection(): { logs?: LogsStatus } {
    const logs = this.logs?.();
    return logs === undefined || logs === null ? {} : { logs };
  }
}

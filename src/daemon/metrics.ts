// The loop's Prometheus metrics (prom-client, on a registry of its own): counters driven by the pass's events,
// gauges set from the devices' statuses. Labels are device, group, zone, step and trigger names, never a secret
// or a member. A device that leaves the fleet (or the shard) loses its series at the next full status list.

import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PassSummary, ReconcileEvents } from '../reconcile/events.js';
import type { DeviceStatus } from '../state/status-model.js';

export type PassResultLabel = 'success' | 'failed' | 'interrupted' | 'error';

export interface LoopMetrics {
  readonly registry: Registry;
  /** Hooks for the pass (counters). */
  readonly events: ReconcileEvents;
  /** A pass ended: `summary` is null when it threw before summing up (result 'error'). */
  passFinished(trigger: string, result: PassResultLabel, durationMs: number, summary: PassSummary | null): void;
  /** The full list of device statuses after a pass (gauges). */
  setStatuses(statuses: readonly DeviceStatus[]): void;
}

export function createLoopMetrics(opts: { defaultMetrics?: boolean; now?: () => Date } = {}): LoopMetrics {
  const own = new Registry();
  const now = opts.now ?? (() => new Date());
  const registers = [own];
  const passes = new Counter({
    name: 'tscm_reconcile_passes_total',
    help: 'Reconcile passes by trigger (interval, watch, once) and result (success, failed: a device failed, interrupted, error: the pass could not run)',
    labelNames: ['trigger', 'result'],
    registers,
  });
  const passDuration = new Histogram({
    name: 'tscm_reconcile_pass_duration_seconds',
    help: 'Duration of reconcile passes',
    labelNames: ['trigger'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
    registers,
  });
  const lastSuccess = new Gauge({
    name: 'tscm_reconcile_last_success_timestamp_seconds',
    help: 'Unix time of the end of the last pass in which no device failed',
    registers,
  });
  const passDevices = new Gauge({
    name: 'tscm_reconcile_last_pass_devices',
    help: 'Devices the last pass looked at (after sharding)',
    registers,
  });
  const sessions = new Counter({
    name: 'tscm_device_sessions_opened_total',
    help: 'Device sessions opened (observe, apply, drift read)',
    labelNames: ['device'],
    registers,
  });
  const applies = new Counter({
    name: 'tscm_applies_total',
    help: 'Applies that sent changes to a device (also partly)',
    labelNames: ['device'],
    registers,
  });
  const added = new Counter({
    name: 'tscm_members_added_total',
    help: 'Group members added on devices',
    labelNames: ['device'],
    registers,
  });
  const removed = new Counter({
    name: 'tscm_members_removed_total',
    help: 'Group members removed from devices',
    labelNames: ['device'],
    registers,
  });
  const errors = new Counter({
    name: 'tscm_errors_total',
    help: 'Device reconcile errors by step and kind (config: stalled until the definition changes; transient: retried)',
    labelNames: ['device', 'step', 'kind'],
    registers,
  });
  const zoneChecks = new Counter({
    name: 'tscm_zone_checks_total',
    help: 'SOA queries for policy zones (one per zone per pass)',
    labelNames: ['zone'],
    registers,
  });
  const zoneTransfers = new Counter({
    name: 'tscm_zone_transfers_total',
    help: 'Zone transfers (the serial moved)',
    labelNames: ['zone'],
    registers,
  });
  const zoneSerial = new Gauge({
    name: 'tscm_zone_serial',
    help: 'The last serial seen of each policy zone',
    labelNames: ['zone'],
    registers,
  });
  const ready = new Gauge({
    name: 'tscm_device_ready',
    help: '1 when the device holds its desired state (reason Applied or UpToDate), else 0',
    labelNames: ['device'],
    registers,
  });
  const condition = new Gauge({
    name: 'tscm_device_status_reason',
    help: "1 for the device's current status reason (Applied, UpToDate, Planned, Refused, Stalled, Retrying, Orphaned)",
    labelNames: ['device', 'reason'],
    registers,
  });
  const entries = new Gauge({
    name: 'tscm_group_entries',
    help: 'Entries tscm keeps in each object group on the device',
    labelNames: ['device', 'group', 'role'],
    registers,
  });
  const maxEntries = new Gauge({
    name: 'tscm_device_max_entries',
    help: "The device's objectGroups.maxEntries",
    labelNames: ['device'],
    registers,
  });
  const lastApplied = new Gauge({
    name: 'tscm_device_last_applied_timestamp_seconds',
    help: 'Unix time of the last successful apply to the device',
    labelNames: ['device'],
    registers,
  });
  const drift = new Gauge({
    name: 'tscm_device_drift_members',
    help: 'Members found out of step on the device at the last drift check',
    labelNames: ['device'],
    registers,
  });

  const events: ReconcileEvents = {
    sessionOpened: (device) => sessions.inc({ device }),
    applied: (device, counts) => {
      applies.inc({ device });
      added.inc({ device }, counts.added);
      removed.inc({ device }, counts.removed);
    },
    stepFailed: (device, step, kind) => errors.inc({ device, step, kind }),
    zoneChecked: (zone, serial, transferred) => {
      zoneChecks.inc({ zone });
      if (transferred) zoneTransfers.inc({ zone });
      if (serial !== null) zoneSerial.set({ zone }, serial);
    },
    deviceStatus: (status) => setDevice(status),
  };

  // prom-client removes a series by its exact labels: remember what each device last set.
  const shown = new Map<string, { reason: string; groups: { group: string; role: string }[] }>();

  function setDevice(s: DeviceStatus): void {
    const device = s.device;
    const before = shown.get(device);
    if (before) {
      condition.remove({ device, reason: before.reason });
      for (const g of before.groups) entries.remove({ device, ...g });
    }
    shown.set(device, { reason: s.reason, groups: s.entries.map((e) => ({ group: e.group, role: e.role })) });
    ready.set({ device }, s.ready ? 1 : 0);
    condition.set({ device, reason: s.reason }, 1);
    for (const e of s.entries) entries.set({ device, group: e.group, role: e.role }, e.count);
    maxEntries.set({ device }, s.maxEntries);
    if (s.lastAppliedAt !== null) lastApplied.set({ device }, Date.parse(s.lastAppliedAt) / 1000);
    else lastApplied.remove({ device });
    if (s.drift !== null) drift.set({ device }, s.drift.found);
    else drift.remove({ device });
  }

  // Merged last: a merged registry holds the metrics registered so far.
  const registry = opts.defaultMetrics === false ? own : Registry.merge([own, processMetrics()]);
  return {
    registry,
    events,
    passFinished(trigger, result, durationMs, summary) {
      passes.inc({ trigger, result });
      passDuration.observe({ trigger }, durationMs / 1000);
      if (summary !== null) passDevices.set(summary.devices);
      if (result === 'success') lastSuccess.set(now().getTime() / 1000);
    },
    setStatuses(statuses) {
      for (const g of [ready, condition, entries, maxEntries, lastApplied, drift]) g.reset();
      shown.clear();
      for (const s of statuses) setDevice(s);
    },
  };
}

/**
 * prom-client's process and Node.js metrics (CPU, memory, event loop lag, GC, start time), less three gauges whose
 * `_total` names Prometheus' own lint (promtool check metrics) rejects.
 */
function processMetrics(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'])
    registry.removeSingleMetric(name);
  return registry;
}

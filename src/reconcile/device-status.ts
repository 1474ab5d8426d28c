// A device's status after a pass's attempt (state/status-model.ts): ready with a reason, the revisions attempted
// and applied, the zones' serials, the entries tscm keeps against maxEntries, drift, the last error and the next
// run. One line for people says what happened and what happens next.

import { prefixCount } from '../cidr/index.js';
import type { DeviceSpec } from '../config/types.js';
import { hasChanges } from '../plan/compute-plan.js';
import type { DevicePlan } from '../plan/model.js';
import type { DeviceState } from '../state/index.js';
import type { DeviceStatus, StatusError } from '../state/status-model.js';
import type { DeviceOutcome } from './pass-device.js';

export interface StatusContext {
  readonly spec: DeviceSpec;
  readonly outcome: DeviceOutcome;
  readonly previous: DeviceStatus | null;
  /** The state after the attempt (entries tscm keeps). */
  readonly state: DeviceState | null;
  readonly revision: string | null;
  readonly now: Date;
  /** The device's zones with the serial this pass read (null: the SOA query failed). */
  readonly zones: readonly { readonly zone: string; readonly serial: number | null }[];
  /** The attempt was a drift check only: changes found are drift. */
  readonly driftCheck: boolean;
  /** Consecutive failed attempts, this one included. */
  readonly attempts: number;
  readonly nextRunAt: Date | null;
}

export function deviceStatus(c: StatusContext): DeviceStatus {
  const { outcome, previous, now } = c;
  const at = now.toISOString();
  const base = {
    formatVersion: 1 as const,
    device: c.spec.name,
    lastAttemptedRevision: c.revision,
    lastAppliedRevision: previous?.lastAppliedRevision ?? null,
    lastAttemptAt: at,
    lastAppliedAt: previous?.lastAppliedAt ?? null,
    zones: c.zones,
    entries: entriesOf(c.state),
    maxEntries: c.spec.objectGroups.maxEntries,
    drift: previous?.drift ?? null,
    lastError: null,
    nextRunAt: c.nextRunAt?.toISOString() ?? null,
  };
  switch (outcome.kind) {
    case 'applied': {
      const changed = outcome.added + outcome.removed > 0 || outcome.plans.some(hasChanges);
      const found = outcome.plans.reduce((n, p) => n + changesOf(p), 0);
      return {
        ...base,
        ready: true,
        reason: changed ? 'Applied' : 'UpToDate',
        message:
          (changed
            ? `applied: ${outcome.added} added, ${outcome.removed} removed`
            : 'up to date: the device holds the desired groups') + heldNote(outcome.plans),
        lastAppliedRevision: c.revision,
        lastAppliedAt: at,
        drift: c.driftCheck ? { checkedAt: at, found, healed: found > 0 } : base.drift,
      };
    }
    case 'held': {
      const found = changesOf(outcome.plan) + outcome.peersOutOfStep;
      const drift = c.driftCheck ? { checkedAt: at, found, healed: false } : base.drift;
      if (found === 0) {
        const message = `up to date (planned only)${heldNote([outcome.plan])}`;
        return { ...base, ready: true, reason: 'UpToDate', message, drift };
      }
      const { add, remove } = outcome.plan.summary;
      const peers = outcome.peersOutOfStep > 0 ? `, ${outcome.peersOutOfStep} HA peer(s) out of step` : '';
      return {
        ...base,
        ready: false,
        reason: 'Planned',
        message: `planned, not applied (${outcome.held}): ${add} to add, ${remove} to remove${peers}${heldNote([outcome.plan])}`,
        drift,
      };
    }
    case 'refused':
      return {
        ...base,
        ready: false,
        reason: 'Refused',
        message: `${firstLine(outcome.message)}; review it and apply with tscm apply --force`,
      };
    case 'failed': {
      const { step, kind, error } = outcome.failure;
      const text = (error as Error)?.message ?? String(error);
      const lastError: StatusError = { step, kind, message: text, at, attempts: c.attempts };
      const next =
        kind === 'config'
          ? 'waits for the definition to change'
          : `retry ${c.nextRunAt ? `at ${c.nextRunAt.toISOString()}` : 'later'} (attempt ${c.attempts})`;
      return {
        ...base,
        ready: false,
        reason: kind === 'config' ? 'Stalled' : 'Retrying',
        message: `${step} failed: ${firstLine(text)}; ${next}`,
        lastError,
      };
    }
  }
}

/**
 * The sources the plan holds at their last good set (a tripped gate, a failing source), for the status message: a
 * device that enforces an old version of a feed never reads as plainly up to date.
 */
function heldNote(plans: readonly DevicePlan[]): string {
  const held = plans[0]?.policy?.sources.filter((s) => s.status === 'held') ?? [];
  if (held.length === 0) return '';
  const gates = [...new Set(held.map((s) => s.gate?.gate ?? 'failed'))].join(', ');
  const stale = held.filter((s) => s.stale === true).length;
  return `; ${held.length} source(s) held at their last good set (${gates})${stale > 0 ? `, ${stale} stale` : ''}`;
}

function changesOf(plan: DevicePlan): number {
  return plan.summary.add + plan.summary.remove;
}

export function entriesOf(state: DeviceState | null): DeviceStatus['entries'] {
  return (state?.inventory.groups ?? []).map((g) => ({ group: g.name, role: g.role, count: prefixCount(g.members) }));
}

export function firstLine(text: string): string {
  return text.split('\n').find((l) => l.trim() !== '') ?? text;
}

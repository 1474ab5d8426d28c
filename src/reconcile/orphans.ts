// Orphans: devices with a state or a status in the backend but no definition any more. Each is reported (status
// Orphaned, naming tscm's groups still on it), never removed silently: only `--prune` takes the groups off, with
// the definition the device last had (kept by this loop, or read from git at the revision of its last apply),
// through the same steps as `tscm remove`.

import type { Logger } from '../drivers/driver.js';
import type { DeviceStatus } from '../state/status-model.js';
import { withDefinitionAt } from './definitions-at.js';
import { entriesOf, firstLine } from './device-status.js';
import type { Fleet } from './fleet.js';
import type { DeviceMemory } from './pass-memory.js';
import { removeDevice } from './remove-device.js';
import { DeviceSteps } from './steps.js';

export interface OrphanContext {
  readonly fleet: Fleet;
  readonly memory: DeviceMemory | undefined;
  readonly previous: DeviceStatus | null;
  readonly prune: boolean;
  /** Problems in the definitions: a device missing may be in a file that did not load, so nothing is pruned. */
  readonly problems: number;
  readonly now: Date;
  readonly signal: AbortSignal | undefined;
  readonly log: Logger;
}

export interface OrphanResult {
  readonly status: DeviceStatus;
  readonly pruned: boolean;
  readonly failed: boolean;
}

export async function reconcileOrphan(device: string, c: OrphanContext): Promise<OrphanResult> {
  const state = await c.fleet.store.read(device);
  const groups = (state?.inventory.groups ?? []).map((g) => g.name);
  const status = (message: string, extra: Partial<DeviceStatus> = {}): DeviceStatus => ({
    formatVersion: 1,
    device,
    ready: false,
    reason: 'Orphaned',
    message,
    lastAttemptedRevision: c.previous?.lastAttemptedRevision ?? null,
    lastAppliedRevision: c.previous?.lastAppliedRevision ?? null,
    lastAttemptAt: c.previous?.lastAttemptAt ?? null,
    lastAppliedAt: c.previous?.lastAppliedAt ?? null,
    zones: c.previous?.zones ?? [],
    entries: entriesOf(state),
    maxEntries: c.previous?.maxEntries ?? 0,
    drift: c.previous?.drift ?? null,
    lastError: null,
    nextRunAt: null,
    ...extra,
  });
  const missing =
    c.problems > 0
      ? `no valid definition (the definitions have ${c.problems} problem(s): if this device's file is among them, fix it; tscm validate lists them)`
      : 'its definition was deleted';
  if (groups.length === 0) {
    return { status: status(`${missing}; nothing of tscm's remains on the device`), pruned: false, failed: false };
  }
  const remain = `tscm's groups remain on the device: ${groups.join(', ')}`;
  if (!c.prune || c.problems > 0) {
    const how = c.prune ? 'not pruned while the definitions have problems' : 'remove them with tscm remove or --prune';
    return { status: status(`${missing}; ${remain} (${how})`), pruned: false, failed: false };
  }
  const revision = state?.lastApply?.revision ?? c.previous?.lastAttemptedRevision ?? null;
  const prune = async (spec: Parameters<typeof removeDevice>[1] | null): Promise<OrphanResult> => {
    if (spec === null) {
      const where = revision === null ? 'no revision is recorded' : `git has no definition of it at ${revision}`;
      const msg = `${missing}; ${remain}; cannot prune: ${where} (restore the definition and run tscm remove)`;
      return { status: status(msg), pruned: false, failed: true };
    }
    const steps = new DeviceSteps(device);
    const at = c.now.toISOString();
    try {
      await removeDevice(
        c.fleet,
        spec,
        { confirm: async () => true, command: 'tscm reconcile --prune', ...(c.signal ? { signal: c.signal } : {}) },
        steps,
      );
      c.log.info('orphan pruned', { device, groups: groups.length });
      return {
        status: status(`${missing}; pruned: tscm's groups were removed from the device (${groups.join(', ')})`, {
          lastAttemptAt: at,
          entries: [],
        }),
        pruned: true,
        failed: false,
      };
    } catch (error) {
      const failure = steps.failure(error);
      const text = (error as Error).message;
      c.log.error('orphan prune failed', { device, step: failure.step, error: text });
      const lastError = { step: failure.step, kind: failure.kind, message: text, at, attempts: 1 };
      const msg = `${missing}; ${remain}; prune failed at ${failure.step}: ${firstLine(text)}`;
      return { status: status(msg, { lastAttemptAt: at, lastError }), pruned: false, failed: true };
    }
  };
  if (c.memory?.spec) return prune(c.memory.spec);
  if (revision === null) return prune(null);
  return withDefinitionAt(c.fleet.dir, revision, device, c.log, prune);
}

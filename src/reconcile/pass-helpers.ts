// Small pieces of a reconcile pass: a bounded pool of workers, the last status of a device (kept in the pass
// memory once read), and the status of a device whose definition does not load.

import type { Logger } from '../drivers/driver.js';
import type { DeviceStatus } from '../state/status-model.js';
import type { Fleet } from './fleet.js';
import type { PassMemory } from './pass-memory.js';

/** Runs `fn` on the items, at most `limit` at once; once `signal` is aborted no further item starts. */
export async function runPool<T>(
  items: readonly T[],
  limit: number,
  signal: AbortSignal | undefined,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length && signal?.aborted !== true) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
}

/** The device's last status: from the pass memory, else the state backend (a damaged one is logged, not fatal). */
export async function loadStatus(
  memory: PassMemory,
  fleet: Fleet,
  device: string,
  log: Logger,
): Promise<DeviceStatus | null> {
  const known = memory.statuses.get(device);
  if (known !== undefined) return known;
  try {
    const status = await fleet.store.readStatus(device);
    if (status !== null) memory.statuses.set(device, status);
    return status;
  } catch (err) {
    log.warn('status not read; a new one replaces it', { device, reason: (err as Error).message });
    return null;
  }
}

/** A device whose definition has problems: stalled at step load until the file changes. */
export function statusOfInvalid(
  device: string,
  file: string,
  problems: readonly string[],
  previous: DeviceStatus | null,
  revision: string | null,
  now: Date,
): DeviceStatus {
  const at = now.toISOString();
  // The first problem itself (file:line:column, field, fix), so the status says what to change.
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more: tscm validate lists them)` : '';
  const message = `${problems[0] ?? `${file}: the definition has problems (tscm validate lists them)`}${more}`;
  return {
    formatVersion: 1,
    device,
    ready: false,
    reason: 'Stalled',
    message: `load failed: ${message}; waits for the definition to change`,
    lastAttemptedRevision: revision,
    lastAppliedRevision: previous?.lastAppliedRevision ?? null,
    lastAttemptAt: at,
    lastAppliedAt: previous?.lastAppliedAt ?? null,
    zones: previous?.zones ?? [],
    entries: previous?.entries ?? [],
    maxEntries: previous?.maxEntries ?? 0,
    drift: previous?.drift ?? null,
    lastError: { step: 'load', kind: 'config', message, at, attempts: 1 },
    nextRunAt: null,
  };
}

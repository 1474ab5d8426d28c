// A new process (a restarted loop, `tscm reconcile --once` from cron or CI) starts with an empty pass memory. Each
// device's memory is read back from its status (the `loop` record the last attempt stored), and the files a device
// reads are diffed from the revision it was last attempted at. Without this every such run would open every device.

import type { Definitions } from '../config/index.js';
import type { DeviceSpec } from '../config/types.js';
import type { Logger } from '../drivers/driver.js';
import type { LoopMemoryRecord } from '../state/status-model.js';
import { changedDefinitionFiles, devicesTouched } from './changed-devices.js';
import type { Fleet } from './fleet.js';
import { loadStatus } from './pass-helpers.js';
import type { DeviceMemory, PassMemory } from './pass-memory.js';

export function loopRecordOf(mem: DeviceMemory, revision: string | null): LoopMemoryRecord {
  const time = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
  return {
    definition: mem.definition,
    revision,
    zones: [...mem.zones].map(([key, serial]) => ({ key, serial })),
    lastCheckedAt: time(mem.lastCheckedAt),
    failures: mem.failures,
    retryAt: time(mem.retryAt),
    stalledAt: mem.stalledAt,
    heldByWindow: mem.heldByWindow,
  };
}

function memoryOfRecord(r: LoopMemoryRecord): DeviceMemory {
  const ms = (iso: string | null): number | null => {
    const t = iso === null ? NaN : Date.parse(iso);
    return Number.isFinite(t) ? t : null;
  };
  return {
    definition: r.definition,
    spec: null,
    zones: new Map(r.zones.map((z) => [z.key, z.serial])),
    lastCheckedAt: ms(r.lastCheckedAt),
    failures: r.failures,
    retryAt: ms(r.retryAt),
    stalledAt: r.stalledAt,
    heldByWindow: r.heldByWindow,
  };
}

/**
 * Fills the memory of `devices` this process has none of from their stored statuses. Returns the seeded devices
 * that a change of the definitions since their last attempt touches (a file they read, e.g. a list file).
 */
export async function seedMemory(
  memory: PassMemory,
  fleet: Fleet,
  devices: readonly DeviceSpec[],
  defs: Definitions,
  root: string,
  revision: string | null,
  log: Logger,
): Promise<Set<string>> {
  const since = new Map<string, DeviceSpec[]>();
  for (const spec of devices) {
    if (memory.devices.has(spec.name)) continue;
    const record = (await loadStatus(memory, fleet, spec.name, log))?.loop;
    if (record === undefined) continue;
    memory.devices.set(spec.name, memoryOfRecord(record));
    const from = record.revision?.replace(/\+dirty$/, '');
    if (from !== undefined) since.set(from, [...(since.get(from) ?? []), spec]);
  }
  const touched = new Set<string>();
  const to = revision?.replace(/\+dirty$/, '');
  if (to === undefined) return touched;
  for (const [from, specs] of since) {
    if (from === to) continue;
    try {
      const files = await changedDefinitionFiles(root, from, to);
      const settingsFile = defs.settings.settingsFile ?? 'tscm.yaml';
      for (const name of devicesTouched(files, specs, root, settingsFile).names) touched.add(name);
    } catch (err) {
      // History rewritten or shallow: the stored revision is unknown here, so every such device is looked at.
      log.warn('cannot tell what changed since the last attempt; looking at the devices again', {
        from,
        to,
        reason: (err as Error).message,
      });
      for (const spec of specs) touched.add(spec.name);
    }
  }
  return touched;
}

// The entries a deny line is attributed to: the members tscm applied to each device's block and allow groups, read
// from the state backend's inventory (what reached the device, not what the feed wants now).

import { prefixesToStrings } from '../cidr/index.js';
import type { StateBackend } from '../state/index.js';

export interface HitEntries {
  readonly block: readonly string[];
  readonly allow: readonly string[];
}

/** Each device's applied block and allow members; a device with no state (or an unreadable one) has none. */
export async function readHitEntries(
  backend: Pick<StateBackend, 'read'>,
  devices: readonly string[],
  onError: (device: string, err: Error) => void,
): Promise<Map<string, HitEntries>> {
  const out = new Map<string, HitEntries>();
  for (const device of devices) {
    const entries = { block: [] as string[], allow: [] as string[] };
    try {
      const state = await backend.read(device);
      for (const g of state?.inventory.groups ?? []) entries[g.role].push(...prefixesToStrings(g.members));
    } catch (err) {
      onError(device, err as Error);
    }
    out.set(device, entries);
  }
  return out;
}

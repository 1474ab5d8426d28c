// What moved outside the loop since the pass before: the devices a new revision of the definitions touches (git
// diff, tscm.yaml touching all), and each zone's serial (one SOA query per zone per pass; the pass's resolver keeps
// it for the transfers that follow).

import type { Definitions } from '../config/index.js';
import { sourcesOf } from '../config/policy-feeds.js';
import type { DeviceSpec, ZoneSource } from '../config/types.js';
import type { Logger } from '../drivers/driver.js';
import { zoneSourceKey } from '../policy/index.js';
import { changedDefinitionFiles, devicesTouched } from './changed-devices.js';
import type { Fleet } from './fleet.js';
import { runPool } from './pass-helpers.js';
import type { PassMemory } from './pass-memory.js';

export interface ZoneCheck {
  readonly source: ZoneSource & { readonly kind: 'zone' };
  readonly serial: number | null;
}

/** The devices a new revision touches: 'all' when tscm.yaml changed or git cannot tell. */
export async function touchedDevices(
  memory: PassMemory,
  defs: Definitions,
  root: string,
  revision: string | null,
  settingsPrint: string,
  log: Logger,
): Promise<ReadonlySet<string> | 'all'> {
  if (memory.revision === undefined) return new Set(); // the first pass works on every device anyway
  if (memory.settings !== settingsPrint) return 'all';
  const from = memory.revision?.replace(/\+dirty$/, '');
  const to = revision?.replace(/\+dirty$/, '');
  if (from === undefined || to === undefined || from === to) return new Set();
  try {
    const files = await changedDefinitionFiles(root, from, to);
    return devicesTouched(files, defs.devices, root, defs.settings.settingsFile ?? 'tscm.yaml').names;
  } catch (err) {
    log.warn('cannot tell which devices the new revision touches; looking at all of them', {
      from,
      to,
      reason: (err as Error).message,
    });
    return 'all';
  }
}

/** One SOA query per zone the devices use (the resolver keeps the serial for the transfers that follow). */
export async function checkZones(
  fleet: Fleet,
  devices: readonly DeviceSpec[],
  concurrency: number,
): Promise<Map<string, ZoneCheck>> {
  const zones = new Map<string, ZoneSource & { readonly kind: 'zone' }>();
  for (const spec of devices) {
    for (const source of sourcesOf(spec)) {
      if (source.kind === 'zone') zones.set(zoneSourceKey(source), source);
    }
  }
  const serials = new Map<string, ZoneCheck>();
  await runPool([...zones], concurrency, undefined, async ([key, source]) => {
    const serial = await fleet.resolver.checkSerial(source).catch((err: unknown) => {
      fleet.log.warn('zone serial not read', { zone: source.zone, reason: (err as Error).message });
      return null;
    });
    serials.set(key, { source, serial });
  });
  return serials;
}

export function zonesOf(spec: DeviceSpec, serials: ReadonlyMap<string, ZoneCheck>): Map<string, number | null> {
  const out = new Map<string, number | null>();
  for (const source of sourcesOf(spec)) {
    if (source.kind !== 'zone') continue;
    const key = zoneSourceKey(source);
    out.set(key, serials.get(key)?.serial ?? null);
  }
  return out;
}

// Step "load": the definitions folder -> the selected, valid devices, the state store and the zone resolver.
// A selected device with validation problems stops the run with every problem listed (load-devices.ts).

import path from 'node:path';
import type { LoadedSettings } from '../config/index.js';
import type { DeviceSpec, Endpoint } from '../config/types.js';
import type { Logger } from '../drivers/driver.js';
import { ZoneResolver } from '../policy/index.js';
import { openStateBackend, type StateBackend } from '../state/index.js';
import { readGitRevision, type GitRevision } from './git-revision.js';
import { loadDevices } from './load-devices.js';

export interface Fleet {
  readonly dir: string;
  readonly stateDir: string;
  readonly devices: readonly DeviceSpec[];
  /** tscm.yaml's settings (state backend, change windows, drift). */
  readonly settings: LoadedSettings;
  /** The git revision of the definitions, read once on first use (commands that pin no revision skip git). */
  revision(): Promise<GitRevision | null>;
  readonly resolver: ZoneResolver;
  /** The state backend tscm.yaml names (local folder or git branch). */
  readonly store: StateBackend;
  readonly log: Logger;
  /** Told of every device session opened (the reconcile loop counts them). */
  readonly onConnect?: (device: string, endpoint: Endpoint) => void;
}

export async function loadFleet(dir: string, names: readonly string[], log: Logger): Promise<Fleet> {
  const { root, settings, devices } = await loadDevices(dir, names, log);
  return fleetOf(root, settings, devices, log);
}

export interface FleetExtras {
  readonly onConnect?: Fleet['onConnect'];
  /** The revision, when the caller has just read it. */
  readonly revision?: GitRevision | null;
}

/** A fleet of `devices` (already loaded from `root`): the state backend tscm.yaml names, one zone resolver. */
export function fleetOf(
  root: string,
  settings: LoadedSettings,
  devices: readonly DeviceSpec[],
  log: Logger,
  extras: FleetExtras = {},
): Fleet {
  const stateDir = path.resolve(root, settings.stateDir);
  const { onConnect, revision } = extras;
  return {
    dir: root,
    stateDir,
    devices,
    settings,
    revision:
      revision === undefined
        ? memoize(() => readGitRevision(root, { stateDir, log }))
        : () => Promise.resolve(revision),
    resolver: new ZoneResolver({ cacheDir: path.join(stateDir, 'zones'), log }),
    store: openStateBackend({ stateDir, state: settings.state }, log),
    log,
    ...(onConnect === undefined ? {} : { onConnect }),
  };
}

function memoize<T>(fn: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= fn());
}

// Step "load": the definitions folder -> the selected, valid devices, the state store and the zone resolver.
// A selected device with validation problems stops the run with every problem listed.

import path from 'node:path';
import { formatDiagnostic, loadDefinitions, type LoadedSettings } from '../config/index.js';
import type { DeviceSpec, Endpoint } from '../config/types.js';
import type { Logger } from '../drivers/driver.js';
import { ConfigError } from '../errors.js';
import { ZoneResolver } from '../policy/index.js';
import { openStateBackend, type StateBackend } from '../state/index.js';
import { readGitRevision, type GitRevision } from './git-revision.js';

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
  const root = path.resolve(dir);
  const { devices, settings, diagnostics } = await loadDefinitions(root);
  if (names.length === 0 && diagnostics.length > 0) {
    throw new ConfigError(
      `the device definitions have ${diagnostics.length} problem(s):\n${diagnostics.map(formatDiagnostic).join('\n')}`,
      'fix them (tscm validate lists them all) and run again, or name the devices to run',
    );
  }
  if (devices.length === 0 && diagnostics.length === 0) {
    throw new ConfigError(
      `no device definitions (*.yaml) found in ${root}`,
      'point --dir at the folder of device YAML files',
    );
  }
  const selected = selectDevices(devices, names, diagnostics.length > 0);
  if (diagnostics.length > 0)
    log.warn('other device definitions have problems; see tscm validate', { problems: diagnostics.length });
  return fleetOf(root, settings, selected, log);
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

function selectDevices(devices: readonly DeviceSpec[], names: readonly string[], someInvalid: boolean): DeviceSpec[] {
  if (names.length === 0) return [...devices];
  return names.map((name) => {
    const found = devices.find((d) => d.name === name);
    if (found) return found;
    const known = devices.map((d) => d.name).sort();
    throw new ConfigError(
      `no valid device named "${name}"`,
      someInvalid
        ? `it may be in a file with problems (tscm validate); known devices: ${known.join(', ') || 'none'}`
        : `known devices: ${known.join(', ') || 'none'}`,
    );
  });
}

function memoize<T>(fn: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= fn());
}

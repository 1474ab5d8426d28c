// The first half of step "load": the definitions folder -> the selected, valid devices. Split from fleet.ts so a
// command that needs the definitions alone (`tscm policy DEVICE --cidrs` over list files) does not load the state
// backend and the zone transfer stack.

import path from 'node:path';
import { formatDiagnostic, loadDefinitions, type LoadedSettings } from '../config/index.js';
import type { DeviceSpec } from '../config/types.js';
import type { Logger } from '../drivers/driver.js';
import { ConfigError } from '../errors.js';

export interface LoadedDevices {
  readonly root: string;
  readonly settings: LoadedSettings;
  readonly devices: DeviceSpec[];
}

/** A selected device with validation problems stops the run with every problem listed. */
export async function loadDevices(dir: string, names: readonly string[], log: Logger): Promise<LoadedDevices> {
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
  return { root, settings, devices: selected };
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

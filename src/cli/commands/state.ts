// tscm state list | show DEVICE: what the configured state backend (tscm.yaml `state`) holds, without touching a
// device: the members tscm owns per group, lineage and serial, the zones applied, the last apply, the status, the
// lock and the recorded plans.

import path from 'node:path';
import { formatDiagnostic, loadDefinitions } from '../../config/index.js';
import { ConfigError } from '../../errors.js';
import { openStateBackend, type StateBackend } from '../../state/index.js';
import { createLogger, type LogLevel } from '../logger.js';
import {
  renderStateList,
  renderStateShow,
  stateListJson,
  stateShowJson,
  type DeviceReport,
} from '../views/state-human.js';

export interface StateCommandOptions {
  readonly dir: string;
  readonly json?: boolean;
  readonly logLevel: LogLevel;
  readonly logFormat: 'text' | 'json';
}

/**
 * The backend tscm.yaml in `dir` names. Only tscm.yaml must be valid (device files may be broken or gone): with a
 * broken tscm.yaml the backend is unknown, and guessing the local one would show or change the wrong state.
 */
export async function openBackendAt(
  opts: Pick<StateCommandOptions, 'dir'> & Partial<StateCommandOptions>,
): Promise<StateBackend> {
  const { settings, diagnostics } = await loadDefinitions(path.resolve(opts.dir));
  const problems = diagnostics.filter((d) => d.file === settings.settingsFile);
  if (problems.length > 0) {
    throw new ConfigError(
      `${settings.settingsFile ?? 'tscm.yaml'} has ${problems.length} problem(s), so the state backend is unknown:\n${problems.map(formatDiagnostic).join('\n')}`,
      'fix them (tscm validate lists them all) and run again',
    );
  }
  return openStateBackend(settings, createLogger({ level: opts.logLevel ?? 'warn', format: opts.logFormat ?? 'text' }));
}

export async function stateListCommand(opts: StateCommandOptions): Promise<number> {
  const store = await openBackendAt(opts);
  const reports = [];
  for (const device of await store.listDevices()) reports.push(await reportOf(store, device, false));
  process.stdout.write(
    opts.json === true
      ? `${JSON.stringify(stateListJson(store.location, reports), null, 2)}\n`
      : renderStateList(store.location, reports),
  );
  return 0;
}

export async function stateShowCommand(
  device: string,
  opts: StateCommandOptions & { readonly members?: boolean },
): Promise<number> {
  const store = await openBackendAt(opts);
  const report = await reportOf(store, device, true);
  if (report.state === null && report.status === null && report.history.length === 0 && report.lock === null) {
    const known = await store.listDevices();
    throw new ConfigError(
      `the state backend ${store.location} holds nothing for ${device}`,
      `devices with state there: ${known.join(', ') || 'none'}`,
    );
  }
  const members = opts.members === true;
  process.stdout.write(
    opts.json === true
      ? `${JSON.stringify(stateShowJson(store.location, report, { members }), null, 2)}\n`
      : renderStateShow(store.location, report, { members }),
  );
  return 0;
}

async function reportOf(store: StateBackend, device: string, withHistory: boolean): Promise<DeviceReport> {
  return {
    device,
    state: await store.read(device),
    status: await store.readStatus(device),
    lock: await store.readLock(device),
    history: withHistory ? await store.listPlanHistory(device) : [],
  };
}

// tscm status [DEVICE...] [--json]: each device's Ready status as the last reconcile wrote it to the state backend
// (the same records the loop serves at /status), without a running loop. Devices defined but never reconciled,
// and devices the backend knows that are no longer defined, are listed too.

import path from 'node:path';
import { loadDefinitions } from '../../config/index.js';
import { ConfigError } from '../../errors.js';
import type { LogFormat, LogLevel } from '../logger.js';
import { openBackendAt } from './state.js';
import { renderStatusTable, type StatusRow } from '../views/status-human.js';

export interface StatusOptions {
  dir: string;
  json?: boolean;
  logLevel: LogLevel;
  logFormat: LogFormat;
}

export async function statusCommand(names: string[], opts: StatusOptions): Promise<number> {
  const { devices } = await loadDefinitions(path.resolve(opts.dir));
  // A broken tscm.yaml leaves the backend unknown: refused there rather than guessed.
  const store = await openBackendAt(opts);
  await store.sync?.();
  const defined = new Set(devices.map((d) => d.name));
  const known = new Set([...defined, ...(await store.listDevices())]);
  for (const name of names) {
    if (!known.has(name)) {
      throw new ConfigError(
        `no device named "${name}" in the definitions or the state`,
        `known devices: ${[...known].sort().join(', ') || 'none'}`,
      );
    }
  }
  const selected = (names.length > 0 ? names : [...known]).sort();
  const rows: StatusRow[] = [];
  for (const device of selected)
    rows.push({ device, defined: defined.has(device), status: await store.readStatus(device) });
  if (opts.json) {
    const document = {
      devices: rows.flatMap((r) => (r.status ? [r.status] : [])),
      withoutStatus: rows.filter((r) => !r.status).map((r) => ({ device: r.device, defined: r.defined })),
    };
    process.stdout.write(JSON.stringify(document, null, 2) + '\n');
  } else {
    process.stdout.write(renderStatusTable(rows, new Date()));
  }
  return 0;
}

// tscm hits DEVICE [--json] [--since 24h] [--top 20]: which of the device's block entries its ACL lines hit over
// a period, the busiest blocked sources and destinations, the entries that never hit, and any allow-list hit (a
// likely false positive in the block list). Reads the definitions (the device must be defined), the state (the
// block and allow entries tscm applied) and the hit buckets in the log folder; touches no device.

import path from 'node:path';
import { prefixesToStrings } from '../../cidr/index.js';
import { loadDefinitions, logDirOf } from '../../config/index.js';
import { findClosestName } from '../../config/closest-name.js';
import { parseDuration } from '../../daemon/schedule.js';
import { ConfigError } from '../../errors.js';
import { readHitReport } from '../../logs/hits/index.js';
import type { LogFormat, LogLevel } from '../logger.js';
import { renderHitReport } from '../views/hits-human.js';
import { openBackendAt } from './state.js';

export interface HitsOptions {
  readonly dir: string;
  readonly json?: boolean;
  readonly since: string;
  readonly top: string;
  readonly logLevel: LogLevel;
  readonly logFormat: LogFormat;
}

export async function hitsCommand(device: string, opts: HitsOptions, now: number = Date.now()): Promise<number> {
  const sinceMs = parseDuration(opts.since, '--since');
  const top = Number(opts.top);
  if (!/^\d{1,4}$/.test(opts.top) || top < 1 || top > 1000) {
    throw new ConfigError(`--top takes a number from 1 to 1000, not "${opts.top.slice(0, 20)}"`, 'e.g. --top 20');
  }
  const root = path.resolve(opts.dir);
  const { devices, settings } = await loadDefinitions(root);
  if (!devices.some((d) => d.name === device)) {
    const names = devices.map((d) => d.name).sort();
    const closest = findClosestName(device, names);
    throw new ConfigError(
      `no device named "${device.slice(0, 80)}" in the definitions in ${root}`,
      closest !== undefined ? `did you mean "${closest}"?` : `known devices: ${names.join(', ') || 'none'}`,
    );
  }
  const store = await openBackendAt(opts);
  await store.sync?.();
  const state = await store.read(device);
  if (state === null) {
    throw new ConfigError(
      `no state for ${device} yet in ${store.location}: its block and allow entries are known once tscm has applied them`,
      `run tscm apply ${device} (or let tscm reconcile do it), then tscm hits ${device}`,
    );
  }
  const entries = (role: 'block' | 'allow') =>
    state.inventory.groups.filter((g) => g.role === role).flatMap((g) => prefixesToStrings(g.members));
  const logDir = logDirOf(settings);
  const report = await readHitReport({
    dir: logDir,
    device,
    since: now - sinceMs,
    until: now,
    top,
    block: entries('block'),
    allow: entries('allow'),
  });
  if (report.buckets === 0 && report.skippedFiles.length === 0) {
    throw new ConfigError(
      `no ACL hits recorded for ${device} in ${logDir} over the last ${opts.since}`,
      'hits are recorded by the syslog receiver (tscm syslog, or tscm reconcile) from the deny lines the device ' +
        'sends; the ACL entries need the log keyword, and the device must send its syslog to tscm',
    );
  }
  process.stdout.write(opts.json === true ? `${JSON.stringify(report, null, 2)}\n` : renderHitReport(report));
  return 0;
}

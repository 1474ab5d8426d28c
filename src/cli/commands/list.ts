// tscm list [--json]: the devices of the definitions (platform, management address, policy zones, groups) with
// their last apply from the state backend: the appliance's device list.

import path from 'node:path';
import { loadDefinitions, sourcesOf } from '../../config/index.js';
import type { DeviceSpec, ZoneSource } from '../../config/types.js';
import { ConfigError } from '../../errors.js';
import { printable } from '../../plan/message-text.js';
import { createLogger, type LogFormat, type LogLevel } from '../logger.js';
import { openBackendAt } from './state.js';

export interface ListOptions {
  dir: string;
  json?: boolean;
  logLevel: LogLevel;
  logFormat: LogFormat;
}

interface ListedDevice {
  readonly device: string;
  readonly platform: string;
  readonly address: string;
  readonly zones: readonly string[];
  readonly groups: { readonly block: string; readonly allow: string };
  readonly policyUpdates: boolean;
  readonly lastApply: { readonly at: string; readonly ok: boolean; readonly revision: string | null } | null;
}

export async function listCommand(opts: ListOptions): Promise<number> {
  const log = createLogger({ level: opts.logLevel, format: opts.logFormat });
  const root = path.resolve(opts.dir);
  const { devices, diagnostics } = await loadDefinitions(root);
  if (devices.length === 0 && diagnostics.length === 0) {
    throw new ConfigError(
      `no device definitions (*.yaml) found in ${root}`,
      'point --dir at the folder of device YAML files',
    );
  }
  if (diagnostics.length > 0)
    log.warn('some device definitions have problems; see tscm validate', { problems: diagnostics.length });
  const store = await openBackendAt(opts);
  await store.sync?.();
  const listed: ListedDevice[] = [];
  for (const spec of [...devices].sort((a, b) => (a.name < b.name ? -1 : 1)))
    listed.push(await describe(spec, root, store));
  if (opts.json) {
    process.stdout.write(JSON.stringify({ devices: listed }, null, 2) + '\n');
    return 0;
  }
  const table = [['DEVICE', 'PLATFORM', 'ADDRESS', 'ZONES', 'GROUPS', 'LAST APPLY']];
  for (const d of listed) {
    table.push([
      d.device,
      d.platform,
      d.address,
      d.zones.join(', '),
      `${d.groups.block}, ${d.groups.allow}`,
      d.lastApply
        ? `${d.lastApply.at}${d.lastApply.ok ? '' : ' (failed)'}`
        : d.policyUpdates
          ? 'never'
          : 'never (policyUpdates: false)',
    ]);
  }
  for (const row of table) for (let i = 0; i < row.length; i++) row[i] = printable(row[i]!, 120);
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  process.stdout.write(
    table.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n') + '\n',
  );
  return 0;
}

async function describe(
  spec: DeviceSpec,
  root: string,
  store: {
    read(
      device: string,
    ): Promise<{ appliedAt: string; lastApply: { ok: boolean; revision: string | null } | null } | null>;
  },
): Promise<ListedDevice> {
  const state = await store.read(spec.name);
  const host = spec.management.host.includes(':') ? `[${spec.management.host}]` : spec.management.host;
  return {
    device: spec.name,
    platform: spec.platform,
    address: `${host}:${spec.management.port}`,
    zones: sourcesOf(spec).map((z) => zoneName(z, root)),
    groups: { block: spec.objectGroups.block, allow: spec.objectGroups.allow },
    policyUpdates: spec.policyUpdates,
    lastApply: state?.lastApply
      ? { at: state.appliedAt, ok: state.lastApply.ok, revision: state.lastApply.revision }
      : null,
  };
}

function zoneName(source: ZoneSource, root: string): string {
  return source.kind === 'zone' ? source.zone : `file:${path.relative(root, source.path)}`;
}

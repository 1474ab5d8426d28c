// The state file format: versioned JSON validated against schemas/state.schema.json; members as CIDR strings.

import { prefixesFromStrings, prefixesToStrings } from '../cidr/index.js';
import { ConfigError } from '../errors.js';
import type { InventoryGroup } from '../plan/model.js';
import { assertMatchesSchema } from '../plan/schema-validator.js';
import { serializePin } from '../plan/plan-file.js';
import { STATE_FORMAT_VERSION, type DeviceState, type LastApplyRecord } from './model.js';

export function serializeState(state: DeviceState): string {
  const doc = {
    formatVersion: STATE_FORMAT_VERSION,
    lineage: state.lineage,
    serial: state.serial,
    device: state.device,
    appliedAt: state.appliedAt,
    inventory: {
      groups: state.inventory.groups.map((g) => ({
        name: g.name,
        role: g.role,
        members: prefixesToStrings(g.members),
      })),
    },
    zones: state.zones.map(serializePin),
    lastApply: state.lastApply && serializeLastApply(state.lastApply),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function serializeLastApply(a: LastApplyRecord): LastApplyRecord {
  const out: { -readonly [K in keyof LastApplyRecord]: LastApplyRecord[K] } = {
    ok: a.ok,
    planId: a.planId,
    revision: a.revision,
  };
  if (a.summary)
    out.summary = { add: a.summary.add, remove: a.summary.remove, create: a.summary.create, delete: a.summary.delete };
  if (a.message !== undefined) out.message = a.message;
  return out;
}

interface RawState extends Omit<DeviceState, 'inventory'> {
  readonly inventory: { readonly groups: { name: string; role: InventoryGroup['role']; members: string[] }[] };
}

/** Parses state file text; any damage is a ConfigError naming `file` (never a silent reset to "no state"). */
export function parseState(text: string, file: string): DeviceState {
  const hint = `the state file is damaged: restore ${file} from a backup, or move it aside and run \`tscm plan --adopt\` to rebuild it from the device`;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`state file ${file} is not valid JSON: ${(err as Error).message}`, hint);
  }
  const version = (doc as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof version === 'number' && version > STATE_FORMAT_VERSION) {
    throw new ConfigError(
      `state file ${file} has formatVersion ${version}, newer than this tscm understands (${STATE_FORMAT_VERSION})`,
      'upgrade tscm: a newer version wrote this state',
    );
  }
  assertMatchesSchema('state', doc, `state file ${file}`, hint);
  const raw = doc as RawState;
  const groups: InventoryGroup[] = raw.inventory.groups.map((g, i) => {
    try {
      return { name: g.name, role: g.role, members: prefixesFromStrings(g.members) };
    } catch (err) {
      throw new ConfigError(`state file ${file}: inventory.groups[${i}].members: ${(err as Error).message}`, hint);
    }
  });
  return { ...raw, inventory: { groups } };
}

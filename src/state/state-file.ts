// The state file format: versioned JSON validated against schemas/state.schema.json. Format 2 writes each inventory
// group's members as ONE string of newline-separated CIDRs built as bytes (plan/json-members.ts): the inventory of
// a 1M-entry group costs no JS string per entry. Format 3 records per group whether tscm created it. Format 4 records
// per source the version last applied (its last good set, members as one string too) and the gates --force
// overrode. Older formats are upgraded on read.

import { ConfigError } from '../errors.js';
import { mapArrayField, isObject, upgradeDocument, type DocumentUpgrade } from '../plan/format-upgrade.js';
import { parseJsonLiftingMembers, readMembers, type LiftedMembers } from '../plan/json-members-read.js';
import { encodeJsonDocument, joinMemberArray, MemberText } from '../plan/json-members.js';
import type { GroupRole, InventoryGroup } from '../plan/model.js';
import { printable } from '../plan/message-text.js';
import { JSON_ERROR_LIMIT, serializePin } from '../plan/plan-file.js';
import { assertMatchesSchema } from '../plan/schema-validator.js';
import {
  STATE_FORMAT_VERSION,
  type AppliedSource,
  type DeviceState,
  type GateOverride,
  type LastApplyRecord,
} from './model.js';

/** The version of the file format (the in-memory DeviceState keeps the model's STATE_FORMAT_VERSION). */
export const STATE_FILE_FORMAT_VERSION = 4;
export const STATE_UPGRADES: ReadonlyMap<number, DocumentUpgrade> = new Map([
  [1, upgradeStateV1ToV2],
  [2, upgradeStateV2ToV3],
  [3, upgradeStateV3ToV4],
]);

/** The bytes of a state file (UTF-8). Deterministic: the same state gives the same bytes. */
export function encodeState(state: DeviceState): Buffer {
  return encodeJsonDocument({
    formatVersion: STATE_FILE_FORMAT_VERSION,
    lineage: state.lineage,
    serial: state.serial,
    device: state.device,
    appliedAt: state.appliedAt,
    inventory: {
      groups: state.inventory.groups.map((g) => ({
        name: g.name,
        role: g.role,
        created: g.created,
        members: new MemberText(g.members),
      })),
    },
    zones: state.zones.map(serializePin),
    lastApply: state.lastApply && serializeLastApply(state.lastApply),
    sources: (state.sources ?? []).map((a) => ({
      role: a.role,
      source: a.source,
      serial: a.serial,
      sha256: a.sha256,
      records: a.records,
      decoded: a.decoded,
      rejected: a.rejected,
      members: new MemberText(a.members),
    })),
    overrides: (state.overrides ?? []).map((o) => ({
      at: o.at,
      planId: o.planId,
      role: o.role,
      source: o.source,
      gate: o.gate,
      detail: o.detail,
    })),
  });
}

/** Text of a state file (encodeState decoded once). */
export function serializeState(state: DeviceState): string {
  return encodeState(state).toString('utf8');
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

interface RawState extends Omit<DeviceState, 'inventory' | 'formatVersion' | 'sources' | 'overrides'> {
  readonly inventory: {
    readonly groups: { name: string; role: InventoryGroup['role']; created: boolean; members: string }[];
  };
  readonly sources: (Omit<AppliedSource, 'members'> & { role: GroupRole; members: string })[];
  readonly overrides: GateOverride[];
}

/**
 * Parses state file text, or its UTF-8 bytes (taken over: member lists are unescaped in place); any damage is a
 * ConfigError naming `file`, never "no state".
 */
export function parseState(
  text: string | Uint8Array,
  file: string,
  upgrades: ReadonlyMap<number, DocumentUpgrade> = STATE_UPGRADES,
): DeviceState {
  const { raw, lifted, hint } = parseStateDocument(text, file, upgrades);
  const groups: InventoryGroup[] = raw.inventory.groups.map((g, i) => ({
    name: g.name,
    role: g.role,
    created: g.created,
    members: readMembers(lifted, g.members, `state file ${file}: inventory.groups[${i}] (${g.name}).members`, hint),
  }));
  const sources: AppliedSource[] = raw.sources.map((a, i) => ({
    ...a,
    members: readMembers(lifted, a.members, `state file ${file}: sources[${i}].members`, hint),
  }));
  return { ...raw, formatVersion: STATE_FORMAT_VERSION, inventory: { groups }, sources };
}

/**
 * lineage and serial of a state file, checked against the schema but without decoding the inventory's members:
 * what StateStore.write needs to write the next state (the caller read and used the whole state already).
 */
export function parseStateHeader(bytes: Uint8Array, file: string): { lineage: string; serial: number } {
  const { raw } = parseStateDocument(bytes, file, STATE_UPGRADES);
  return { lineage: raw.lineage, serial: raw.serial };
}

function parseStateDocument(
  text: string | Uint8Array,
  file: string,
  upgrades: ReadonlyMap<number, DocumentUpgrade>,
): { raw: RawState; lifted: LiftedMembers; hint: string } {
  const hint = `the state file is damaged: restore ${file} from a backup, or move it aside and run \`tscm plan --adopt\` to rebuild it from the device`;
  let doc: unknown;
  let lifted: LiftedMembers = new Map();
  try {
    if (typeof text === 'string') doc = JSON.parse(text);
    else ({ doc, lifted } = parseJsonLiftingMembers(Buffer.from(text.buffer, text.byteOffset, text.byteLength)));
  } catch (err) {
    throw new ConfigError(
      `state file ${file} is not valid JSON: ${printable((err as Error).message, JSON_ERROR_LIMIT)}`,
      hint,
    );
  }
  const current = upgradeDocument(doc, {
    source: `state file ${file}`,
    kind: 'tscm state',
    upgrades,
    target: STATE_FILE_FORMAT_VERSION,
    hints: { notOurs: hint, tooOld: hint, tooNew: 'upgrade tscm: a newer version wrote this state' },
  });
  assertMatchesSchema('state', current, `state file ${file}`, hint);
  const { formatVersion: _file, ...raw } = current as unknown as RawState & { formatVersion: number };
  return { raw, lifted, hint };
}

/** Format 1 -> 2: inventory member arrays become newline-separated strings. */
function upgradeStateV1ToV2(doc: Record<string, unknown>): Record<string, unknown> {
  const inventory = doc['inventory'];
  if (!isObject(inventory)) return { ...doc, formatVersion: 2 };
  const next = mapArrayField(inventory, 'groups', (g) =>
    'members' in g ? { ...g, members: joinMemberArray(g['members']) } : g,
  );
  return { ...doc, formatVersion: 2, inventory: next };
}

/**
 * Format 2 -> 3: whether tscm created a group was not recorded. false is the safe reading: `tscm remove` then takes
 * tscm's members out and leaves the group, rather than deleting a group an administrator may have made.
 */
function upgradeStateV2ToV3(doc: Record<string, unknown>): Record<string, unknown> {
  const inventory = doc['inventory'];
  if (!isObject(inventory)) return { ...doc, formatVersion: 3 };
  const next = mapArrayField(inventory, 'groups', (g) => {
    const { members, ...rest } = g;
    return { ...rest, created: false, members };
  });
  return { ...doc, formatVersion: 3, inventory: next };
}

/** Format 3 -> 4: no source's applied version was recorded (the gates then have nothing to compare against). */
function upgradeStateV3ToV4(doc: Record<string, unknown>): Record<string, unknown> {
  return { ...doc, formatVersion: 4, sources: [], overrides: [] };
}

// The state file format: versioned JSON validated against schemas/state.schema.json. Format 2 writes each inventory
// group's members as ONE string of newline-separated CIDRs built as bytes (plan/json-members.ts): the inventory of
// a 1M-entry group costs no JS string per entry. Format 3 records per group whether tscm created it. Format 4 records
// per source the version last applied (its last good set, members as one string too) and the gates --force
// overrode. Format 5 keeps each distinct member list once, as base64 binary records (member-sets.ts), and the
// groups and sources name theirs by sha256. Older formats are upgraded on read.

import { ConfigError } from '../errors.js';
import { mapArrayField, isObject, upgradeDocument, type DocumentUpgrade } from '../plan/format-upgrade.js';
import { liftedBytes, parseJsonLiftingMembers, readMembers, type LiftedMembers } from '../plan/json-members-read.js';
import { joinMemberArray } from '../plan/json-members.js';
import type { GroupRole, InventoryGroup } from '../plan/model.js';
import { printable } from '../plan/message-text.js';
import { JSON_ERROR_LIMIT, serializePin } from '../plan/plan-file.js';
import { assertMatchesSchema } from '../plan/schema-validator.js';
import type { PrefixList } from '../cidr/types.js';
import { decodeMemberSet, encodeMemberSets, type MemberSetEntry } from './member-sets.js';
import {
  STATE_FORMAT_VERSION,
  type AppliedSource,
  type DeviceState,
  type GateOverride,
  type LastApplyRecord,
} from './model.js';

/** The version of the file format (the in-memory DeviceState keeps the model's STATE_FORMAT_VERSION). */
export const STATE_FILE_FORMAT_VERSION = 5;
export const STATE_UPGRADES: ReadonlyMap<number, DocumentUpgrade> = new Map([
  [1, upgradeStateV1ToV2],
  [2, upgradeStateV2ToV3],
  [3, upgradeStateV3ToV4],
]);

/** The bytes of a state file (UTF-8). Deterministic: the same state gives the same bytes. */
export function encodeState(state: DeviceState): Buffer {
  const sources = state.sources ?? [];
  const { ids, sets } = encodeMemberSets([
    ...state.inventory.groups.map((g) => g.members),
    ...sources.map((a) => a.members),
  ]);
  const groupCount = state.inventory.groups.length;
  const doc = {
    formatVersion: STATE_FILE_FORMAT_VERSION,
    lineage: state.lineage,
    serial: state.serial,
    device: state.device,
    appliedAt: state.appliedAt,
    inventory: {
      groups: state.inventory.groups.map((g, i) => ({
        name: g.name,
        role: g.role,
        created: g.created,
        members: ids[i],
      })),
    },
    zones: state.zones.map(serializePin),
    lastApply: state.lastApply && serializeLastApply(state.lastApply),
    sources: sources.map((a, i) => ({
      role: a.role,
      source: a.source,
      serial: a.serial,
      sha256: a.sha256,
      records: a.records,
      decoded: a.decoded,
      rejected: a.rejected,
      members: ids[groupCount + i],
    })),
    overrides: (state.overrides ?? []).map((o) => ({
      at: o.at,
      planId: o.planId,
      role: o.role,
      source: o.source,
      gate: o.gate,
      detail: o.detail,
    })),
    // Last: the long strings end the file, the fields a reader looks at come first.
    memberSets: sets.map((m) => ({ sha256: m.sha256, v4: m.v4, v6: m.v6 })),
  };
  return Buffer.from(`${JSON.stringify(doc, null, 2)}\n`, 'utf8');
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
  readonly memberSets: MemberSetEntry[];
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
  const { raw, binary, hint } = parseStateDocument(text, file, upgrades);
  const where = `state file ${file}`;
  const entries = new Map<string, number>();
  raw.memberSets.forEach((m, i) => {
    if (entries.has(m.sha256)) throw new ConfigError(`${where}: memberSets[${i}] repeats an earlier sha256`, hint);
    entries.set(m.sha256, i);
  });
  // Each entry is decoded once, when a group or source names it.
  const decoded = new Map<string, PrefixList>();
  const listOf = (id: string, field: string): PrefixList => {
    const known = decoded.get(id);
    if (known !== undefined) return known;
    const i = entries.get(id);
    if (i === undefined) throw new ConfigError(`${where}: ${field} names no entry of memberSets`, hint);
    const m = raw.memberSets[i]!;
    const list = decodeMemberSet(
      id,
      liftedBytes(binary, m.v4),
      liftedBytes(binary, m.v6),
      `${where}: memberSets[${i}]`,
      hint,
    );
    decoded.set(id, list);
    return list;
  };
  const groups: InventoryGroup[] = raw.inventory.groups.map((g, i) => ({
    name: g.name,
    role: g.role,
    created: g.created,
    members: listOf(g.members, `inventory.groups[${i}] (${g.name}).members`),
  }));
  const sources: AppliedSource[] = raw.sources.map((a, i) => ({
    ...a,
    members: listOf(a.members, `sources[${i}].members`),
  }));
  const { memberSets: _sets, ...rest } = raw;
  return { ...rest, formatVersion: STATE_FORMAT_VERSION, inventory: { groups }, sources };
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
): { raw: RawState; binary: Map<string, Uint8Array>; hint: string } {
  const hint = `the state file is damaged: restore ${file} from a backup, or move it aside and run \`tscm plan --adopt\` to rebuild it from the device`;
  let doc: unknown;
  let lifted: LiftedMembers = new Map();
  let binary = new Map<string, Uint8Array>();
  try {
    if (typeof text === 'string') doc = JSON.parse(text);
    else
      ({ doc, lifted, binary } = parseJsonLiftingMembers(Buffer.from(text.buffer, text.byteOffset, text.byteLength)));
  } catch (err) {
    throw new ConfigError(
      `state file ${file} is not valid JSON: ${printable((err as Error).message, JSON_ERROR_LIMIT)}`,
      hint,
    );
  }
  const current = upgradeDocument(doc, {
    source: `state file ${file}`,
    kind: 'tscm state',
    // 4 -> 5 decodes the member text: it needs the lifted lists and names the file in its errors.
    upgrades: new Map([...upgrades, [4, (d) => upgradeStateV4ToV5(d, lifted, `state file ${file}`, hint)]]),
    target: STATE_FILE_FORMAT_VERSION,
    hints: { notOurs: hint, tooOld: hint, tooNew: 'upgrade tscm: a newer version wrote this state' },
  });
  assertMatchesSchema('state', current, `state file ${file}`, hint);
  const { formatVersion: _file, ...raw } = current as unknown as RawState & { formatVersion: number };
  return { raw, binary, hint };
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

/**
 * Format 4 -> 5: each member string (text, IPv4 then IPv6) becomes a reference to a memberSets entry. A member
 * value that is not a string is left for the schema to name.
 */
function upgradeStateV4ToV5(
  doc: Record<string, unknown>,
  lifted: LiftedMembers,
  where: string,
  hint: string,
): Record<string, unknown> {
  const lists: PrefixList[] = [];
  const slots: Record<string, unknown>[] = [];
  const take = (item: Record<string, unknown>, field: string): Record<string, unknown> => {
    const value = item['members'];
    if (typeof value !== 'string') return item;
    const copy = { ...item };
    lists.push(readMembers(lifted, value, `${where}: ${field}.members`, hint));
    slots.push(copy);
    return copy;
  };
  const each = (items: unknown, field: (item: Record<string, unknown>, i: number) => string): unknown =>
    Array.isArray(items)
      ? items.map((item: unknown, i) => (isObject(item) ? take(item, field(item, i)) : item))
      : items;
  const groupName = (g: Record<string, unknown>): string =>
    typeof g['name'] === 'string' && GROUP_NAME.test(g['name']) ? ` (${g['name']})` : '';
  const inventory = doc['inventory'];
  const next: Record<string, unknown> = {
    ...doc,
    formatVersion: 5,
    inventory: isObject(inventory)
      ? { ...inventory, groups: each(inventory['groups'], (g, i) => `inventory.groups[${i}]${groupName(g)}`) }
      : inventory,
    sources: each(doc['sources'], (_a, i) => `sources[${i}]`),
  };
  const { ids, sets } = encodeMemberSets(lists);
  slots.forEach((slot, i) => {
    slot['members'] = ids[i];
  });
  return { ...next, memberSets: sets.map((m) => ({ sha256: m.sha256, v4: m.v4, v6: m.v6 })) };
}

/** A group name as the schema allows it (quoted in an upgrade's error only then). */
const GROUP_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

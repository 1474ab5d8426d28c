// The saved plan file (DESIGN.md convention 2): versioned JSON, validated against schemas/plan.schema.json on read.
// Since format 2 each member list is ONE string of newline-separated CIDRs, built as bytes (json-members.ts), so a
// 1M-entry plan costs no JS string per entry. Format 3 adds `alreadyPresent` per group and `adopt` to the inputs.
// Format 4 adds the devices that could not be planned (`failures`) and which devices the plan covers (`scope`), so
// that `tscm show FILE` tells what `tscm plan` told. Older formats are upgraded on read. A plan file is untrusted input: apply recomputes it (see reconcile/).

import { createHash } from 'node:crypto';
import type { PrefixList } from '../cidr/types.js';
import { FILE_KINDS, readLimitedFile } from '../config/limited-file.js';
import { ConfigError } from '../errors.js';
import { writeFileAtomic } from './atomic-write.js';
import { mapArrayField, upgradeDocument, type DocumentUpgrade } from './format-upgrade.js';
import { gunzipIfCompressed } from './gzip-bytes.js';
import { parseJsonLiftingMembers, readMembers, type LiftedMembers } from './json-members-read.js';
import { encodeJsonDocument, joinMemberArray, MemberText } from './json-members.js';
import { printable } from './message-text.js';
import type { DevicePlan, GroupChange, Plan, PlanFailure, PlanScope, ZonePin } from './model.js';
import { assertMatchesSchema } from './schema-validator.js';

// apply reads a plan file and checks it is still fresh; both live behind this one import.
export { checkPlanFresh, type CurrentInputs } from './plan-fresh.js';

/** The version of the file format (the in-memory Plan model keeps its own `formatVersion: 1`). */
export const PLAN_FORMAT_VERSION = 4;

/** Upgrades a parsed document of version N to version N+1. */
export type PlanUpgrade = DocumentUpgrade;
export const PLAN_UPGRADES: ReadonlyMap<number, PlanUpgrade> = new Map([
  [1, upgradePlanV1ToV2],
  [2, upgradePlanV2ToV3],
  [3, upgradePlanV3ToV4],
]);

const AGAIN = 'run `tscm plan --out FILE` again';
const DAMAGED = 'the file was edited or damaged: run `tscm plan --out FILE` again';
/** JSON.parse's messages quote a few characters of the text; more would be the file, not the error. */
export const JSON_ERROR_LIMIT = 160;

/** The bytes of a plan file (UTF-8). Deterministic: the same plan gives the same bytes. */
export function encodePlan(plan: Plan): Buffer {
  return encodeJsonDocument({
    formatVersion: PLAN_FORMAT_VERSION,
    createdAt: plan.createdAt,
    gitRevision: plan.gitRevision,
    devices: plan.devices.map(planDeviceDocument),
    failures: (plan.failures ?? []).map((f) => ({ device: f.device, step: f.step, message: f.message, hint: f.hint })),
    scope: plan.scope ? scopeDocument(plan.scope) : null,
  });
}

function scopeDocument(s: PlanScope): Record<string, unknown> {
  return {
    selection: s.selection,
    changedSince: s.changedSince ? { ref: s.changedSince.ref, commit: s.changedSince.commit } : null,
    removedFromDefinitions: [...s.removedFromDefinitions],
  };
}

/** Text of a plan file (encodePlan decoded once); prefer encodePlan / writePlanFile for large plans. */
export function serializePlan(plan: Plan): string {
  return encodePlan(plan).toString('utf8');
}

function planDeviceDocument(p: DevicePlan): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    device: p.device,
    platform: p.platform,
    summary: { add: p.summary.add, remove: p.summary.remove, create: p.summary.create, delete: p.summary.delete },
    groups: p.groups.map((g) => ({
      name: g.name,
      role: g.role,
      action: g.action,
      add: new MemberText(g.add),
      remove: new MemberText(g.remove),
      unmanaged: g.unmanaged,
      alreadyPresent: g.alreadyPresent,
      before: g.before,
      after: g.after,
    })),
    warnings: [...p.warnings],
    refusals: [...p.refusals],
  };
  if (p.truncation)
    doc['truncation'] = { dropped: p.truncation.dropped, sample: [...p.truncation.sample], limit: p.truncation.limit };
  if (p.capacity) {
    const c = p.capacity;
    doc['capacity'] = { limit: c.limit, used: c.used, source: c.source, detail: c.detail };
  }
  if (p.layout !== undefined && p.layout.length > 0) doc['layout'] = [...p.layout];
  const state = p.inputs.state;
  doc['inputs'] = {
    zones: p.inputs.zones.map(serializePin),
    observedFingerprint: p.inputs.observedFingerprint,
    state: state ? { lineage: state.lineage, serial: state.serial } : null,
    adopt: p.inputs.adopt,
  };
  return doc;
}

/** A pin with exactly the fields the schemas allow: an extra field would make the file unreadable later. */
export function serializePin(z: ZonePin): ZonePin {
  return z.kind === 'zone'
    ? { kind: 'zone', zone: z.zone, server: z.server, serial: z.serial, sha256: z.sha256 }
    : { kind: 'file', path: z.path, sha256: z.sha256 };
}

/**
 * Parses and validates plan file text, or its UTF-8 bytes (the cheap path for large plans: it takes over the
 * bytes, unescaping member lists in place). `source` names the file in errors.
 */
export function parsePlan(
  text: string | Uint8Array,
  source = 'plan file',
  upgrades: ReadonlyMap<number, PlanUpgrade> = PLAN_UPGRADES,
): Plan {
  let doc: unknown;
  let lifted: LiftedMembers = new Map();
  try {
    if (typeof text === 'string') doc = JSON.parse(text);
    else ({ doc, lifted } = parseJsonLiftingMembers(Buffer.from(text.buffer, text.byteOffset, text.byteLength)));
  } catch (err) {
    // JSON.parse quotes the text around the error: it may hold a newline or a terminal escape from the file.
    throw new ConfigError(`${source} is not valid JSON: ${printable((err as Error).message, JSON_ERROR_LIMIT)}`, AGAIN);
  }
  const current = upgradePlanDocument(doc, source, upgrades);
  assertMatchesSchema('plan', current, source, DAMAGED);
  const raw = current as unknown as RawPlan;
  return {
    formatVersion: 1,
    createdAt: raw.createdAt,
    gitRevision: raw.gitRevision,
    devices: raw.devices.map((d, i) => parseDevicePlan(d, `${source}: devices[${i}] (${d.device})`, lifted)),
    failures: raw.failures,
    scope: raw.scope,
  };
}

/** Brings a parsed document to PLAN_FORMAT_VERSION through the upgrade chain; refuses unknown versions. */
export function upgradePlanDocument(
  doc: unknown,
  source: string,
  upgrades: ReadonlyMap<number, PlanUpgrade> = PLAN_UPGRADES,
  target: number = PLAN_FORMAT_VERSION,
): Record<string, unknown> {
  return upgradeDocument(doc, {
    source,
    kind: 'tscm plan',
    upgrades,
    target,
    hints: {
      notOurs: AGAIN,
      tooOld: 'plan again with this version of tscm',
      tooNew: 'upgrade tscm, or plan again with this version',
    },
  });
}

/** Format 1 -> 2: member arrays become newline-separated strings. */
function upgradePlanV1ToV2(doc: Record<string, unknown>): Record<string, unknown> {
  const next = mapArrayField(doc, 'devices', (d) =>
    mapArrayField(d, 'groups', (g) => {
      const out = { ...g };
      if ('add' in g) out['add'] = joinMemberArray(g['add']);
      if ('remove' in g) out['remove'] = joinMemberArray(g['remove']);
      return out;
    }),
  );
  return { ...next, formatVersion: 2 };
}

/**
 * Format 2 -> 3: `alreadyPresent` (desired members on the device that tscm does not own) was not counted: 0, which
 * only affects the views (apply recomputes every plan); `adopt` was not recorded: false.
 */
function upgradePlanV2ToV3(doc: Record<string, unknown>): Record<string, unknown> {
  const next = mapArrayField(doc, 'devices', (d) => {
    const withGroups = mapArrayField(d, 'groups', (g) => ({ ...g, alreadyPresent: 0 }));
    const inputs = d['inputs'];
    const isObject = typeof inputs === 'object' && inputs !== null && !Array.isArray(inputs);
    return isObject ? { ...withGroups, inputs: { ...inputs, adopt: false } } : withGroups;
  });
  return { ...next, formatVersion: 3 };
}

/** Format 3 -> 4: failures were not recorded (none listed), nor the plan's scope (null: unknown). */
function upgradePlanV3ToV4(doc: Record<string, unknown>): Record<string, unknown> {
  return { ...doc, formatVersion: 4, failures: [], scope: null };
}

export async function writePlanFile(path: string, plan: Plan): Promise<void> {
  await writeFileAtomic(path, encodePlan(plan));
}

/** Reads a plan file; a gzip-compressed one (the plan history's .json.gz) is decompressed first. */
export async function readPlanFile(path: string): Promise<Plan> {
  let bytes: Buffer;
  try {
    // Untrusted like any input: a regular file within a limit (never /dev/zero or a FIFO).
    bytes = await readLimitedFile(path, FILE_KINDS.planFile);
  } catch (err) {
    throw new ConfigError(`plan file ${path} ${(err as Error).message}`, 'check the path given to apply');
  }
  const source = `plan file ${path}`;
  return parsePlan(await gunzipIfCompressed(bytes, source, DAMAGED), source);
}

/** A short id for a plan: the first 16 hex digits of the sha256 of its file bytes. */
export function planIdOf(plan: Plan): string {
  return createHash('sha256').update(encodePlan(plan)).digest('hex').slice(0, 16);
}

interface RawGroupChange extends Omit<GroupChange, 'add' | 'remove'> {
  readonly add: string;
  readonly remove: string;
}
interface RawDevicePlan extends Omit<DevicePlan, 'groups'> {
  readonly groups: RawGroupChange[];
}
interface RawPlan {
  readonly createdAt: string;
  readonly gitRevision: string | null;
  readonly devices: RawDevicePlan[];
  readonly failures: PlanFailure[];
  readonly scope: PlanScope | null;
}

function parseDevicePlan(d: RawDevicePlan, where: string, lifted: LiftedMembers): DevicePlan {
  const members = (text: string, field: string): PrefixList => readMembers(lifted, text, `${where}: ${field}`, DAMAGED);
  const groups = d.groups.map((g) => ({
    ...g,
    add: members(g.add, `group ${g.name}: add`),
    remove: members(g.remove, `group ${g.name}: remove`),
  }));
  return { ...d, groups };
}

// The saved plan file (DESIGN.md convention 2): versioned JSON, validated against schemas/plan.schema.json on read,
// members as CIDR strings. Older format versions are upgraded by function, one version at a time.

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { prefixesFromStrings, prefixesToStrings } from '../cidr/index.js';
import type { PrefixList } from '../cidr/types.js';
import { ConfigError, InternalError } from '../errors.js';
import { writeFileAtomic } from './atomic-write.js';
import type { DevicePlan, GroupChange, Plan, ZonePin } from './model.js';
import { assertMatchesSchema } from './schema-validator.js';

// apply reads a plan file and checks it is still fresh; both live behind this one import.
export { checkPlanFresh, type CurrentInputs } from './plan-fresh.js';

export const PLAN_FORMAT_VERSION = 1;

/** Upgrades a parsed document of version N to version N+1. Empty while only version 1 exists. */
export type PlanUpgrade = (doc: Record<string, unknown>) => Record<string, unknown>;
export const PLAN_UPGRADES: ReadonlyMap<number, PlanUpgrade> = new Map();

/** Text of a plan file. Deterministic: the same plan gives the same bytes. */
export function serializePlan(plan: Plan): string {
  const doc = {
    formatVersion: PLAN_FORMAT_VERSION,
    createdAt: plan.createdAt,
    gitRevision: plan.gitRevision,
    devices: plan.devices.map(serializeDevicePlan),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function serializeDevicePlan(p: DevicePlan): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    device: p.device,
    platform: p.platform,
    summary: { add: p.summary.add, remove: p.summary.remove, create: p.summary.create, delete: p.summary.delete },
    groups: p.groups.map((g) => ({
      name: g.name,
      role: g.role,
      action: g.action,
      add: prefixesToStrings(g.add),
      remove: prefixesToStrings(g.remove),
      unmanaged: g.unmanaged,
      before: g.before,
      after: g.after,
    })),
    warnings: [...p.warnings],
    refusals: [...p.refusals],
  };
  if (p.truncation)
    doc['truncation'] = { dropped: p.truncation.dropped, sample: [...p.truncation.sample], limit: p.truncation.limit };
  const state = p.inputs.state;
  doc['inputs'] = {
    zones: p.inputs.zones.map(serializePin),
    observedFingerprint: p.inputs.observedFingerprint,
    state: state ? { lineage: state.lineage, serial: state.serial } : null,
  };
  return doc;
}

/** A pin with exactly the fields the schemas allow: an extra field would make the file unreadable later. */
export function serializePin(z: ZonePin): ZonePin {
  return z.kind === 'zone'
    ? { kind: 'zone', zone: z.zone, server: z.server, serial: z.serial, sha256: z.sha256 }
    : { kind: 'file', path: z.path, sha256: z.sha256 };
}

/** Parses and validates plan file text; `source` names the file in errors. */
export function parsePlan(
  text: string,
  source = 'plan file',
  upgrades: ReadonlyMap<number, PlanUpgrade> = PLAN_UPGRADES,
): Plan {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${source} is not valid JSON: ${(err as Error).message}`, 'run `tscm plan --out FILE` again');
  }
  const current = upgradePlanDocument(doc, source, upgrades);
  assertMatchesSchema('plan', current, source, 'the file was edited or damaged: run `tscm plan --out FILE` again');
  const raw = current as unknown as RawPlan;
  return {
    formatVersion: 1,
    createdAt: raw.createdAt,
    gitRevision: raw.gitRevision,
    devices: raw.devices.map((d) => parseDevicePlan(d, source)),
  };
}

/** Brings a parsed document to PLAN_FORMAT_VERSION through the upgrade chain; refuses unknown versions. */
export function upgradePlanDocument(
  doc: unknown,
  source: string,
  upgrades: ReadonlyMap<number, PlanUpgrade> = PLAN_UPGRADES,
  target: number = PLAN_FORMAT_VERSION,
): Record<string, unknown> {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new ConfigError(`${source} is not a tscm plan (expected a JSON object)`, 'run `tscm plan --out FILE` again');
  }
  let current = doc as Record<string, unknown>;
  const found = current['formatVersion'];
  if (typeof found !== 'number' || !Number.isInteger(found) || found < 1) {
    throw new ConfigError(
      `${source} has no valid formatVersion (found ${JSON.stringify(found)})`,
      'this is not a tscm plan file',
    );
  }
  let version: number = found;
  if (version > target) {
    throw new ConfigError(
      `${source} has formatVersion ${version}, newer than this tscm understands (${target})`,
      'upgrade tscm, or plan again with this version',
    );
  }
  while (version < target) {
    const upgrade = upgrades.get(version);
    if (!upgrade) {
      throw new ConfigError(
        `${source} has formatVersion ${version}, which this tscm can no longer read`,
        'plan again with this version of tscm',
      );
    }
    current = upgrade(current);
    if (current['formatVersion'] !== version + 1) {
      throw new InternalError(`${source}: the upgrade from formatVersion ${version} did not produce ${version + 1}`);
    }
    version += 1;
  }
  return current;
}

export async function writePlanFile(path: string, plan: Plan): Promise<void> {
  await writeFileAtomic(path, serializePlan(plan));
}

export async function readPlanFile(path: string): Promise<Plan> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read plan file ${path}: ${(err as Error).message}`, 'check the path given to apply');
  }
  return parsePlan(text, `plan file ${path}`);
}

/** A short id for a plan: the first 16 hex digits of the sha256 of its file text. */
export function planIdOf(plan: Plan): string {
  return createHash('sha256').update(serializePlan(plan)).digest('hex').slice(0, 16);
}

interface RawGroupChange extends Omit<GroupChange, 'add' | 'remove'> {
  readonly add: string[];
  readonly remove: string[];
}
interface RawDevicePlan extends Omit<DevicePlan, 'groups'> {
  readonly groups: RawGroupChange[];
}
interface RawPlan {
  readonly createdAt: string;
  readonly gitRevision: string | null;
  readonly devices: RawDevicePlan[];
}

function parseDevicePlan(d: RawDevicePlan, source: string): DevicePlan {
  const groups = d.groups.map((g, i) => ({
    ...g,
    add: parseMembers(g.add, `${source}: devices[${d.device}].groups[${i}].add`),
    remove: parseMembers(g.remove, `${source}: devices[${d.device}].groups[${i}].remove`),
  }));
  return { ...d, groups };
}

function parseMembers(members: readonly string[], where: string): PrefixList {
  try {
    return prefixesFromStrings(members);
  } catch (err) {
    throw new ConfigError(`${where}: ${(err as Error).message}`, 'the file was edited or damaged: plan again');
  }
}

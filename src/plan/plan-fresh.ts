// Stale-plan detection (DESIGN.md convention 3): a saved plan pins its inputs; `apply PLANFILE` compares them with
// the inputs as they are now and refuses the plan when one moved, naming each one.

import { printable, QUOTE_LIMIT } from './message-text.js';
import type { DevicePlan, DevicePlanInputs, ZonePin } from './model.js';

export interface CurrentInputs extends Omit<DevicePlanInputs, 'adopt'> {
  /** The git revision of the definitions now; compared only when both it and the plan's are known. */
  readonly gitRevision?: string | null;
  /** The plan's git revision (Plan.gitRevision: it is pinned per plan, not per device). */
  readonly planGitRevision?: string | null;
}

/** The inputs that moved since `planned` was computed, as sentences; empty when the plan is fresh. */
export function checkPlanFresh(planned: DevicePlan, current: CurrentInputs): string[] {
  const plannedGitRevision = current.planGitRevision ?? null;
  const moved: string[] = [];
  const before = new Map<string, ZonePin>();
  for (const z of planned.inputs.zones) {
    // A second pin for the same source would hide the first (only the last one would be compared).
    if (before.has(pinKey(z))) moved.push(`${describePin(z)} is pinned twice`);
    before.set(pinKey(z), z);
  }
  const now = new Map(current.zones.map((z) => [pinKey(z), z]));
  for (const [key, was] of [...before].sort(byKey)) {
    const is = now.get(key);
    if (!is) moved.push(`${describePin(was)} is no longer an input`);
    else moved.push(...comparePins(was, is));
  }
  for (const [key, is] of [...now].sort(byKey)) {
    if (!before.has(key)) moved.push(`${describePin(is)} is a new input`);
  }
  if (planned.inputs.observedFingerprint !== current.observedFingerprint) {
    moved.push(
      `observed groups on ${planned.device} changed since the plan (fingerprint ${short(planned.inputs.observedFingerprint)} -> ${short(current.observedFingerprint)})`,
    );
  }
  const ps = planned.inputs.state;
  const cs = current.state;
  if (ps === null && cs !== null) moved.push(`state appeared (serial ${cs.serial}) since the plan`);
  else if (ps !== null && cs === null) moved.push(`state disappeared (was serial ${ps.serial})`);
  else if (ps !== null && cs !== null) {
    if (ps.lineage !== cs.lineage) moved.push(`state lineage changed ${printable(ps.lineage)} -> ${cs.lineage}`);
    else if (ps.serial !== cs.serial) moved.push(`state serial moved ${ps.serial} -> ${cs.serial}`);
  }
  if (plannedGitRevision !== null && current.gitRevision != null && plannedGitRevision !== current.gitRevision) {
    moved.push(`git revision moved ${short(plannedGitRevision)} -> ${short(current.gitRevision)}`);
  }
  return moved;
}

function comparePins(was: ZonePin, is: ZonePin): string[] {
  if (was.kind === 'zone' && is.kind === 'zone') {
    if (was.serial !== is.serial) return [`zone ${is.zone} serial ${was.serial} -> ${is.serial}`];
    if (was.sha256 !== is.sha256) {
      return [
        `zone ${is.zone} content changed at serial ${was.serial} (sha256 ${short(was.sha256)} -> ${short(is.sha256)})`,
      ];
    }
    return [];
  }
  if (was.sha256 !== is.sha256)
    return [`${describePin(was)} changed (sha256 ${short(was.sha256)} -> ${short(is.sha256)})`];
  return [];
}

function pinKey(p: ZonePin): string {
  return p.kind === 'zone' ? `zone\0${p.zone}\0${p.server}` : `file\0${p.path}`;
}

/** A pin as the plan file has it: its names are escaped and cut (a file's text, not the definitions'). */
function describePin(p: ZonePin): string {
  return p.kind === 'zone'
    ? `zone ${printable(p.zone)} from ${printable(p.server)}`
    : `list file ${printable(p.path, 2 * QUOTE_LIMIT)}`;
}

function byKey(a: [string, ZonePin], b: [string, ZonePin]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

/** The start of a hash or revision; from a plan file, so escaped (the schema bounds its length, not its text). */
function short(hex: string): string {
  return printable(hex.length > 12 ? hex.slice(0, 12) : hex);
}

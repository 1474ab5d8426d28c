// A saved plan is untrusted input (it may have been edited between `plan --out` and `apply`): apply recomputes the
// plan from the pinned inputs and carries out the recomputed one, and only when the file's changes are exactly it.
// This names every difference. Warnings and refusals are not compared: apply recomputes them, never reads them.

import { exactDifference, exactEquals, prefixCount, prefixesToStrings } from '../cidr/index.js';
import type { PrefixList } from '../cidr/types.js';
import type { DevicePlan, GroupChange } from './model.js';
import { takePrefixes } from './prefix-window.js';

const SAMPLE = 3;

/** The ways `saved` differs from `fresh` (the same device's plan recomputed now), as sentences; empty: identical. */
export function comparePlans(saved: DevicePlan, fresh: DevicePlan): string[] {
  const out: string[] = [];
  if (saved.device !== fresh.device) out.push(`device ${saved.device} is not ${fresh.device}`);
  if (saved.platform !== fresh.platform) out.push(`platform ${saved.platform}, the definition says ${fresh.platform}`);
  if (saved.inputs.adopt !== fresh.inputs.adopt)
    out.push(`adopt ${saved.inputs.adopt}, recomputed ${fresh.inputs.adopt}`);
  const freshByName = new Map(fresh.groups.map((g) => [g.name, g]));
  const savedNames = new Set<string>();
  for (const g of saved.groups) {
    if (savedNames.has(g.name)) out.push(`group ${g.name} appears twice`);
    savedNames.add(g.name);
    const f = freshByName.get(g.name);
    if (f === undefined)
      out.push(`group ${g.name} is not one of the device's groups (${[...freshByName.keys()].join(', ')})`);
    else out.push(...compareGroup(g, f));
  }
  for (const f of fresh.groups) {
    if (!savedNames.has(f.name)) out.push(`group ${f.name} (${f.action}) is missing from the plan file`);
  }
  const s = saved.summary;
  const t = fresh.summary;
  if (s.add !== t.add || s.remove !== t.remove || s.create !== t.create || s.delete !== t.delete) {
    out.push(
      `summary ${s.add}/${s.remove}/${s.create}/${s.delete} (add/remove/create/delete), recomputed ${t.add}/${t.remove}/${t.create}/${t.delete}`,
    );
  }
  return out;
}

function compareGroup(g: GroupChange, f: GroupChange): string[] {
  const out: string[] = [];
  if (g.role !== f.role) out.push(`group ${g.name}: role ${g.role}, the definition says ${f.role}`);
  if (g.action !== f.action) out.push(`group ${g.name}: action ${g.action}, recomputed ${f.action}`);
  out.push(...compareMembers(g.name, 'add', g.add, f.add));
  out.push(...compareMembers(g.name, 'remove', g.remove, f.remove));
  return out;
}

function compareMembers(name: string, which: 'add' | 'remove', saved: PrefixList, fresh: PrefixList): string[] {
  if (exactEquals(saved, fresh)) return [];
  const extra = exactDifference(saved, fresh);
  const missing = exactDifference(fresh, saved);
  const parts: string[] = [];
  if (prefixCount(extra) > 0) parts.push(`${prefixCount(extra)} not in the recomputed plan (${sample(extra)})`);
  if (prefixCount(missing) > 0) parts.push(`${prefixCount(missing)} missing (${sample(missing)})`);
  return [`group ${name}: ${which} list differs: ${parts.join('; ')}`];
}

function sample(list: PrefixList): string {
  const shown = prefixesToStrings(takePrefixes(list, SAMPLE));
  const more = prefixCount(list) - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}

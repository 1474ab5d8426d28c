// The words every plan view uses for how a device's policy was composed and guarded (DevicePlan.policy) and for its
// capacity (DevicePlan.capacity): the per-source table's cells and the notes below it. Plain, unescaped text: each
// view escapes it its own way (a plan file is untrusted).

import type { CapacityReport, PolicyReport, SourceReport } from '../../plan/model.js';

/** Carve-outs, unresolved names and allow-precedence samples named per device before "and N more". */
export const MAX_POLICY_NAMED = 10;

export const SOURCE_COLUMNS = [
  'list',
  'prio',
  'source',
  'serial',
  'records',
  'decoded',
  'rejected',
  'aggregated',
  'kept',
  'dropped by cap',
  'status',
] as const;

export function sourceCells(s: SourceReport): string[] {
  return [
    s.role,
    String(s.priority),
    s.source,
    s.serial === null ? 'file' : String(s.serial),
    String(s.records),
    String(s.decoded),
    String(s.rejected),
    String(s.aggregated),
    String(s.kept),
    String(s.droppedByCap),
    statusWords(s),
  ];
}

/** fresh; held (gate); forced (gate); stale when a failing source is past staleAfter. */
export function statusWords(s: SourceReport): string {
  const gate = s.gate ? ` (${s.gate.gate})` : '';
  return `${s.stale ? 'stale, ' : ''}${s.status}${gate}`;
}

/**
 * One sentence per fact of the lock-out proof and the allow precedence. A held, forced or stale source is in the
 * status column; its gate's words (figures, the fix) are the plan's warnings, not repeated here.
 */
export function policyNotes(r: PolicyReport): string[] {
  const notes: string[] = [];
  const l = r.lockout;
  const carved = l.carved.map((c) => `${c.address} (${c.why}) covered by ${c.coveredBy} from ${c.source}`);
  notes.push(
    `lock-out proof (${l.mode}): ${l.protected.length} protected address(es) checked, ` +
      (carved.length === 0 ? 'none in the block list' : `${carved.length} carved out: ${named(carved)}`),
  );
  if (l.unresolved.length > 0) notes.push(`not proven (did not resolve): ${named(l.unresolved)}`);
  const a = r.allowPrecedence;
  if (a) {
    const cuts = a.sample.map((x) => `${x.blockEntry} by ${x.allow}`);
    const sample = a.overlaps === 0 ? '' : `, e.g. ${cuts.join(', ')}`;
    notes.push(
      `allow list precedence: ${a.overlaps} block entr${a.overlaps === 1 ? 'y' : 'ies'} cut by the allow list${sample}; ` +
        (a.proven ? 'proven: no block member meets the allow group' : 'NOT proven'),
    );
  }
  return notes;
}

export function capacityWords(c: CapacityReport): string {
  return `entries ${c.used} of limit ${c.limit} (${c.source}: ${c.detail})`;
}

function named(items: readonly string[]): string {
  const shown = items.slice(0, MAX_POLICY_NAMED);
  const more = items.length > shown.length ? ` and ${items.length - shown.length} more` : '';
  return `${shown.join('; ')}${more}`;
}

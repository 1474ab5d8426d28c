// `tscm status` as a table for people: one row per device (ready, reason, last applied, revision, entries against
// maxEntries, drift, what happens next), then the last error of each device that has one.

import { printable } from '../../plan/message-text.js';
import type { DeviceStatus } from '../../state/status-model.js';

export interface StatusRow {
  readonly device: string;
  readonly defined: boolean;
  readonly status: DeviceStatus | null;
}

export function renderStatusTable(rows: readonly StatusRow[], now: Date): string {
  if (rows.length === 0) return 'No devices defined and none in the state.\n';
  const table = [['DEVICE', 'READY', 'REASON', 'LAST APPLIED', 'REVISION', 'ENTRIES', 'DRIFT', 'NEXT RUN']];
  for (const { device, defined, status: s } of rows) {
    if (s === null) {
      table.push([device, '-', defined ? 'never reconciled' : 'not defined', '-', '-', '-', '-', '-']);
      continue;
    }
    const entries = s.entries.reduce((n, e) => n + e.count, 0);
    table.push([
      device,
      s.ready ? 'yes' : 'no',
      s.reason,
      s.lastAppliedAt ? ago(s.lastAppliedAt, now) : '-',
      s.lastAppliedRevision?.slice(0, 12) ?? '-',
      `${entries}/${s.maxEntries}`,
      s.drift ? `${s.drift.found}${s.drift.found > 0 ? (s.drift.healed ? ' healed' : ' found') : ''}` : '-',
      s.nextRunAt ? ago(s.nextRunAt, now) : '-',
    ]);
  }
  for (const row of table) for (let i = 0; i < row.length; i++) row[i] = printable(row[i]!, 80);
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  const lines = table.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  '));
  const notes = rows.flatMap(({ device, status: s }) => {
    if (s === null) return [];
    const next = s.ready ? [] : [`  ${printable(device, 80)}: ${printable(s.message)}`];
    if (s.lastError) {
      const e = s.lastError;
      next.push(`    last error at ${e.step} (${e.kind}, ${e.attempts} attempt(s)): ${printable(e.message)}`);
    }
    return next;
  });
  return [...lines, ...(notes.length ? ['', ...notes] : [])].join('\n') + '\n';
}

/** "3m ago", "in 2h": relative times read faster than timestamps in a table. */
function ago(iso: string, now: Date): string {
  const ms = Date.parse(iso) - now.getTime();
  if (Number.isNaN(ms)) return '?';
  const abs = Math.abs(ms);
  const text =
    abs < 60_000
      ? `${Math.round(abs / 1000)}s`
      : abs < 3_600_000
        ? `${Math.round(abs / 60_000)}m`
        : abs < 172_800_000
          ? `${Math.round(abs / 3_600_000)}h`
          : `${Math.round(abs / 86_400_000)}d`;
  return ms < 0 ? `${text} ago` : `in ${text}`;
}

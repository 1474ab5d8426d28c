// What apply did, per device and endpoint, in the terraform manner.

import type { DeviceApplied, DeviceSkipped } from '../../reconcile/apply-fleet.js';

export function renderApplyResult(applied: readonly DeviceApplied[], opts: { color: boolean }): string {
  const green = (s: string) => (opts.color ? `\x1b[32m${s}\x1b[0m` : s);
  const lines: string[] = [];
  for (const d of applied) {
    for (const e of d.endpoints) {
      const what =
        e.added + e.removed === 0
          ? 'already up to date'
          : `${e.added} added, ${e.removed} removed${e.saved ? ', configuration saved' : ''}`;
      lines.push(`${d.device} (${e.endpoint.host}:${e.endpoint.port}): ${what}`);
    }
    for (const f of d.followers) lines.push(`${d.device}: ${f}`);
  }
  const added = applied.reduce((n, d) => n + d.endpoints.reduce((m, e) => m + e.added, 0), 0);
  const removed = applied.reduce((n, d) => n + d.endpoints.reduce((m, e) => m + e.removed, 0), 0);
  lines.push(green(`\nApply complete! Devices: ${applied.length}. Members: ${added} added, ${removed} removed.`));
  return lines.join('\n') + '\n';
}

/** One line per device apply left alone (policyUpdates: false, or an interruption before it started). */
export function renderSkipped(skipped: readonly DeviceSkipped[]): string {
  return skipped
    .map((s) => `${s.device}: skipped: ${s.reason}${s.pending ? ' (its changes are not applied)' : ''}\n`)
    .join('');
}

// Views of `tscm state list` and `tscm state show`: text for people, JSON for scripts. Member lists appear only
// when asked for (--members): a group can hold a million.

import { prefixCount, prefixesToStrings } from '../../cidr/index.js';
import type { DeviceState, LockOwner, PlanHistoryEntry } from '../../state/index.js';
import type { DeviceStatus } from '../../state/status-model.js';

export interface DeviceReport {
  readonly device: string;
  readonly state: DeviceState | null;
  readonly status: DeviceStatus | null;
  readonly lock: LockOwner | 'unreadable' | null;
  readonly history: readonly PlanHistoryEntry[];
}

export function renderStateList(location: string, reports: readonly DeviceReport[]): string {
  if (reports.length === 0) return `No device state in ${location}.\n`;
  const rows = reports.map((r) => [
    r.device,
    r.state === null ? '-' : String(r.state.serial),
    r.state === null ? '-' : String(ownedCount(r.state)),
    lastApplyText(r.state),
    r.status === null ? '-' : r.status.reason,
    lockText(r.lock, true),
  ]);
  const header = ['DEVICE', 'SERIAL', 'MEMBERS', 'LAST APPLY', 'STATUS', 'LOCK'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return `State in ${location}:\n${[header, ...rows].map(line).join('\n')}\n`;
}

export function stateListJson(location: string, reports: readonly DeviceReport[]): unknown {
  return {
    location,
    devices: reports.map((r) => ({
      device: r.device,
      lineage: r.state?.lineage ?? null,
      serial: r.state?.serial ?? null,
      members: r.state === null ? null : ownedCount(r.state),
      appliedAt: r.state?.appliedAt ?? null,
      lastApply: r.state?.lastApply ?? null,
      status: r.status?.reason ?? null,
      ready: r.status?.ready ?? null,
      lock: r.lock,
    })),
  };
}

export function renderStateShow(location: string, r: DeviceReport, opts: { members: boolean }): string {
  const out: string[] = [`${r.device} (state in ${location})`];
  const s = r.state;
  if (s === null) {
    out.push('  no state: tscm has not applied to this device from this backend (it owns nothing there)');
  } else {
    out.push(`  lineage ${s.lineage}, serial ${s.serial}, written ${s.appliedAt}`);
    out.push(`  last apply: ${lastApplyText(s)}`);
    out.push(`  groups tscm owns (${s.inventory.groups.length}):`);
    for (const g of s.inventory.groups) {
      const made = g.created ? ', created by tscm' : ', not created by tscm';
      out.push(`    ${g.name} (${g.role}${made}): ${prefixCount(g.members)} member(s)`);
      if (opts.members) for (const m of prefixesToStrings(g.members)) out.push(`      ${m}`);
    }
    out.push(`  zones applied (${s.zones.length}):`);
    for (const z of s.zones) {
      out.push(
        z.kind === 'zone'
          ? `    ${z.zone} from ${z.server}: serial ${z.serial}, sha256 ${z.sha256.slice(0, 12)}`
          : `    file ${z.path}: sha256 ${z.sha256.slice(0, 12)}`,
      );
    }
    out.push(...sourcesText(s));
  }
  const st = r.status;
  if (st !== null) {
    out.push(`  status: ${st.reason}${st.ready ? ' (ready)' : ' (not ready)'}: ${st.message}`);
    out.push(`    last attempt ${st.lastAttemptAt ?? '-'} at ${st.lastAttemptedRevision ?? '-'}`);
    out.push(`    last applied ${st.lastAppliedAt ?? '-'} at ${st.lastAppliedRevision ?? '-'}`);
    for (const z of st.zones) out.push(`    zone ${z.zone}: serial ${z.serial ?? 'not resolved'}`);
    for (const e of st.entries) out.push(`    ${e.group} (${e.role}): ${e.count} of ${st.maxEntries} entries`);
    if (st.lastError !== null) {
      const e = st.lastError;
      out.push(`    last error at ${e.step} (${e.kind}, ${e.attempts} attempt(s)) ${e.at}: ${e.message}`);
    }
    if (st.nextRunAt !== null) out.push(`    next run ${st.nextRunAt}`);
  }
  out.push(`  lock: ${lockText(r.lock, false)}`);
  out.push(`  plans recorded (${r.history.length}):`);
  for (const h of r.history) out.push(`    ${h.recordedAt}  against serial ${h.serial}  ${h.file}`);
  return `${out.join('\n')}\n`;
}

export function stateShowJson(location: string, r: DeviceReport, opts: { members: boolean }): unknown {
  const s = r.state;
  return {
    device: r.device,
    location,
    lineage: s?.lineage ?? null,
    serial: s?.serial ?? null,
    appliedAt: s?.appliedAt ?? null,
    groups:
      s?.inventory.groups.map((g) => ({
        name: g.name,
        role: g.role,
        created: g.created,
        count: prefixCount(g.members),
        ...(opts.members ? { members: prefixesToStrings(g.members) } : {}),
      })) ?? [],
    zones: s?.zones ?? [],
    sources: (s?.sources ?? []).map((a) => ({
      role: a.role,
      source: a.source,
      serial: a.serial,
      sha256: a.sha256,
      records: a.records,
      decoded: a.decoded,
      rejected: a.rejected,
      count: prefixCount(a.members),
    })),
    overrides: s?.overrides ?? [],
    lastApply: s?.lastApply ?? null,
    status: r.status,
    lock: r.lock,
    history: r.history.map((h) => ({ recordedAt: h.recordedAt, serial: h.serial, file: h.file })),
  };
}

/** The version of each source last applied (the sets the gates hold), and the gates --force overrode. */
function sourcesText(s: DeviceState): string[] {
  const out: string[] = [];
  const sources = s.sources ?? [];
  if (sources.length > 0) out.push(`  sources applied, the last good sets (${sources.length}):`);
  for (const a of sources) {
    const serial = a.serial === null ? '' : `serial ${a.serial}, `;
    out.push(`    ${a.role} ${a.source}: ${serial}${prefixCount(a.members)} entries, sha256 ${a.sha256.slice(0, 12)}`);
  }
  const overrides = s.overrides ?? [];
  if (overrides.length > 0) out.push(`  gates overridden by --force (${overrides.length}):`);
  for (const o of overrides) {
    out.push(`    ${o.at}  ${o.gate} gate of ${o.role} list source ${o.source} (plan ${o.planId}): ${o.detail}`);
  }
  return out;
}

function ownedCount(s: DeviceState): number {
  return s.inventory.groups.reduce((n, g) => n + prefixCount(g.members), 0);
}

function lastApplyText(s: DeviceState | null): string {
  const a = s?.lastApply;
  if (s === null || a === null || a === undefined) return '-';
  const what = a.ok
    ? a.summary
      ? `ok +${a.summary.add} -${a.summary.remove}`
      : 'ok'
    : `failed${a.message === undefined ? '' : `: ${a.message}`}`;
  return `${s.appliedAt} ${what} (revision ${a.revision ?? '-'})`;
}

function lockText(lock: DeviceReport['lock'], short: boolean): string {
  if (lock === null) return short ? '-' : 'not locked';
  if (lock === 'unreadable') return 'unreadable lock';
  const who = `${lock.command} on ${lock.hostname} (pid ${lock.pid})`;
  if (short) return who;
  return `held by ${who} since ${lock.startedAt}${lock.expiresAt === undefined ? '' : `, expires ${lock.expiresAt}`}`;
}

// Step "resolve", the integrity gates (issue 12): each source's new version against the version last applied to
// the device (serial backwards, shrink, churn, malformed records: gate-checks.ts); a tripped gate or a failed source
// holds the last good set (the version last applied to this device), warned about in the plan; a source failing for
// longer than staleAfter is warned about on every run. --force lets a tripped gate through once (the apply records
// the override, and the next run compares against the version it applied). With nothing applied to hold, a failed
// source stops the device as before, and a tripped gate refuses it: a source is never silently dropped.

import { ConfigError } from '../errors.js';
import type { DeviceSpec } from '../config/types.js';
import type { ComposeSource } from '../plan/compose.js';
import type { DesiredState, GateFinding, GroupRole, SourceReport, ZonePin } from '../plan/model.js';
import { prefixCount } from '../cidr/index.js';
import { EmptyFeedError, pinOf } from '../policy/index.js';
import {
  OVERRIDES_KEEP,
  type AppliedSource,
  type DeviceState,
  type DeviceStateUpdate,
  type LastApplyRecord,
} from '../state/index.js';
import { readSourceHealth, writeSourceHealth, type SourceHealth } from '../state/source-health.js';
import { describeSource } from './desired-policy.js';
import { checkGates, entriesOf } from './gate-checks.js';
import type { FetchedFeed, PolicyContext } from './policy-context.js';

export interface GatedFeed {
  readonly compose: ComposeSource;
  /** The input the plan depends on (apply refuses the plan when it moved); null: nothing to pin. */
  readonly pin: ZonePin | null;
  /** The version an apply of this plan records as the source's last good set (held: the one it holds). */
  readonly applied: AppliedSource;
  /** A gate --force let through: the apply records it. */
  readonly override?: SourceOverride;
  /** What the plan says about the source (held, stale, forced). */
  readonly warning?: string;
}

export interface SourceOverride {
  readonly role: GroupRole;
  readonly source: string;
  readonly gate: GateFinding['gate'];
  readonly detail: string;
}

export interface GateOptions {
  /** The device's applied state: the gates compare against its sources' last applied versions. */
  readonly state: DeviceState | null;
  /** --force: a tripped gate lets the new version through (the apply records the override in the state). */
  readonly force: boolean;
  /**
   * Applying a plan made before: the sources as it shows them. --force then lets through only the gates that plan
   * let through, so the recomputed plan is the plan shown (a plan made without --force holds, and is applied
   * holding, rather than being refused as changed).
   */
  readonly planned?: readonly SourceReport[];
}

const MALFORMED = ['bad-rpz-ip', 'bad-address-rdata'];

export async function gateFeeds(
  ctx: PolicyContext,
  spec: DeviceSpec,
  fetched: readonly FetchedFeed[],
  opts: GateOptions,
): Promise<GatedFeed[]> {
  const now = ctx.now?.() ?? new Date();
  const health = await readSourceHealth(ctx.stateDir, spec.name);
  const failing: SourceHealth[] = [];
  const out: GatedFeed[] = [];
  try {
    for (const f of fetched) {
      const g = gateOne(spec, f, { opts, now, health, failing });
      // Said on every run, the loop's too (whose plans are not printed): tscm never silently stops enforcing.
      if (g.compose.status !== 'fresh') {
        ctx.log.warn(g.compose.status === 'held' ? 'policy source held at its last good set' : 'policy gate forced', {
          device: spec.name,
          source: g.compose.label,
          gate: g.compose.gate?.gate,
          detail: g.compose.gate?.detail,
          ...(g.compose.failingSince === undefined ? {} : { failingSince: g.compose.failingSince }),
          ...(g.compose.stale === true ? { stale: true } : {}),
        });
      }
      out.push(g);
    }
  } finally {
    // Recorded even when a source stops the device: its failure started now, not when it first had a set to hold.
    await writeSourceHealth(ctx.stateDir, spec.name, failing, health).catch((err: unknown) =>
      ctx.log.warn('source health not written', { device: spec.name, error: (err as Error).message }),
    );
  }
  return out;
}

interface GateRun {
  readonly opts: GateOptions;
  readonly now: Date;
  readonly health: readonly SourceHealth[];
  /** Filled in: the sources failing after this run. */
  readonly failing: SourceHealth[];
}

function gateOne(spec: DeviceSpec, f: FetchedFeed, run: GateRun): GatedFeed {
  const label = describeSource(f.feed.source);
  const same = (s: { role: GroupRole; source: string }): boolean => s.role === f.role && s.source === label;
  const last = run.opts.state?.sources?.find(same) ?? null;
  const who = `${spec.name}: ${f.role} list source ${label}`;
  if (!f.outcome.ok) {
    const { error } = f.outcome;
    const failingSince = run.health.find(same)?.failingSince ?? run.now.toISOString();
    run.failing.push({ role: f.role, source: label, failingSince });
    // Nothing applied to hold: the device stops here, with the source's own error (transient or not), as before.
    if (last === null) throw error;
    const gate: GateFinding = {
      gate: error instanceof EmptyFeedError ? 'empty' : 'failed',
      detail: firstLine(error.message),
    };
    const since = run.now.getTime() - Date.parse(failingSince);
    const stale = since > f.feed.gates.staleAfterMs;
    const held = describeHeld(last);
    const warning = stale
      ? `${who} has been failing since ${failingSince} (${duration(since)}, longer than staleAfter ${duration(f.feed.gates.staleAfterMs)}): the device still enforces the set last applied (${held}); fix the source or take it out of the definitions (${gate.detail})`
      : `${who} ${gate.gate === 'empty' ? 'is empty' : 'failed'}: held at the set last applied (${held}) since ${failingSince}; ${gate.detail}`;
    return {
      compose: { ...composeOf(f, label, last), status: 'held', gate, failingSince, stale },
      pin: null,
      applied: last,
      warning,
    };
  }
  const z = f.outcome.zone;
  const next: AppliedSource = {
    role: f.role,
    source: label,
    serial: z.serial ?? null,
    sha256: z.sha256,
    records: z.records,
    decoded: z.decoded,
    rejected: MALFORMED.reduce((n, r) => n + (z.skipped[r] ?? 0), 0),
    members: entriesOf(z.list),
  };
  // The gates' aggregate is handed on: compose's own aggregate of a canonical list is a check, not another pass.
  const fresh = composeOf(f, label, next);
  const pin = pinOf(z);
  const tripped = checkGates(next, last, f.feed.gates);
  if (tripped.length === 0) return { compose: { ...fresh, status: 'fresh' }, pin, applied: next };
  const gate: GateFinding = {
    gate: tripped[0]!.gate,
    detail: tripped.map((t) => t.detail).join('; '),
  };
  if (run.opts.force && mayForce(run.opts, f.role, label)) {
    return {
      compose: { ...fresh, status: 'forced', gate },
      pin,
      applied: next,
      override: { role: f.role, source: label, gate: gate.gate, detail: gate.detail },
      warning: `${who}: the ${gate.gate} gate is overridden by --force (${gate.detail}); the apply records the override and later runs compare against this version`,
    };
  }
  if (last === null) {
    throw new ConfigError(
      `${who}: refused by the ${gate.gate} gate (${gate.detail}), and no version of it was ever applied to this device to hold`,
      `fix the source, or accept this version once with \`tscm apply ${spec.name} --force\``,
    );
  }
  return {
    compose: { ...composeOf(f, label, last), status: 'held', gate },
    pin,
    applied: last,
    warning: `${who} held at the set last applied (${describeHeld(last)}): the ${gate.gate} gate refused ${next.serial === null ? 'the new version' : `serial ${next.serial}`} (${gate.detail}); check the source, or accept this version once with \`tscm apply ${spec.name} --force\``,
  };
}

/** The desired state with the gates' words on each source held, stale or forced (plan warnings). */
export function gateNotes(desired: DesiredState, gated: readonly GatedFeed[]): DesiredState {
  const notes = gated.flatMap((g) => (g.warning === undefined ? [] : [g.warning]));
  return notes.length === 0 ? desired : { ...desired, notes: [...(desired.notes ?? []), ...notes] };
}

/**
 * What an apply records of the sources: when it completed, each source's version it applied (held: the set it
 * held) and the overrides of this run appended; when it failed, what the state held (a forced version that did not
 * reach the device is not a last good set, and is refused again next run).
 */
export function sourcesRecord(
  gated: readonly Pick<GatedFeed, 'applied' | 'override'>[],
  state: DeviceState | null,
  lastApply: LastApplyRecord,
  at: string,
): Pick<DeviceStateUpdate, 'sources' | 'overrides'> {
  const before = { sources: state?.sources ?? [], overrides: state?.overrides ?? [] };
  if (!lastApply.ok) return before;
  const added = gated.flatMap((g) => (g.override ? [{ at, planId: lastApply.planId, ...g.override }] : []));
  return {
    sources: gated.map((g) => g.applied),
    overrides: [...before.overrides, ...added].slice(-OVERRIDES_KEEP),
  };
}

/** Without a plan made before, --force lets every tripped gate through; with one, only those it let through. */
function mayForce(opts: GateOptions, role: GroupRole, source: string): boolean {
  if (opts.planned === undefined) return true;
  return opts.planned.some((s) => s.role === role && s.source === source && s.status === 'forced');
}

function composeOf(
  f: FetchedFeed,
  label: string,
  v: AppliedSource,
): Omit<ComposeSource, 'status' | 'gate' | 'failingSince' | 'stale'> {
  return {
    role: f.role,
    priority: f.priority,
    label,
    list: v.members,
    serial: v.serial,
    records: v.records,
    decoded: v.decoded,
    rejected: v.rejected,
  };
}

function describeHeld(v: AppliedSource): string {
  return `${v.serial === null ? '' : `serial ${v.serial}, `}${prefixCount(v.members)} entries`;
}

/** The resolver refuses an empty zone (zone-resolver.ts requireContent) with these words. */

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return i < 0 ? s : s.slice(0, i);
}

/** "26h", "90m", "45s": the largest whole unit. */
function duration(ms: number): string {
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms >= 3_600_000) return `${(ms / 3_600_000).toFixed(1)}h`;
  if (ms >= 60_000) return `${Math.floor(ms / 60_000)}m`;
  return `${Math.floor(ms / 1000)}s`;
}

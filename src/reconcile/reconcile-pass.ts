// One reconcile pass over the fleet (the loop in src/daemon/ calls it on a schedule; `tscm reconcile --once` once).
// It works only where something moved since the pass before (pass-work.ts): a new revision touching a device, a
// zone serial (one SOA query per zone per pass, one transfer per zone for the whole fleet), a drift check due, a
// back-off run out, a change window opened on held changes. Each device runs its named steps (pass-device.ts), at
// most `concurrency` at once and one session per device; its status is written and the events told. A pass with
// nothing new opens no device session. Orphans are reported, and pruned only with `prune`.

import path from 'node:path';
import { formatDiagnostic, loadDefinitions, stateDirFromEnv, type Definitions } from '../config/index.js';
import type { DeviceSpec } from '../config/types.js';
import type { Logger } from '../drivers/driver.js';
import type { DeviceStatus } from '../state/status-model.js';
import { nextWindowChange, windowVerdict } from './change-window.js';
import { deviceStatus } from './device-status.js';
import type { PassSummary, ReconcileEvents } from './events.js';
import { fleetOf, type Fleet } from './fleet.js';
import { formatRevision, readGitRevision, type GitRevision } from './git-revision.js';
import { reconcileOrphan } from './orphans.js';
import { attemptDevice, type DeviceOutcome } from './pass-device.js';
import { loadStatus, runPool, statusOfInvalid } from './pass-helpers.js';
import { checkZones, touchedDevices, zonesOf, type ZoneCheck } from './pass-sources.js';
import {
  backoffDelayMs,
  DEFAULT_BACKOFF,
  fingerprint,
  type BackoffSettings,
  type DeviceMemory,
  type PassMemory,
} from './pass-memory.js';
import { loopRecordOf, seedMemory } from './pass-seed.js';
import { workFor, type WorkReason } from './pass-work.js';
import { shardOf } from './shard.js';

export { createPassMemory, type PassMemory } from './pass-memory.js';

export interface PassOptions {
  /** Why the pass runs: 'interval' | 'watch' | 'once' | 'drift'. */
  readonly trigger: string;
  /** The definitions folder (a checkout, already pulled). */
  readonly dir: string;
  readonly log: Logger;
  readonly events?: ReconcileEvents;
  /** Devices worked on at once (default 8); one session per device at a time. */
  readonly concurrency: number;
  readonly shard?: { readonly index: number; readonly count: number };
  /** Take tscm's groups off orphaned devices. */
  readonly prune: boolean;
  /** How long after a device's last read its drift check is due (default 6 h). */
  readonly driftIntervalMs: number;
  /** --watch: the devices whose files changed; the pass looks at these only, and works on each. */
  readonly onlyDevices?: ReadonlySet<string>;
  /** SIGTERM: devices mid-apply stop truthfully (recorded, locks released), no new device starts. */
  readonly signal?: AbortSignal;
  readonly now?: () => Date;
  /** Retry delays after a transient failure (default 30 s doubling up to 1 h, full jitter). */
  readonly backoff?: BackoffSettings;
  /** The state folder when tscm.yaml names none (a remote source keeps it outside its clone). */
  readonly defaultStateDir?: string;
  /** The jitter's randomness, in [0, 1) (default Math.random). */
  readonly random?: () => number;
}

export interface PassResult {
  readonly summary: PassSummary;
  /** Every device of this shard after the pass (orphans and invalid definitions included). */
  readonly statuses: readonly DeviceStatus[];
  /** The earliest back-off retry, drift check or change window due; null: nothing scheduled. */
  readonly nextRunAt: Date | null;
}

interface Work {
  readonly spec: DeviceSpec;
  readonly reason: WorkReason;
  readonly hold: string | undefined;
}

export async function reconcilePass(memory: PassMemory, opts: PassOptions): Promise<PassResult> {
  const started = performance.now();
  const now = opts.now ?? (() => new Date());
  const { events, log } = opts;
  events?.passStarted?.(opts.trigger);
  let sessions = 0;
  const root = path.resolve(opts.dir);
  const { defs, gitRevision } = await definitionsOf(memory, root, log, opts.defaultStateDir);
  const fleet = fleetOf(root, defs.settings, defs.devices, log, {
    revision: gitRevision,
    onConnect: (device) => {
      sessions++;
      events?.sessionOpened?.(device);
    },
  });
  await fleet.store.sync?.();
  const wanted = (name: string): boolean =>
    (opts.shard === undefined || shardOf(name, opts.shard.count) === opts.shard.index) &&
    (opts.onlyDevices === undefined || opts.onlyDevices.has(name));
  const devices = defs.devices.filter((d) => wanted(d.name));
  const revision = formatRevision(gitRevision);
  const settingsPrint = fingerprint(defs.settings);
  const changed = await touchedDevices(memory, defs, root, revision, settingsPrint, log);
  const seeded = await seedMemory(memory, fleet, devices, defs, root, revision, log);
  const touched = changed === 'all' ? changed : new Set([...changed, ...seeded]);
  const serials = await checkZones(fleet, devices, opts.concurrency);

  const at = now();
  const work: Work[] = [];
  for (const spec of devices) {
    const verdict = windowVerdict(defs.settings.schedule.windows, spec.name, at);
    const reason = workFor(memory.devices.get(spec.name), {
      definition: fingerprint([spec, settingsPrint]),
      touched: touched === 'all' || touched.has(spec.name),
      forced: opts.onlyDevices !== undefined,
      zones: zonesOf(spec, serials),
      windowOpen: verdict.open,
      now: at.getTime(),
      driftIntervalMs: opts.driftIntervalMs,
    });
    if (reason === null) continue;
    const hold = !spec.policyUpdates
      ? 'policyUpdates is false'
      : !verdict.open
        ? verdict.reason
        : reason === 'drift' && defs.settings.drift === 'report'
          ? 'drift: report'
          : undefined;
    work.push({ spec, reason, hold });
  }

  let failed = 0;
  const ctx = { fleet, memory, opts, now, revision, settingsPrint, serials };
  await runPool(work, opts.concurrency, opts.signal, async (w) => {
    const outcome = await attemptDevice({
      fleet,
      spec: w.spec,
      hold: w.hold,
      revision,
      command: `tscm reconcile (${opts.trigger})`,
      events,
      signal: opts.signal,
      now,
    });
    if (outcome.kind === 'failed') failed++;
    await settleDevice(ctx, w, outcome);
  });

  failed += await reportInvalid(ctx, defs, wanted);
  failed += await reportOrphans(ctx, defs, wanted);
  for (const { source, serial } of serials.values()) {
    events?.zoneChecked?.(source.zone, serial, fleet.resolver.wasTransferred(source));
  }
  if (opts.onlyDevices === undefined && opts.signal?.aborted !== true) {
    memory.revision = revision;
    memory.settings = settingsPrint;
  }

  const statuses = await collectStatuses(fleet, memory, defs, wanted, log);
  const summary: PassSummary = {
    trigger: opts.trigger,
    durationMs: Math.round(performance.now() - started),
    revision,
    devices: devices.length,
    sessionsOpened: sessions,
    zoneTransfers: fleet.resolver.transfers,
    failed,
    interrupted: opts.signal?.aborted === true,
  };
  events?.passFinished?.(summary);
  const nextRunAt = earliest(devices.map((d) => nextRunOf(ctx, d, now())));
  return { summary, statuses, nextRunAt };
}

/**
 * The definitions: those of the pass before when the checkout is at the same clean revision, else read afresh and
 * kept when the revision was clean and the same before and after reading (nothing moved under the read).
 */
async function definitionsOf(
  memory: PassMemory,
  root: string,
  log: Logger,
  defaultStateDir: string | undefined,
): Promise<{ defs: Definitions; gitRevision: GitRevision | null }> {
  const known = memory.definitions;
  const stateDir = known?.defs.settings.stateDir ?? path.join(root, '.tscm');
  const before = await readGitRevision(root, { stateDir, log });
  if (known !== undefined && before !== null && !before.dirty && before.sha === known.revision) {
    return { defs: known.defs, gitRevision: before };
  }
  const defs = await loadDefinitions(root, defaultStateDir === undefined ? stateDirFromEnv() : { defaultStateDir });
  const after = await readGitRevision(root, { stateDir: defs.settings.stateDir });
  const clean = after !== null && !after.dirty && after.sha === before?.sha;
  memory.definitions = clean ? { revision: after.sha, defs } : undefined;
  return { defs, gitRevision: after };
}

interface PassContext {
  readonly fleet: Fleet;
  readonly memory: PassMemory;
  readonly opts: PassOptions;
  readonly now: () => Date;
  readonly revision: string | null;
  readonly settingsPrint: string;
  readonly serials: ReadonlyMap<string, ZoneCheck>;
}

/** After a device's attempt: what the loop remembers of it, its status written and told. */
async function settleDevice(ctx: PassContext, w: Work, outcome: DeviceOutcome): Promise<void> {
  const { memory, opts, fleet } = ctx;
  const name = w.spec.name;
  const at = ctx.now();
  const before = memory.devices.get(name);
  const zones = new Map(before?.zones ?? []);
  for (const [key, serial] of zonesOf(w.spec, ctx.serials)) if (serial !== null) zones.set(key, serial);
  const failure = outcome.kind === 'failed' ? outcome.failure : null;
  // Stopped by a signal is not the device failing: no back-off, the next pass finishes the job at once.
  const interrupted = failure !== null && opts.signal?.aborted === true;
  const attempts = failure ? (before?.failures ?? 0) + (interrupted ? 0 : 1) : 0;
  const transient = failure !== null && failure.kind !== 'config';
  const retryAt = interrupted
    ? at.getTime()
    : transient
      ? at.getTime() + backoffDelayMs(attempts, (opts.random ?? Math.random)(), opts.backoff ?? DEFAULT_BACKOFF)
      : null;
  const held = outcome.kind === 'held' && outcome.plan.summary.add + outcome.plan.summary.remove > 0;
  const mem: DeviceMemory = {
    definition: fingerprint([w.spec, ctx.settingsPrint]),
    spec: w.spec,
    zones,
    lastCheckedAt: failure ? (before?.lastCheckedAt ?? null) : at.getTime(),
    failures: attempts,
    retryAt,
    stalledAt: failure?.kind === 'config' ? failure.step : null,
    heldByWindow: held && w.hold !== undefined && w.spec.policyUpdates && w.hold !== 'drift: report',
  };
  memory.devices.set(name, mem);
  const previous = await loadStatus(memory, fleet, name, opts.log);
  const status = deviceStatus({
    spec: w.spec,
    outcome,
    previous,
    state: await fleet.store.read(name).catch(() => null),
    revision: ctx.revision,
    now: at,
    zones: [...zonesOf(w.spec, ctx.serials)].map(([key, serial]) => ({
      zone: ctx.serials.get(key)?.source.zone ?? key,
      serial,
    })),
    driftCheck: w.reason === 'drift',
    attempts,
    nextRunAt: nextRunOf(ctx, w.spec, at),
  });
  await writeStatus(ctx, { ...status, loop: loopRecordOf(mem, ctx.revision) });
}

async function writeStatus(ctx: PassContext, status: DeviceStatus): Promise<void> {
  ctx.memory.statuses.set(status.device, status);
  try {
    await ctx.fleet.store.writeStatus(status.device, status);
  } catch (err) {
    ctx.opts.log.error('status not written', { device: status.device, error: (err as Error).message });
  }
  ctx.opts.events?.deviceStatus?.(status);
}

/** When the loop should look at the device again without anything moving. */
function nextRunOf(ctx: PassContext, spec: DeviceSpec, at: Date): Date | null {
  const mem = ctx.memory.devices.get(spec.name);
  if (mem === undefined || mem.stalledAt !== null) return null;
  if (mem.retryAt !== null) return new Date(mem.retryAt);
  const drift = mem.lastCheckedAt === null ? null : new Date(mem.lastCheckedAt + ctx.opts.driftIntervalMs);
  const window = mem.heldByWindow ? nextWindowChange(ctx.fleet.settings.schedule.windows, spec.name, at) : null;
  return earliest([drift, window]);
}

function earliest(dates: readonly (Date | null)[]): Date | null {
  let best: Date | null = null;
  for (const d of dates) if (d !== null && (best === null || d < best)) best = d;
  return best;
}

/** Devices whose definition does not load: Stalled at step load until it changes. Returns how many are new. */
async function reportInvalid(ctx: PassContext, defs: Definitions, wanted: (n: string) => boolean): Promise<number> {
  const valid = new Set(defs.devices.map((d) => d.name));
  let reported = 0;
  for (const { name, file } of defs.named) {
    if (valid.has(name) || !wanted(name)) continue;
    // A device file with no problem of its own did not load because tscm.yaml has problems.
    const own = defs.diagnostics.filter((d) => d.file === file);
    const where = own.length > 0 ? file : (defs.settings.settingsFile ?? 'tscm.yaml');
    const problems = defs.diagnostics.filter((d) => d.file === where);
    const print = fingerprint(['invalid', where, problems]);
    if (ctx.memory.devices.get(name)?.definition === print) continue;
    ctx.memory.devices.set(name, {
      definition: print,
      spec: ctx.memory.devices.get(name)?.spec ?? null,
      zones: new Map(),
      lastCheckedAt: null,
      failures: 1,
      retryAt: null,
      stalledAt: 'load',
      heldByWindow: false,
    });
    const previous = await loadStatus(ctx.memory, ctx.fleet, name, ctx.opts.log);
    const formatted = problems.map(formatDiagnostic);
    await writeStatus(ctx, statusOfInvalid(name, where, formatted, previous, ctx.revision, ctx.now()));
    ctx.opts.events?.stepFailed?.(name, 'load', 'config');
    reported++;
  }
  return reported;
}

/** Devices in the backend without a definition. Returns how many failed to prune. */
async function reportOrphans(ctx: PassContext, defs: Definitions, wanted: (n: string) => boolean): Promise<number> {
  const { fleet, memory, opts } = ctx;
  const named = new Set(defs.named.map((n) => n.name));
  const stored = await fleet.store.listDevices();
  let failed = 0;
  for (const device of stored.filter((d) => !named.has(d) && wanted(d))) {
    if (opts.signal?.aborted === true) break;
    const result = await reconcileOrphan(device, {
      fleet,
      memory: memory.devices.get(device),
      previous: await loadStatus(memory, fleet, device, opts.log),
      prune: opts.prune,
      problems: defs.diagnostics.length,
      now: ctx.now(),
      signal: opts.signal,
      log: opts.log,
    });
    if (result.failed) failed++;
    if (result.pruned) memory.devices.delete(device);
    await writeStatus(ctx, result.status);
  }
  return failed;
}

/** The status of every device of the shard: defined, invalid, and orphaned. */
async function collectStatuses(
  fleet: Fleet,
  memory: PassMemory,
  defs: Definitions,
  wanted: (n: string) => boolean,
  log: Logger,
): Promise<DeviceStatus[]> {
  const names = new Set([...defs.named.map((n) => n.name), ...(await fleet.store.listDevices())]);
  const out: DeviceStatus[] = [];
  for (const name of [...names].filter(wanted).sort()) {
    const status = await loadStatus(memory, fleet, name, log);
    if (status !== null) out.push(status);
  }
  return out;
}

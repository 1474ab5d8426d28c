// Step "resolve": a device's sources -> the version of each the gates let through (source-gates.ts) -> the
// protected addresses (protected-addresses.ts) -> the desired state composed from them (plan/compose.ts), with the
// figures `tscm policy` and the plan print. A source that fails is never an empty list: it holds its last good set
// or stops the device.

import { aggregate, prefixCount } from '../cidr/index.js';
import type { DeviceSpec, PolicyFeed } from '../config/types.js';
import type { ComposeSource } from '../plan/compose.js';
import type { DesiredState, GroupRole, SourceReport, ZonePin } from '../plan/model.js';
import type { ZoneResolver } from '../policy/index.js';
import { describeSource, desiredOfSources } from './desired-policy.js';
import { protectedAddresses } from './protected-addresses.js';
import type { FetchedFeed, PolicyContext } from './policy-context.js';
import { gateFeeds, gateNotes, type GatedFeed, type GateOptions } from './source-gates.js';

export interface ResolvedPolicy {
  readonly desired: DesiredState;
  /** One pin per source the plan depends on, block list first, each list in priority order. */
  readonly pins: readonly ZonePin[];
  /** The sources as composed (the version used of each, with its figures). */
  readonly sources: readonly ComposeSource[];
  /** What each source's fetch gave this run (`tscm policy`): skip reasons, cache use. */
  readonly zones: readonly ZoneFigures[];
  /** Per source, the version an apply records as its last good set, and the gates --force let through. */
  readonly gated?: readonly Pick<GatedFeed, 'applied' | 'override'>[];
}

export interface ZoneFigures {
  readonly role: 'block' | 'allow';
  readonly source: string;
  readonly serial: number | null;
  readonly records: number;
  readonly decoded: number;
  readonly aggregated: number;
  readonly skipped: Readonly<Record<string, number>>;
  readonly fromCache: boolean;
}

export type { FetchedFeed, PolicyContext };
export type ResolveOptions = GateOptions;

/**
 * `fetching`: the device's sources, when the caller started fetching them earlier (fetchDeviceFeeds) so that the
 * transfers' waits overlap its own work, e.g. reading the state the gates need.
 */
export async function resolveDevicePolicy(
  ctx: PolicyContext,
  spec: DeviceSpec,
  opts: ResolveOptions,
  fetching: Promise<FetchedFeed[]> = fetchDeviceFeeds(ctx, spec),
): Promise<ResolvedPolicy> {
  const fetched = await fetching;
  const gated = await gateFeeds(ctx, spec, fetched, opts);
  const sources = gated.map((g) => g.compose);
  const desired = gateNotes(desiredOfSources(spec, sources, await protectedAddresses(ctx, spec)), gated);
  const pins = gated.flatMap((g) => (g.pin === null ? [] : [g.pin]));
  const reported = desired.report?.sources ?? [];
  return { desired, pins, sources, zones: fetched.flatMap((f) => figuresOf(f, reported)), gated };
}

/**
 * What the fetch gave. `aggregated` comes from compose's report when it used this version (aggregated once there);
 * a held source's report is of its last good set, so only then is the fetched version aggregated here.
 */
function figuresOf(f: FetchedFeed, reported: readonly SourceReport[]): ZoneFigures[] {
  if (!f.outcome.ok) return [];
  const z = f.outcome.zone;
  const report = reported.find((r) => r.role === f.role && r.priority === f.priority);
  return [
    {
      role: f.role,
      source: describeSource(z.source),
      serial: z.serial ?? null,
      records: z.records,
      decoded: z.decoded,
      aggregated: report !== undefined && report.status !== 'held' ? report.aggregated : prefixCount(aggregate(z.list)),
      skipped: z.skipped,
      fromCache: z.fromCache,
    },
  ];
}

/**
 * Each source once (the resolver shares a zone between devices and lists), every failure kept for the gates:
 * never rejects.
 */
export function fetchDeviceFeeds(ctx: PolicyContext, spec: DeviceSpec): Promise<FetchedFeed[]> {
  return fetchFeeds(ctx.resolver, spec);
}

async function fetchFeeds(resolver: ZoneResolver, spec: DeviceSpec): Promise<FetchedFeed[]> {
  const lists: [GroupRole, readonly PolicyFeed[]][] = [
    ['block', spec.policy.blockList],
    ['allow', spec.policy.allowList],
  ];
  const out: FetchedFeed[] = [];
  for (const [role, feeds] of lists) {
    for (const [i, feed] of feeds.entries()) {
      const outcome = await resolver.resolve(feed.source).then(
        (zone) => ({ ok: true as const, zone }),
        (error: unknown) => ({ ok: false as const, error: error instanceof Error ? error : new Error(String(error)) }),
      );
      out.push({ role, priority: i + 1, feed, outcome });
    }
  }
  return out;
}

// Step "resolve", the integrity gates (issue 12): each source's new version against the version last applied to
// the device (serial backwards, shrink, churn, malformed records); a tripped gate or a failed source holds the last
// good set (kept for staleAfter, then warned about on every run); --force lets a tripped gate through once.
//
// SKELETON (lead's contract commit): a failed source stops the device (as before issue 12), every fetched version
// passes; the gates helper replaces the body.

import type { DeviceSpec } from '../config/types.js';
import type { ComposeSource } from '../plan/compose.js';
import type { ZonePin } from '../plan/model.js';
import { pinOf } from '../policy/index.js';
import type { DeviceState } from '../state/index.js';
import { describeSource } from './desired-policy.js';
import type { FetchedFeed, PolicyContext } from './policy-context.js';

export interface GatedFeed {
  readonly compose: ComposeSource;
  /** The input the plan depends on (apply refuses the plan when it moved); null: nothing to pin. */
  readonly pin: ZonePin | null;
}

export interface GateOptions {
  /** The device's applied state: the gates compare against its sources' last applied versions. */
  readonly state: DeviceState | null;
  /** --force: a tripped gate lets the new version through (the apply records the override in the state). */
  readonly force: boolean;
}

const MALFORMED = ['bad-rpz-ip', 'bad-address-rdata'];

export async function gateFeeds(
  ctx: PolicyContext,
  spec: DeviceSpec,
  fetched: readonly FetchedFeed[],
  opts: GateOptions,
): Promise<GatedFeed[]> {
  void ctx;
  void spec;
  void opts;
  return fetched.map((f) => {
    if (!f.outcome.ok) throw f.outcome.error;
    const z = f.outcome.zone;
    return {
      compose: {
        role: f.role,
        priority: f.priority,
        label: describeSource(f.feed.source),
        list: z.list,
        serial: z.serial ?? null,
        records: z.records,
        decoded: z.decoded,
        rejected: MALFORMED.reduce((n, r) => n + (z.skipped[r] ?? 0), 0),
        status: 'fresh',
      },
      pin: pinOf(z),
    };
  });
}

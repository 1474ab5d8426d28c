// Capacity per platform (issue 12): the entries a device counts against its platform's limit after a plan, against
// that limit as the device states it (ObservedDevice.capacity: FWSM `show np 3 acl count`) or else the platform's
// documented default. Over it, a plan that adds anything is refused before anything is sent, and --force does not
// lift that: the device would refuse the adds or, as an FWSM does, remove the whole batch (cisco-protocol.md §6 row
// 15). A plan that only removes is never refused: it is how a device over its limit gets back under it. Pure.

import type { CapacityReport, DevicePlan, ObservedDevice } from './model.js';

/** The platform's documented default (PlatformTraits.capacity), used when the device states no limit. */
export interface CapacityDefault {
  readonly limit: number;
  readonly detail: string;
}

/** The plan with its capacity report, and a refusal when it adds past the limit. */
export function withCapacity(plan: DevicePlan, observed: ObservedDevice, fallback: CapacityDefault): DevicePlan {
  const capacity = capacityReport(plan, observed, fallback);
  const out = { ...plan, capacity };
  const refusal = capacityRefusal(out);
  return refusal === undefined ? out : { ...out, refusals: [...plan.refusals, refusal] };
}

export function capacityReport(plan: DevicePlan, observed: ObservedDevice, fallback: CapacityDefault): CapacityReport {
  const read = observed.capacity;
  if (read === undefined || read.inUse === null) {
    // Only tscm's groups are known: their members after the plan, foreign ones included.
    const used = plan.groups.reduce((n, g) => n + g.after, 0);
    return read === undefined
      ? { limit: fallback.limit, used, source: 'default', detail: fallback.detail }
      : { limit: read.limit, used, source: 'device', detail: read.detail };
  }
  // The device counts every ACE it holds; each member a group gains or loses is one ACE per access list using it
  // (at least one: a group not yet in use is counted as if it were, since wiring it in later must fit too).
  const usedBy = new Map(observed.groups.map((g) => [g.name, g.usedBy.length]));
  const delta = plan.groups.reduce((n, g) => n + (g.after - g.before) * Math.max(1, usedBy.get(g.name) ?? 0), 0);
  return { limit: read.limit, used: Math.max(0, read.inUse + delta), source: 'device', detail: read.detail };
}

/** Why the plan is refused for capacity (one line, with the figures and the fix), or undefined. */
export function capacityRefusal(plan: DevicePlan): string | undefined {
  const c = plan.capacity;
  if (c === undefined || c.used <= c.limit || plan.summary.add === 0) return undefined;
  const from = c.source === 'device' ? 'read from the device' : 'documented default';
  return (
    `capacity: ${plan.device} would hold ${c.used} entries after this plan, over the ${plan.platform} limit of ` +
    `${c.limit} (${from}: ${c.detail}) by ${c.used - c.limit}; nothing is sent and --force does not lift this: ` +
    'lower objectGroups.maxEntries or free room on the device'
  );
}

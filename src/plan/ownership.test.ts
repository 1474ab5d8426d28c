// Ownership across runs: a member enters tscm's inventory only by tscm's own add (or --adopt), so a member an
// administrator put on the device is never removed, whatever the policy does over any number of runs.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EMPTY_PREFIXES,
  exactDifference,
  exactIntersection,
  exactUnion,
  prefixCount,
  prefixesFromStrings,
  prefixesToStrings,
} from '../cidr/index.js';
import type { PrefixList } from '../cidr/types.js';
import { computePlan, type ComputePlanOptions } from './compute-plan.js';
import type { DevicePlan, Inventory, ObservedDevice } from './model.js';
import { inventoryAfterApply, inventoryAfterPartialApply, mergeInventories } from './ownership.js';

const P = (...s: string[]) => prefixesFromStrings(s);
const S = (l: PrefixList) => prefixesToStrings(l);

function opts(adopt = false): ComputePlanOptions {
  return {
    device: 'edge-1',
    platform: 'ios',
    maxRemoveShare: 1,
    inputs: { zones: [], observedFingerprint: 'f'.repeat(64), state: null, adopt },
  };
}

function device(members: PrefixList | null): ObservedDevice {
  const exists = members !== null;
  const group = { name: 'BLOCK', role: 'block' as const, exists, members: members ?? EMPTY_PREFIXES };
  return { groups: [{ ...group, foreign: [], usedBy: [] }], fingerprint: 'x' };
}

function plan(want: PrefixList, have: ObservedDevice, inv: Inventory, adopt = false): DevicePlan {
  return computePlan({ groups: [{ name: 'BLOCK', role: 'block', members: want }] }, have, inv, opts(adopt));
}

/** What the device holds after a plan is fully applied. */
function applied(have: ObservedDevice, p: DevicePlan): PrefixList {
  const c = p.groups[0]!;
  return exactUnion(exactDifference(have.groups[0]!.members, c.remove), c.add);
}

describe('inventoryAfterApply', () => {
  it('claims tscm adds, never the policy members an administrator had typed', () => {
    const have = device(P('198.51.100.7/32', '203.0.113.0/24'));
    const p = plan(P('198.51.100.7/32', '192.0.2.0/24'), have, { groups: [] });
    expect(p.groups[0]!.alreadyPresent).toBe(1);
    const inv = inventoryAfterApply(p, have, { groups: [] });
    expect(inv.groups).toHaveLength(1);
    expect(S(inv.groups[0]!.members)).toEqual(['192.0.2.0/24']);
    expect(inv.groups[0]!.created).toBe(false);
    // The next policy drops both: only tscm's own member goes.
    const now = device(applied(have, p));
    const next = plan(P('10.0.0.0/8'), now, inv);
    expect(S(next.groups[0]!.remove)).toEqual(['192.0.2.0/24']);
  });

  it('marks a group tscm creates as created, and --adopt takes over what was there', () => {
    const fresh = plan(P('192.0.2.0/24'), device(null), { groups: [] });
    expect(inventoryAfterApply(fresh, device(null), { groups: [] }).groups[0]).toMatchObject({ created: true });
    const have = device(P('198.51.100.7/32', '203.0.113.0/24'));
    const adopted = plan(P('198.51.100.7/32'), have, { groups: [] }, true);
    const inv = inventoryAfterApply(adopted, have, { groups: [] });
    expect(S(inv.groups[0]!.members)).toEqual(['198.51.100.7/32']);
    expect(S(adopted.groups[0]!.remove)).toEqual(['203.0.113.0/24']);
  });
});

describe('inventoryAfterPartialApply', () => {
  it('claims only sent adds the device has now, plus what tscm managed before', () => {
    const have = device(P('10.0.0.1/32', '10.0.0.2/32'));
    const before: Inventory = { groups: [{ name: 'BLOCK', role: 'block', created: true, members: P('10.0.0.1/32') }] };
    const p = plan(P('10.0.0.1/32', '10.0.0.2/32', '10.0.0.3/32', '10.0.0.4/32'), have, before);
    const sent: Inventory = {
      groups: [{ name: 'BLOCK', role: 'block', created: false, members: P('10.0.0.3/32', '10.0.0.4/32') }],
    };
    const now = device(P('10.0.0.1/32', '10.0.0.2/32', '10.0.0.3/32'));
    const inv = inventoryAfterPartialApply(p, have, before, sent, now);
    expect(S(inv.groups[0]!.members)).toEqual(['10.0.0.1/32', '10.0.0.3/32']);
    expect(inv.groups[0]!.created).toBe(true);
  });
});

const UNIVERSE = ['10.0.0.0/8', '10.1.0.0/16', '192.0.2.0/24', '192.0.2.1/32', '198.51.100.0/24', '2001:db8::/32'];
const subset = fc.subarray(UNIVERSE).map((s) => prefixesFromStrings(s));

describe('ownership property', () => {
  it('over a sequence of policies, a member that was on the device before tscm is never removed', () => {
    fc.assert(
      fc.property(subset, fc.array(subset, { minLength: 1, maxLength: 5 }), (admin, policies) => {
        let have = device(admin);
        let inv: Inventory = { groups: [] };
        for (const want of policies) {
          const p = plan(want, have, inv);
          inv = inventoryAfterApply(p, have, inv);
          have = device(applied(have, p));
          // The administrator's members are all still there, and none of them is claimed.
          expect(prefixCount(exactDifference(admin, have.groups[0]!.members))).toBe(0);
          const owned = inv.groups[0]?.members ?? EMPTY_PREFIXES;
          expect(prefixCount(exactIntersection(owned, admin))).toBe(0);
          // Everything desired is on the device.
          expect(prefixCount(exactDifference(want, have.groups[0]!.members))).toBe(0);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('mergeInventories', () => {
  it('unions members and created flags across parts and within one part, sorted by name', () => {
    const g = (name: string, created: boolean, ...m: string[]) => ({
      name,
      role: 'block' as const,
      created,
      members: P(...m),
    });
    const merged = mergeInventories(
      { groups: [g('B', false, '10.0.0.1/32'), g('B', true, '10.0.0.2/32')] },
      { groups: [g('A', false, '192.0.2.0/24'), g('B', false, '10.0.0.1/32', '10.0.0.3/32')] },
    );
    expect(merged.groups.map((x) => [x.name, x.created, S(x.members)])).toEqual([
      ['A', false, ['192.0.2.0/24']],
      ['B', true, ['10.0.0.1/32', '10.0.0.2/32', '10.0.0.3/32']],
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { prefixesFromStrings } from '../cidr/index.js';
import type { PrefixList } from '../cidr/types.js';
import { capacityRefusal, withCapacity } from './capacity.js';
import { computePlan, type ComputePlanOptions } from './compute-plan.js';
import { parsePlan, serializePlan } from './plan-file.js';
import type { DeviceCapacity, DevicePlan, ObservedDevice, ObservedGroup } from './model.js';

const OPTS: ComputePlanOptions = {
  device: 'fw-1',
  platform: 'pix',
  maxRemoveShare: 1,
  inputs: { zones: [], observedFingerprint: 'f'.repeat(64), state: null, adopt: false },
};
const DEFAULT = { limit: 10, detail: 'documented default for the test' };

/** n host addresses from 10.0.0.first on. */
function hosts(first: number, n: number): PrefixList {
  return prefixesFromStrings(Array.from({ length: n }, (_, i) => `10.0.${(first + i) >> 8}.${(first + i) & 255}/32`));
}

function observed(members: PrefixList, usedBy: string[], capacity?: DeviceCapacity): ObservedDevice {
  const g: ObservedGroup = { name: 'BLOCK', role: 'block', exists: true, members, foreign: [], usedBy };
  return { groups: [g], fingerprint: 'f'.repeat(64), ...(capacity === undefined ? {} : { capacity }) };
}

function plan(want: PrefixList, seen: ObservedDevice): DevicePlan {
  const desired = { groups: [{ name: 'BLOCK', role: 'block' as const, members: want }] };
  const inventory = {
    groups: [{ name: 'BLOCK', role: 'block' as const, created: true, members: seen.groups[0]!.members }],
  };
  return withCapacity(computePlan(desired, seen, inventory, OPTS), seen, DEFAULT);
}

describe('capacity of a plan', () => {
  it('without a limit from the device: the members after the plan against the documented default', () => {
    const seen = observed(hosts(0, 4), ['outside_in']);
    const p = plan(hosts(0, 10), seen);
    expect(p.capacity).toEqual({ limit: 10, used: 10, source: 'default', detail: DEFAULT.detail });
    expect(p.refusals).toEqual([]);
    const over = plan(hosts(0, 11), seen);
    expect(over.capacity?.used).toBe(11);
    expect(over.refusals).toHaveLength(1);
    expect(over.refusals[0]).toMatch(
      /^capacity: fw-1 would hold 11 entries after this plan, over the pix limit of 10 \(documented default: documented default for the test\) by 1; .*--force does not lift this/,
    );
  });

  it("with the device's count: what it holds now plus each member change once per access list using the group", () => {
    const read = { limit: 100, inUse: 40, detail: 'show np 3 acl count: CLS ACL Rule MAX 100, 40 in use' };
    // 4 -> 10 members of a group two access lists use: 6 x 2 more ACEs.
    const p = plan(hosts(0, 10), observed(hosts(0, 4), ['a', 'b'], read));
    expect(p.capacity).toEqual({ limit: 100, used: 52, source: 'device', detail: read.detail });
    // A group no access list uses yet counts once per member: wiring it in later must fit too.
    expect(plan(hosts(0, 10), observed(hosts(0, 4), [], read)).capacity?.used).toBe(46);
    const over = plan(hosts(0, 35), observed(hosts(0, 4), ['a', 'b'], read));
    expect(over.capacity?.used).toBe(102);
    expect(capacityRefusal(over)).toMatch(/over the pix limit of 100 \(read from the device: show np 3 acl count/);
  });

  it('never refuses a plan that only removes, even on a device already over its limit', () => {
    const read = { limit: 10, inUse: 50, detail: 'stated' };
    const shrink = plan(hosts(0, 20), observed(hosts(0, 30), ['a'], read));
    expect(shrink.capacity?.used).toBe(40);
    expect(shrink.summary.add).toBe(0);
    expect(shrink.refusals).toEqual([]);
    // The same device, one member swapped: adds, so refused.
    expect(plan(hosts(1, 30), observed(hosts(0, 30), ['a'], read)).refusals[0]).toMatch(/^capacity: /);
  });

  it('is kept by the plan file', () => {
    const p = plan(hosts(0, 11), observed(hosts(0, 4), ['x']));
    const file = { formatVersion: 1 as const, createdAt: '2026-01-01T00:00:00.000Z', gitRevision: null, devices: [p] };
    expect(parsePlan(serializePlan(file)).devices[0]?.capacity).toEqual(p.capacity);
  });
});

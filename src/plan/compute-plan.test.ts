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
import { InternalError } from '../errors.js';
import { computePlan, type ComputePlanOptions } from './compute-plan.js';
import type { DesiredState, GroupRole, Inventory, ObservedDevice, ObservedGroup } from './model.js';
import { serializePlan } from './plan-file.js';

const P = (...s: string[]) => prefixesFromStrings(s);
const S = (l: PrefixList) => prefixesToStrings(l);

const OPTS: ComputePlanOptions = {
  device: 'edge-1',
  platform: 'ios',
  maxRemoveShare: 0.5,
  inputs: { zones: [], observedFingerprint: 'f'.repeat(64), state: { lineage: 'l', serial: 1 }, adopt: false },
};

function desired(block: PrefixList, allow?: PrefixList): DesiredState {
  const groups = [{ name: 'BLOCK', role: 'block' as GroupRole, members: block }];
  if (allow) groups.push({ name: 'ALLOW', role: 'allow', members: allow });
  return { groups };
}

function group(name: string, role: GroupRole, members: PrefixList, extra: Partial<ObservedGroup> = {}): ObservedGroup {
  return { name, role, exists: true, members, foreign: [], usedBy: [], ...extra };
}

function observed(...groups: ObservedGroup[]): ObservedDevice {
  return { groups, fingerprint: 'f'.repeat(64) };
}

/** Groups tscm created, holding the given members. */
function inventory(...groups: [string, GroupRole, PrefixList][]): Inventory {
  return { groups: groups.map(([name, role, members]) => ({ name, role, created: true, members })) };
}

describe('computePlan', () => {
  it('adds what is missing and removes only managed members no longer desired', () => {
    const plan = computePlan(
      desired(P('10.0.0.0/24', '192.0.2.0/24')),
      observed(group('BLOCK', 'block', P('10.0.0.0/24', '198.51.100.0/24', '203.0.113.7/32'))),
      inventory(['BLOCK', 'block', P('10.0.0.0/24', '198.51.100.0/24')]),
      OPTS,
    );
    const [g] = plan.groups;
    expect(g!.action).toBe('update');
    expect(S(g!.add)).toEqual(['192.0.2.0/24']);
    expect(S(g!.remove)).toEqual(['198.51.100.0/24']);
    expect(g!.unmanaged).toBe(1);
    expect([g!.before, g!.after]).toEqual([3, 3]);
    expect(plan.summary).toEqual({ add: 1, remove: 1, create: 0, delete: 0 });
    expect(plan.warnings).toEqual([expect.stringMatching(/BLOCK: 1 other member\(s\) not managed by tscm/)]);
    expect(plan.refusals).toEqual([]);
  });

  it("carries the driver's notes on how the device was read into the warnings, before the policy's", () => {
    const via = { ...observed(group('BLOCK', 'block', P('10.0.0.0/24'))), notes: ['reconciled over SSH'] };
    const plan = computePlan(
      { ...desired(P('10.0.0.0/24')), notes: ['IPv6 left out'] },
      via,
      inventory(['BLOCK', 'block', P('10.0.0.0/24')]),
      OPTS,
    );
    expect(plan.warnings).toEqual(['reconciled over SSH', 'IPv6 left out']);
  });

  it('compares exact prefixes: an overlapping managed member is removed, not treated as covered', () => {
    const plan = computePlan(
      desired(P('10.0.0.0/8')),
      observed(group('BLOCK', 'block', P('10.0.0.0/8', '10.1.0.0/16'))),
      inventory(['BLOCK', 'block', P('10.0.0.0/8', '10.1.0.0/16')]),
      OPTS,
    );
    expect(S(plan.groups[0]!.remove)).toEqual(['10.1.0.0/16']);
    expect(prefixCount(plan.groups[0]!.add)).toBe(0);
  });

  it('reports no changes when the device matches', () => {
    const m = P('10.0.0.0/24');
    const plan = computePlan(desired(m), observed(group('BLOCK', 'block', m)), inventory(['BLOCK', 'block', m]), OPTS);
    expect(plan.groups[0]!.action).toBe('none');
    expect(plan.summary).toEqual({ add: 0, remove: 0, create: 0, delete: 0 });
    expect(plan.warnings).toEqual([]);
  });

  it('creates a group missing on the device', () => {
    const plan = computePlan(
      desired(P('10.0.0.0/24'), P('192.0.2.1/32')),
      observed(group('BLOCK', 'block', P('10.0.0.0/24')), group('ALLOW', 'allow', EMPTY_PREFIXES, { exists: false })),
      inventory(['BLOCK', 'block', P('10.0.0.0/24')]),
      OPTS,
    );
    const allow = plan.groups.find((g) => g.name === 'ALLOW')!;
    expect(allow.action).toBe('create');
    expect(S(allow.add)).toEqual(['192.0.2.1/32']);
    expect([allow.before, allow.after]).toEqual([0, 1]);
    expect(plan.summary).toEqual({ add: 1, remove: 0, create: 1, delete: 0 });
    expect(plan.groups.map((g) => g.name)).toEqual(['BLOCK', 'ALLOW']);
  });

  it('deletes an inventory group that is no longer desired when tscm owns all of it', () => {
    const owned = P('192.0.2.1/32', '192.0.2.2/32');
    const plan = computePlan(
      desired(P('10.0.0.0/24')),
      observed(group('BLOCK', 'block', P('10.0.0.0/24')), group('ALLOW', 'allow', owned)),
      inventory(['BLOCK', 'block', P('10.0.0.0/24')], ['ALLOW', 'allow', owned]),
      OPTS,
    );
    const allow = plan.groups.find((g) => g.name === 'ALLOW')!;
    expect(allow.action).toBe('delete');
    expect(S(allow.remove)).toEqual(['192.0.2.1/32', '192.0.2.2/32']);
    expect(plan.summary).toEqual({ add: 0, remove: 2, create: 0, delete: 1 });
    expect(plan.refusals).toEqual([]);
  });

  it('keeps a dropped group holding unmanaged members: removes only its own and warns', () => {
    const plan = computePlan(
      desired(P('10.0.0.0/24')),
      observed(group('BLOCK', 'block', P('10.0.0.0/24')), group('ALLOW', 'allow', P('192.0.2.1/32', '192.0.2.9/32'))),
      inventory(['BLOCK', 'block', P('10.0.0.0/24')], ['ALLOW', 'allow', P('192.0.2.1/32')]),
      { ...OPTS, maxRemoveShare: 1 },
    );
    const allow = plan.groups.find((g) => g.name === 'ALLOW')!;
    expect(allow.action).toBe('update');
    expect(S(allow.remove)).toEqual(['192.0.2.1/32']);
    expect(allow.unmanaged).toBe(1);
    expect(plan.warnings.join('\n')).toMatch(
      /ALLOW: no longer desired, but it holds 1 member\(s\) tscm does not manage/,
    );
  });

  it('refuses to delete a group still referenced on the device', () => {
    const owned = P('192.0.2.1/32');
    const plan = computePlan(
      desired(P('10.0.0.0/24')),
      observed(
        group('BLOCK', 'block', P('10.0.0.0/24')),
        group('ALLOW', 'allow', owned, { usedBy: ['acl OUTSIDE-IN'] }),
      ),
      inventory(['BLOCK', 'block', P('10.0.0.0/24')], ['ALLOW', 'allow', owned]),
      OPTS,
    );
    expect(plan.refusals).toEqual([
      expect.stringMatching(/ALLOW: would be deleted but is still referenced by acl OUTSIDE-IN/),
    ]);
  });

  it('adopts the observed members of desired groups on a first run', () => {
    const plan = computePlan(
      desired(P('10.0.0.0/24')),
      observed(group('BLOCK', 'block', P('10.0.0.0/24', '198.51.100.0/24'))),
      { groups: [] },
      { ...OPTS, inputs: { ...OPTS.inputs, state: null, adopt: true } },
    );
    const [g] = plan.groups;
    expect(S(g!.remove)).toEqual(['198.51.100.0/24']);
    expect(g!.unmanaged).toBe(0);
    expect(plan.warnings.join('\n')).toMatch(/adopting its 2 existing member\(s\)/);
  });

  it('without adopt and without inventory, removes nothing', () => {
    const plan = computePlan(
      desired(P('10.0.0.0/24')),
      observed(group('BLOCK', 'block', P('10.0.0.0/24', '198.51.100.0/24'))),
      { groups: [] },
      OPTS,
    );
    expect(prefixCount(plan.groups[0]!.remove)).toBe(0);
    expect(plan.groups[0]!.unmanaged).toBe(2);
    expect(plan.groups[0]!.alreadyPresent).toBe(1);
    expect(plan.warnings).toEqual([
      'group BLOCK: 1 already on the device, not managed: left in place; 1 other member(s) not managed by tscm: left in place',
    ]);
  });

  it('names the users and existing members of a group an ACL already uses, and claims none of them', () => {
    const existing = P('10.0.0.0/24', '198.51.100.7/32', '198.51.100.8/32', '198.51.100.9/32');
    const plan = computePlan(
      desired(P('10.0.0.0/24', '192.0.2.0/24')),
      observed(group('BLOCK', 'block', existing, { usedBy: ['ip access-list extended INBOUND'] })),
      { groups: [] },
      OPTS,
    );
    const [g] = plan.groups;
    expect(S(g!.add)).toEqual(['192.0.2.0/24']);
    expect(prefixCount(g!.remove)).toBe(0);
    expect(g!.alreadyPresent).toBe(1);
    expect(plan.warnings).toContainEqual(
      "group BLOCK already exists, used by ip access-list extended INBOUND; its 4 existing member(s) are not tscm's and are never removed by it (10.0.0.0/24, 198.51.100.7/32, 198.51.100.8/32 and 1 more)",
    );
  });

  it('deletes a dropped group only when tscm created it; otherwise only takes its own members out', () => {
    const have = observed(group('ALLOW', 'allow', P('192.0.2.1/32')));
    const owned = (created: boolean): Inventory => ({
      groups: [{ name: 'ALLOW', role: 'allow', created, members: P('192.0.2.1/32') }],
    });
    const made = computePlan(desired(P('10.0.0.0/24')), have, owned(true), OPTS).groups.find((g) => g.name === 'ALLOW');
    expect(made!.action).toBe('delete');
    const found = computePlan(desired(P('10.0.0.0/24')), have, owned(false), OPTS);
    const g = found.groups.find((x) => x.name === 'ALLOW')!;
    expect(g.action).toBe('update');
    expect(S(g.remove)).toEqual(['192.0.2.1/32']);
    expect(found.warnings.join('\n')).toMatch(/ALLOW: no longer desired, but tscm did not create it/);
    // Emptying a dropped group is the operator's intent: no refusal unless an ACL still uses it.
    expect(found.refusals).toEqual([]);
    const used = computePlan(
      desired(P('10.0.0.0/24')),
      observed(group('ALLOW', 'allow', P('192.0.2.1/32'), { usedBy: ['access-list 101'] })),
      owned(false),
      OPTS,
    );
    expect(used.refusals).toEqual([
      expect.stringMatching(/ALLOW: would be left empty but is still referenced by access-list 101/),
    ]);
  });

  it('refuses a removal above maxRemoveShare and a group left empty', () => {
    const before = P('10.0.0.0/24', '10.0.1.0/24', '10.0.2.0/24', '10.0.3.0/24');
    const big = computePlan(
      desired(P('10.0.0.0/24', '192.0.2.0/24')),
      observed(group('BLOCK', 'block', before)),
      inventory(['BLOCK', 'block', before]),
      OPTS,
    );
    expect(big.refusals).toEqual([
      expect.stringMatching(
        /BLOCK: would remove 3 of its 4 members \(75\.0%\), more than safety\.maxRemoveShare \(50\.0%\)/,
      ),
    ]);
    const atLimit = computePlan(
      desired(P('10.0.0.0/24', '10.0.1.0/24')),
      observed(group('BLOCK', 'block', before)),
      inventory(['BLOCK', 'block', before]),
      OPTS,
    );
    expect(atLimit.refusals).toEqual([]);
    const emptied = computePlan(
      desired(P('10.0.0.0/24'), EMPTY_PREFIXES),
      observed(group('BLOCK', 'block', P('10.0.0.0/24')), group('ALLOW', 'allow', P('192.0.2.1/32'))),
      inventory(['BLOCK', 'block', P('10.0.0.0/24')], ['ALLOW', 'allow', P('192.0.2.1/32')]),
      { ...OPTS, maxRemoveShare: 1 },
    );
    expect(emptied.refusals).toEqual(['group ALLOW: would be left empty']);
    const createdEmpty = computePlan(
      desired(P('10.0.0.0/24'), EMPTY_PREFIXES),
      observed(group('BLOCK', 'block', P('10.0.0.0/24'))),
      inventory(['BLOCK', 'block', P('10.0.0.0/24')]),
      OPTS,
    );
    expect(createdEmpty.refusals).toEqual(['group ALLOW: would be left empty']);
  });

  it('warns about foreign member lines, and records the truncation once (not as a warning too)', () => {
    const plan = computePlan(
      { ...desired(P('10.0.0.0/24')), truncation: { dropped: 7, sample: ['10.9.0.0/16'], limit: 1 } },
      observed(
        group('BLOCK', 'block', P('10.0.0.0/24'), {
          foreign: ['range 10.1.1.1 10.1.1.9', 'group-object X', 'fqdn a.example', 'any'],
        }),
      ),
      inventory(['BLOCK', 'block', P('10.0.0.0/24')]),
      OPTS,
    );
    expect(plan.warnings).toEqual([
      "group BLOCK: 4 member line(s) tscm does not model are left untouched: 'range 10.1.1.1 10.1.1.9', 'group-object X', 'fqdn a.example' and 1 more",
    ]);
    expect(plan.truncation).toEqual({ dropped: 7, sample: ['10.9.0.0/16'], limit: 1 });
  });

  it('is deterministic whatever the order of its inputs', () => {
    const d = desired(P('10.0.0.0/24'), P('192.0.2.1/32'));
    const obsGroups = [
      group('BLOCK', 'block', P('10.0.1.0/24'), { foreign: ['any'] }),
      group('ALLOW', 'allow', P('192.0.2.2/32'), { foreign: ['fqdn x'] }),
      group('OLD', 'block', P('203.0.113.0/24')),
    ];
    const inv: [string, GroupRole, PrefixList][] = [
      ['BLOCK', 'block', P('10.0.1.0/24')],
      ['ALLOW', 'allow', P('192.0.2.2/32')],
      ['OLD', 'block', P('203.0.113.0/24')],
    ];
    const a = computePlan(d, observed(...obsGroups), inventory(...inv), OPTS);
    const b = computePlan(
      { groups: [...d.groups].reverse() },
      observed(...[...obsGroups].reverse()),
      inventory(...[...inv].reverse()),
      OPTS,
    );
    const wrap = (p: typeof a) => serializePlan({ formatVersion: 1, createdAt: 'x', gitRevision: null, devices: [p] });
    expect(wrap(b)).toBe(wrap(a));
    expect(a.groups.map((g) => g.name)).toEqual(['BLOCK', 'OLD', 'ALLOW']);
  });

  it('rejects duplicate group names as a bug', () => {
    const m = P('10.0.0.0/24');
    expect(() =>
      computePlan(desired(m), observed(group('BLOCK', 'block', m), group('BLOCK', 'block', m)), { groups: [] }, OPTS),
    ).toThrow(InternalError);
  });
});

// A small universe of prefixes (some overlapping) so random sets collide often.
const UNIVERSE = [
  '10.0.0.0/8',
  '10.0.0.0/16',
  '10.1.0.0/16',
  '10.1.2.0/24',
  '192.0.2.0/24',
  '192.0.2.1/32',
  '192.0.2.2/32',
  '198.51.100.0/24',
  '203.0.113.0/25',
  '2001:db8::/32',
  '2001:db8:1::/48',
  '2001:db8::1/128',
];
const subset = fc.subarray(UNIVERSE).map((s) => prefixesFromStrings(s));

describe('computePlan property', () => {
  it('applying the plan to the device yields the desired set on managed members and keeps unmanaged ones', () => {
    fc.assert(
      fc.property(subset, subset, subset, fc.boolean(), (want, have, owned, exists) => {
        const obs = group('BLOCK', 'block', exists ? have : EMPTY_PREFIXES, { exists });
        const plan = computePlan(desired(want), observed(obs), inventory(['BLOCK', 'block', owned]), {
          ...OPTS,
          maxRemoveShare: 1,
        });
        const [change] = plan.groups;
        const result = exactUnion(exactDifference(obs.members, change!.remove), change!.add);
        // Every desired member is there.
        expect(prefixCount(exactDifference(want, result))).toBe(0);
        // No managed member outside the desired set is left.
        expect(prefixCount(exactDifference(exactIntersection(result, owned), want))).toBe(0);
        // Members tscm does not own are untouched.
        expect(prefixCount(exactDifference(exactDifference(obs.members, owned), result))).toBe(0);
        // Nothing is added twice or removed that is not there.
        expect(prefixCount(exactIntersection(change!.add, obs.members))).toBe(0);
        expect(prefixCount(exactDifference(change!.remove, obs.members))).toBe(0);
        expect(change!.after).toBe(prefixCount(result));
      }),
      { numRuns: 300 },
    );
  });
});

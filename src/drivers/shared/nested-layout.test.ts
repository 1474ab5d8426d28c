// Properties of the nested layout, checked by replaying its operations on a small model of the ASA's rules
// (a member added twice or removed when absent is refused, a group in use may not become empty, a nested child
// cannot be deleted): every child ends within nestedSize and non-empty, the union is the desired set, no member
// moves, the predicted layout is what the replay produced.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prefixesFromStrings, prefixesToStrings } from '../../cidr/index.js';
import { ConfigError } from '../../errors.js';
import { childName, planNestedLayout, slicePrefixes, type LayoutOp, type NestedLayout } from './nested-layout.js';

const MASTER = 'ThreatSTOP-Block';
const SHIM = '10.255.255.254/32';

/** Member i of a small universe mixing families and lengths. */
function member(i: number): string {
  if (i % 5 === 4) return `2001:db8:${i}::/48`;
  if (i % 7 === 3) return `198.51.${i}.0/24`;
  return `192.0.2.${i}/32`;
}

const canon = (xs: readonly string[]): string[] => prefixesToStrings(prefixesFromStrings(xs));

interface Device {
  groups: Map<string, Set<string>>;
  nested: Map<string, string[]>;
}

function replay(layout: NestedLayout, ops: readonly LayoutOp[], inUse: boolean): Device {
  const groups = new Map<string, Set<string>>();
  const nested = new Map<string, string[]>();
  if (layout.masterExists) {
    groups.set(MASTER, new Set([...prefixesToStrings(layout.direct), ...(layout.shim ? [SHIM] : [])]));
    nested.set(
      MASTER,
      layout.children.map((c) => c.name),
    );
  }
  for (const c of layout.children) groups.set(c.name, new Set(prefixesToStrings(c.members)));
  for (const t of layout.taken) groups.set(t, new Set(['203.0.113.1/32']));
  const size = (g: string): number => (groups.get(g)?.size ?? 0) + (nested.get(g)?.length ?? 0);
  const usedNow = (g: string): boolean => (g === MASTER ? inUse : (nested.get(MASTER) ?? []).includes(g) && inUse);
  const must = (ok: boolean, what: string): void => {
    if (!ok) throw new Error(`device would refuse: ${what}`);
  };
  for (const op of ops) {
    const set = groups.get(op.group);
    switch (op.op) {
      case 'create-master':
      case 'create-child':
        must(set === undefined, `${op.group} already exists`);
        groups.set(op.group, new Set());
        break;
      case 'add':
      case 'add-shim':
        must(set !== undefined, `${op.group} missing`);
        for (const m of prefixesToStrings(op.members)) {
          must(!set!.has(m), `${m} already in ${op.group}`);
          set!.add(m);
        }
        break;
      case 'remove':
      case 'remove-shim':
        for (const m of prefixesToStrings(op.members)) {
          must(set?.has(m) === true, `${m} not in ${op.group}`);
          set!.delete(m);
          must(!(usedNow(op.group) && size(op.group) === 0), `${op.group} in use would be empty`);
        }
        break;
      case 'attach':
        must(groups.has(op.child) && !(nested.get(MASTER) ?? []).includes(op.child), `attach ${op.child}`);
        nested.set(MASTER, [...(nested.get(MASTER) ?? []), op.child]);
        break;
      case 'detach':
        must((nested.get(MASTER) ?? []).includes(op.child), `detach ${op.child}`);
        nested.set(
          MASTER,
          (nested.get(MASTER) ?? []).filter((c) => c !== op.child),
        );
        must(!(inUse && size(MASTER) === 0), `${MASTER} in use would be empty`);
        break;
      case 'delete-child':
        must(!(nested.get(MASTER) ?? []).includes(op.group), `${op.group} is nested`);
        groups.delete(op.group);
        break;
      case 'delete-master':
        must(!inUse, `${MASTER} is in use`);
        groups.delete(MASTER);
        nested.delete(MASTER);
        break;
    }
  }
  return { groups, nested };
}

const scenario = fc
  .record({
    nestedSize: fc.integer({ min: 1, max: 5 }),
    current: fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { maxLength: 24 }),
    cuts: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 24, maxLength: 24 }),
    desired: fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { maxLength: 24 }),
    direct: fc.uniqueArray(fc.integer({ min: 41, max: 44 }), { maxLength: 2 }),
    shim: fc.boolean(),
    inUse: fc.boolean(),
    taken: fc.uniqueArray(fc.integer({ min: 1, max: 6 }), { maxLength: 2 }),
    noise: fc.boolean(),
  })
  .map((s) => {
    // The current members cut into children of 1..nestedSize, numbered around the taken names.
    const children: { name: string; members: string[] }[] = [];
    let at = 0;
    let n = 1;
    for (const cut of s.cuts) {
      if (at >= s.current.length) break;
      while (s.taken.includes(n)) n++;
      const take = Math.min(cut, s.nestedSize);
      children.push({ name: childName(MASTER, n++), members: s.current.slice(at, at + take).map(member) });
      at += take;
    }
    return { ...s, children };
  });

describe('planNestedLayout properties', () => {
  it('replays on the device model to exactly the desired set, children within size, nothing moved', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const layout: NestedLayout = {
          master: MASTER,
          masterExists: true,
          children: s.children.map((c) => ({ name: c.name, members: prefixesFromStrings(c.members) })),
          direct: prefixesFromStrings(s.direct.map(member)),
          shim: s.shim,
          taken: s.taken.map((n) => childName(MASTER, n)),
        };
        const before = new Set([...s.current.map(member), ...s.direct.map(member)]);
        const desired = new Set([...s.desired.map(member), ...s.direct.filter((_, i) => i === 0).map(member)]);
        // The planner's change, plus (noise) an add already present and a removal of an absent member.
        const add = [...desired].filter((m) => !before.has(m));
        const remove = [...before].filter((m) => !desired.has(m));
        if (s.noise && before.size > 0 && desired.has([...before][0]!)) add.push([...before][0]!);
        if (s.noise) remove.push('100.64.0.1/32');
        const change = {
          action: 'update' as const,
          add: prefixesFromStrings(add),
          remove: prefixesFromStrings(remove),
        };
        const shim = prefixesFromStrings([SHIM]);
        const r = planNestedLayout(layout, change, { nestedSize: s.nestedSize, shim, inUse: s.inUse });
        const device = replay(layout, r.ops, s.inUse);

        const attached = device.nested.get(MASTER) ?? [];
        const union = new Set<string>([...(device.groups.get(MASTER) ?? [])].filter((m) => m !== SHIM));
        for (const c of attached) {
          const members = device.groups.get(c) ?? new Set();
          expect(members.size).toBeGreaterThan(0);
          expect(members.size).toBeLessThanOrEqual(s.nestedSize);
          for (const m of members) union.add(m);
          // Not moved: a member that was in a child before is in that same child now.
          for (const old of s.children) {
            for (const m of old.members)
              if (members.has(m)) expect(old.name === c || !old.members.includes(m)).toBe(true);
          }
        }
        expect(canon([...union])).toEqual(canon([...desired]));
        expect(device.groups.get(MASTER)?.has(SHIM) === true).toBe(s.inUse && desired.size === 0);
        // The predicted layout is the replayed one.
        expect(r.after.children.map((c) => c.name)).toEqual(attached);
        for (const c of r.after.children)
          expect(prefixesToStrings(c.members)).toEqual(canon([...device.groups.get(c.name)!]));
        expect(r.after.shim).toBe(device.groups.get(MASTER)?.has(SHIM) === true);
        expect(r.absent).toBe(s.noise ? 1 : 0);
      }),
      { numRuns: 400 },
    );
  });

  it('a second plan against the predicted layout has nothing to do', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const layout: NestedLayout = {
          master: MASTER,
          masterExists: false,
          children: [],
          direct: prefixesFromStrings([]),
          shim: false,
          taken: [],
        };
        const shim = prefixesFromStrings([SHIM]);
        const p = { nestedSize: s.nestedSize, shim, inUse: s.inUse };
        const add = prefixesFromStrings(s.desired.map(member));
        const first = planNestedLayout(layout, { action: 'create', add, remove: prefixesFromStrings([]) }, p);
        const none = { action: 'none' as const, add: prefixesFromStrings([]), remove: prefixesFromStrings([]) };
        expect(planNestedLayout(first.after, none, p).ops).toEqual([]);
        // Children are filled in order: all but the last hold exactly nestedSize.
        const sizes = first.after.children.map((c) => c.members.v4.len.length + c.members.v6.len.length);
        expect(sizes.slice(0, -1).every((n) => n === s.nestedSize)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('planNestedLayout', () => {
  const shim = prefixesFromStrings([SHIM]);
  const one: NestedLayout = {
    master: MASTER,
    masterExists: true,
    children: [{ name: `${MASTER}-1`, members: prefixesFromStrings(['192.0.2.1/32']) }],
    direct: prefixesFromStrings([]),
    shim: false,
    taken: [],
  };
  const del = {
    action: 'delete' as const,
    add: prefixesFromStrings([]),
    remove: prefixesFromStrings(['192.0.2.1/32']),
  };

  it('refuses to delete a group in use, naming it', () => {
    expect(() => planNestedLayout(one, del, { nestedSize: 10, shim, inUse: true })).toThrow(ConfigError);
    expect(() => planNestedLayout(one, del, { nestedSize: 10, shim, inUse: true })).toThrow(
      /ThreatSTOP-Block is in use/,
    );
  });

  it('attaches an orphan holding only wanted adds (its members added by the attach) and leaves others', () => {
    const orphan = { name: `${MASTER}-2`, members: prefixesFromStrings(['192.0.2.2/32', '192.0.2.3/32']) };
    const stray = { name: `${MASTER}-3`, members: prefixesFromStrings(['198.51.100.9/32']) };
    const layout: NestedLayout = { ...one, taken: [orphan.name, stray.name], orphans: [orphan, stray] };
    const add = prefixesFromStrings(['192.0.2.2/32', '192.0.2.3/32', '192.0.2.4/32', '192.0.2.5/32']);
    const change = { action: 'update' as const, add, remove: prefixesFromStrings([]) };
    const r = planNestedLayout(layout, change, { nestedSize: 3, shim, inUse: true });
    const text = r.ops.map((o) =>
      'members' in o ? `${o.op} ${o.group} ${prefixesToStrings(o.members).join(',')}` : JSON.stringify(o),
    );
    expect(text).toEqual([
      'add ThreatSTOP-Block-1 192.0.2.4/32,192.0.2.5/32',
      JSON.stringify({ op: 'attach', group: MASTER, child: orphan.name, weight: 2 }),
    ]);
    expect(r.after.children.map((c) => [c.name, prefixesToStrings(c.members)])).toEqual([
      [`${MASTER}-1`, ['192.0.2.1/32', '192.0.2.4/32', '192.0.2.5/32']],
      [`${MASTER}-2`, ['192.0.2.2/32', '192.0.2.3/32']],
    ]);
    // The stray holds an address nobody asked for: never attached, its name still taken.
    expect(r.after.taken).toEqual([stray.name]);
    expect(r.after.orphans).toEqual([stray]);
    expect(r.alreadyPresent).toBe(0);
  });

  it('rejects a nestedSize that is not a positive integer', () => {
    expect(() => planNestedLayout(one, del, { nestedSize: 0, shim, inUse: false })).toThrow(/nestedSize/);
  });

  it('fills 25,000 adds into three children of 10,000 without rendering anything', () => {
    const b: string[] = [];
    for (let i = 0; i < 25_000; i++) b.push(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32`);
    const empty = { ...one, masterExists: false, children: [] };
    const r = planNestedLayout(
      empty,
      { action: 'create', add: prefixesFromStrings(b), remove: prefixesFromStrings([]) },
      { nestedSize: 10_000, shim, inUse: false },
    );
    expect(r.after.children.map((c) => [c.name, c.members.v4.len.length])).toEqual([
      [`${MASTER}-1`, 10_000],
      [`${MASTER}-2`, 10_000],
      [`${MASTER}-3`, 5_000],
    ]);
  });

  it('slices IPv4 entries first, then IPv6', () => {
    const l = prefixesFromStrings(['192.0.2.1/32', '192.0.2.2/32', '2001:db8::/32', '2001:db8:1::/48']);
    expect(prefixesToStrings(slicePrefixes(l, 1, 2))).toEqual(['192.0.2.2/32', '2001:db8::/32']);
    expect(prefixesToStrings(slicePrefixes(l, 3, 5))).toEqual(['2001:db8:1::/48']);
  });
});

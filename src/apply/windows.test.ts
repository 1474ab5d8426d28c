// Windows cut a plan into journaled pieces without changing what is sent: concatenated, the windows are the plan,
// in order, adds of a group before its removes, none larger than the limit.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prefixCount, prefixesFromStrings, prefixesToStrings, PrefixListBuilder } from '../cidr/index.js';
import type { GroupChange } from '../plan/model.js';
import { splitIntoWindows } from './windows.js';

function change(name: string, action: GroupChange['action'], add: number, remove: number): GroupChange {
  const a = new PrefixListBuilder();
  for (let i = 0; i < add; i++) a.addV4((0x0a000000 + i) >>> 0, 32);
  for (let i = 0; i < Math.min(add, 3); i++) a.addV6(0x20010db8, i, 0, 0, 64);
  const r = new PrefixListBuilder();
  for (let i = 0; i < remove; i++) r.addV4((0x0b000000 + i) >>> 0, 32);
  const base = { unmanaged: 0, alreadyPresent: 0, before: 0, after: 0 };
  return { name, role: 'block', action, add: a.build(), remove: r.build(), ...base };
}

const count = (w: readonly GroupChange[]) => w.reduce((n, c) => n + prefixCount(c.add) + prefixCount(c.remove), 0);

describe('splitIntoWindows', () => {
  it('keeps the order and the members, and the create with the first window of its group', () => {
    // A: 7 IPv4 and 3 IPv6 adds; B: 2 IPv4 and 2 IPv6 adds, 5 removes; C: a delete of 4 members.
    const plan = [change('A', 'create', 7, 0), change('B', 'update', 2, 5), change('C', 'delete', 0, 4)];
    const windows = splitIntoWindows(plan, 4);
    expect(
      windows.map((w) => w.map((c) => `${c.name}:${c.action}:${prefixCount(c.add)}+${prefixCount(c.remove)}`)),
    ).toEqual([
      ['A:create:4+0'],
      ['A:update:4+0'],
      ['A:update:2+0', 'B:update:2+0'],
      ['B:update:2+0', 'B:update:0+2'],
      ['B:update:0+3'],
      ['C:delete:0+4'],
    ]);
    const adds = windows
      .flat()
      .filter((c) => c.name === 'A')
      .flatMap((c) => prefixesToStrings(c.add));
    expect(adds).toEqual(prefixesToStrings(plan[0]!.add));
  });

  it('sends an empty create as one window and skips groups without changes', () => {
    const windows = splitIntoWindows([change('A', 'none', 0, 0), change('B', 'create', 0, 0)], 10);
    expect(windows).toHaveLength(1);
    expect(windows[0]![0]).toMatchObject({ name: 'B', action: 'create' });
    expect(prefixCount(windows[0]![0]!.add)).toBe(0);
    expect(splitIntoWindows([], 10)).toEqual([]);
    const single = splitIntoWindows(
      [{ ...change('A', 'update', 0, 0), add: prefixesFromStrings(['2001:db8::/32']) }],
      1,
    );
    expect(single).toHaveLength(1);
  });

  it('for any plan: windows within the limit whose concatenation is the plan', () => {
    const arb = fc.uniqueArray(
      fc.record({
        name: fc.constantFrom('A', 'B', 'C'),
        action: fc.constantFrom('create', 'update', 'none') as fc.Arbitrary<GroupChange['action']>,
        add: fc.nat({ max: 30 }),
        remove: fc.nat({ max: 30 }),
      }),
      { maxLength: 3, selector: (c) => c.name },
    );
    fc.assert(
      fc.property(arb, fc.integer({ min: 1, max: 12 }), (specs, size) => {
        const plan = specs.map((s) => change(s.name, s.action, s.add, s.remove));
        const windows = splitIntoWindows(plan, size);
        for (const w of windows) expect(count(w)).toBeLessThanOrEqual(size);
        const flat = windows.flat();
        expect(count(flat)).toBe(count(plan.filter((c) => c.action !== 'none')));
        for (const c of plan.filter((x) => x.action !== 'none')) {
          const parts = flat.filter((x) => x.name === c.name);
          // A group's adds all come before its removes.
          const firstRemove = parts.findIndex((x) => prefixCount(x.remove) > 0);
          const lastAdd = parts.map((x) => prefixCount(x.add) > 0).lastIndexOf(true);
          if (firstRemove >= 0 && lastAdd >= 0) expect(lastAdd).toBeLessThan(firstRemove);
        }
      }),
      { numRuns: 300 },
    );
  });
});

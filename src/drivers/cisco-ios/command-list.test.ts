// The lazily rendered command list (what apply sends) must equal its materialised form line by line, whatever
// order lines are read in, and weigh progress exactly.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PrefixListBuilder } from '../../cidr/index.js';
import type { PrefixList } from '../../cidr/types.js';
import type { GroupChange } from '../../plan/model.js';
import { listGroupCommands } from './render.js';

function randomList(v4: readonly number[], v6: readonly number[]): PrefixList {
  const b = new PrefixListBuilder();
  for (const a of v4) b.addV4(a, 32 - (a % 9));
  for (const a of v6) b.addV6(0x20010db8, a, 0, 0, 64);
  return b.build();
}

const arbList = fc
  .tuple(fc.array(fc.nat({ max: 0xffffffff }), { maxLength: 40 }), fc.array(fc.nat(), { maxLength: 10 }))
  .map(([a, b]) => randomList(a, b));

const arbChange = fc
  .record({
    name: fc.constantFrom('A', 'B', 'C'),
    action: fc.constantFrom('create', 'update', 'delete', 'none') as fc.Arbitrary<GroupChange['action']>,
    add: arbList,
    remove: arbList,
  })
  .map((c): GroupChange => ({ ...c, role: 'block', unmanaged: 0, alreadyPresent: 0, before: 0, after: 0 }));

describe('IosCommandList', () => {
  it('renders each line the same in any order and weighs the first n lines by their member changes', () => {
    fc.assert(
      fc.property(fc.array(arbChange, { maxLength: 5 }), fc.array(fc.nat()), (changes, probes) => {
        const list = listGroupCommands(changes, { v6TwinsPresent: new Set(['B']) });
        const { lines, weights } = list.materialise();
        expect(lines.length).toBe(list.length);
        for (const p of probes) {
          const i = lines.length === 0 ? 0 : p % lines.length;
          expect(list.at(i)).toBe(lines[i]);
        }
        expect(list.at(-1)).toBe(undefined);
        expect(list.at(list.length)).toBe(undefined);
        let sum = 0;
        for (let n = 0; n <= lines.length; n++) {
          expect(list.doneAfter(n)).toBe(sum);
          sum += weights[n] ?? 0;
        }
        const members = changes
          .filter((c) => c.action !== 'none')
          .reduce((s, c) => s + (c.action === 'delete' ? 0 : c.add.v4.len.length + c.add.v6.len.length), 0);
        const removed = changes
          .filter((c) => c.action !== 'none')
          .reduce((s, c) => s + c.remove.v4.len.length + c.remove.v6.len.length, 0);
        expect(list.total).toBe(members + removed);
      }),
    );
  });
});

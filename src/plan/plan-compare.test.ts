import { describe, expect, it } from 'vitest';
import { prefixesFromStrings } from '../cidr/index.js';
import type { DevicePlan, GroupChange } from './model.js';
import { comparePlans } from './plan-compare.js';

const P = (...s: string[]) => prefixesFromStrings(s);

function group(name: string, add: string[], remove: string[] = []): GroupChange {
  const base = { unmanaged: 0, alreadyPresent: 0, before: 0, after: add.length };
  return { name, role: 'block', action: 'update', add: P(...add), remove: P(...remove), ...base };
}

function plan(groups: GroupChange[]): DevicePlan {
  const add = groups.reduce((n, g) => n + g.add.v4.len.length + g.add.v6.len.length, 0);
  const remove = groups.reduce((n, g) => n + g.remove.v4.len.length + g.remove.v6.len.length, 0);
  return {
    device: 'edge-1',
    platform: 'ios',
    groups,
    summary: { add, remove, create: 0, delete: 0 },
    warnings: [],
    refusals: [],
    inputs: { zones: [], observedFingerprint: 'f', state: null, adopt: false },
  };
}

describe('comparePlans', () => {
  const fresh = plan([group('BLOCK', ['192.0.2.0/24', '198.51.100.1/32'], ['203.0.113.9/32'])]);

  it('finds nothing between a plan and itself; warnings and refusals are not compared', () => {
    expect(comparePlans(fresh, fresh)).toEqual([]);
    expect(comparePlans({ ...fresh, refusals: [], warnings: ['edited'] }, { ...fresh, refusals: ['x'] })).toEqual([]);
  });

  it('names an added member, a renamed group, a changed action and a forged summary', () => {
    const tampered = plan([group('BLOCK', ['0.0.0.0/0', '192.0.2.0/24', '198.51.100.1/32'], ['203.0.113.9/32'])]);
    expect(comparePlans(tampered, fresh)).toEqual([
      'group BLOCK: add list differs: 1 not in the recomputed plan (0.0.0.0/0)',
      'summary 3/1/0/0 (add/remove/create/delete), recomputed 2/1/0/0',
    ]);
    const renamed = plan([group('BLOCK\nhostname pwned', ['192.0.2.0/24'])]);
    expect(comparePlans(renamed, fresh).join('\n')).toMatch(/is not one of the device's groups \(BLOCK\)/);
    expect(comparePlans(renamed, fresh).join('\n')).toMatch(/group BLOCK \(update\) is missing from the plan file/);
    const emptied = plan([{ ...group('BLOCK', []), action: 'delete' }]);
    expect(comparePlans(emptied, fresh)).toContain('group BLOCK: action delete, recomputed update');
    const twice = plan([...fresh.groups, ...fresh.groups]);
    expect(comparePlans(twice, fresh)).toContain('group BLOCK appears twice');
  });
});

import { describe, expect, it } from 'vitest';
import { prefixCount, prefixesFromStrings, prefixesToStrings } from '../cidr/index.js';
import type { DeviceSpec } from '../config/types.js';
import { ConfigError } from '../errors.js';
import { computeDesired } from './desired.js';

const P = (...s: string[]) => prefixesFromStrings(s);

function spec(maxEntries = 1000): DeviceSpec {
  // Only the fields computeDesired reads; the rest of DeviceSpec is irrelevant here.
  return {
    name: 'edge-1',
    source: { file: 'devices/edge-1.yaml', line: 1 },
    objectGroups: { block: 'TSCM-BLOCK', allow: 'TSCM-ALLOW', maxEntries, nestedSize: 100 },
  } as unknown as DeviceSpec;
}

describe('computeDesired', () => {
  it('aggregates the block list and names the group from the spec', () => {
    const d = computeDesired(spec(), P('10.0.0.0/25', '10.0.0.128/25', '2001:db8::/48'), undefined);
    expect(d.groups).toHaveLength(1);
    expect(d.groups[0]!.name).toBe('TSCM-BLOCK');
    expect(d.groups[0]!.role).toBe('block');
    expect(prefixesToStrings(d.groups[0]!.members)).toEqual(['10.0.0.0/24', '2001:db8::/48']);
    expect(d.truncation).toBeUndefined();
  });

  it('lets the allow list win where it overlaps the block list', () => {
    const d = computeDesired(spec(), P('10.0.0.0/24'), P('10.0.0.0/26', '192.0.2.1/32'));
    const [block, allow] = d.groups;
    expect(prefixesToStrings(block!.members)).toEqual(['10.0.0.64/26', '10.0.0.128/25']);
    expect(allow!.name).toBe('TSCM-ALLOW');
    expect(allow!.role).toBe('allow');
    expect(prefixesToStrings(allow!.members)).toEqual(['10.0.0.0/26', '192.0.2.1/32']);
  });

  it('refuses an empty block set, and a block set the allow list empties', () => {
    expect(() => computeDesired(spec(), P(), undefined)).toThrow(ConfigError);
    expect(() => computeDesired(spec(), P(), undefined)).toThrow(/edge-1.*empty block group/);
    expect(() => computeDesired(spec(), P('10.0.0.0/24'), P('10.0.0.0/16'))).toThrow(/allow list covers every address/);
  });

  it('caps the total, keeping allow entries first, and reports the truncation', () => {
    const block = P(...Array.from({ length: 20 }, (_, i) => `198.51.${i * 2}.0/24`));
    const allow = P('192.0.2.1/32', '192.0.2.3/32', '192.0.2.5/32');
    const d = computeDesired(spec(10), block, allow);
    const [b, a] = d.groups;
    expect(prefixCount(a!.members)).toBe(3);
    expect(prefixCount(b!.members)).toBe(7);
    expect(d.truncation).toEqual({
      dropped: 13,
      limit: 10,
      sample: ['198.51.14.0/24', '198.51.16.0/24', '198.51.18.0/24', '198.51.20.0/24', '198.51.22.0/24'],
    });
  });

  it('refuses when the allow list alone fills the cap', () => {
    expect(() => computeDesired(spec(2), P('10.0.0.0/8'), P('192.0.2.1/32', '192.0.2.3/32'))).toThrow(
      /fills objectGroups.maxEntries/,
    );
  });

  it('keeps an empty allow group when the allow list is defined but empty', () => {
    const d = computeDesired(spec(), P('10.0.0.0/8'), P());
    expect(d.groups.map((g) => [g.name, prefixCount(g.members)])).toEqual([
      ['TSCM-BLOCK', 1],
      ['TSCM-ALLOW', 0],
    ]);
  });
});

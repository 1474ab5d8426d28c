import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PrefixListBuilder, prefixesFromStrings, prefixesToStrings } from '../../cidr/index.js';
import type { GroupChange } from '../../plan/model.js';
import { foldObservedGroups } from './observe.js';
import { maskToLength, parseRunningConfig, parseShowAccessLists } from './parse.js';
import { renderGroupChanges } from './render.js';
import { judgeWriteMemory } from './write-memory.js';

function change(name: string, add: string[], remove: string[], action: GroupChange['action'] = 'update'): GroupChange {
  return {
    name,
    role: 'block',
    action,
    add: prefixesFromStrings(add),
    remove: prefixesFromStrings(remove),
    unmanaged: 0,
    alreadyPresent: 0,
    before: 0,
    after: 0,
  };
}

describe('parse', () => {
  it('maps masks to lengths and refuses gappy or wildcard masks', () => {
    expect(maskToLength(0xffffff00)).toBe(24);
    expect(maskToLength(0xffffffff)).toBe(32);
    expect(maskToLength(0)).toBe(0);
    expect(maskToLength(0x000000ff)).toBe(-1);
    expect(maskToLength(0xff00ff00)).toBe(-1);
  });

  it('matches group headers exactly (| section FOO also prints FOO2)', () => {
    const parsed = parseRunningConfig(
      'object-group network FOO2\n host 10.0.0.2\nobject-group network FOO\n host 10.0.0.1\n',
    );
    const { device } = foldObservedGroups(parsed, [{ name: 'FOO', role: 'block' }]);
    expect(prefixesToStrings(device.groups[0]!.members)).toEqual(['10.0.0.1/32']);
  });

  it('reads ACL usage from show ip access-lists', () => {
    const used = parseShowAccessLists(
      'Extended IP access list access-acl\n    10 permit udp object-group SRC object-group DST eq domain\n' +
        'Standard IP access list 10\n    10 permit 10.0.0.0, wildcard bits 0.0.0.255\n' +
        'Extended IP access list 101\n    10 deny ip object-group SRC any\n',
    );
    expect(used.get('SRC')).toEqual(['access-list 101', 'ip access-list extended access-acl']);
    expect(used.get('DST')).toEqual(['ip access-list extended access-acl']);
  });

  it('round-trips any rendered member list through the parser', () => {
    const v4 = fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 }));
    fc.assert(
      fc.property(fc.array(v4, { maxLength: 50 }), (entries) => {
        const b = new PrefixListBuilder();
        for (const [a, l] of entries) b.addV4(a, l);
        const list = b.build();
        const { lines } = renderGroupChanges([{ ...change('G', [], []), add: list, action: 'create' as const }]);
        const text = lines.filter((l) => l !== 'exit').join('\n');
        const back = parseRunningConfig(text).groups[0]!;
        expect(prefixesToStrings(back.members)).toEqual(prefixesToStrings(list));
        expect(back.foreign).toEqual([]);
      }),
    );
  });
});

describe('render', () => {
  it('puts adds before removes, weighs member lines, removes a mask-form host in its own form', () => {
    const parsed = parseRunningConfig('object-group network G\n 10.0.0.9 255.255.255.255\n host 10.0.0.8\n');
    const { facts } = foldObservedGroups(parsed, [{ name: 'G', role: 'block' }]);
    const r = renderGroupChanges([change('G', ['10.1.0.0/16'], ['10.0.0.9/32', '10.0.0.8/32'])], facts);
    expect(r.lines).toEqual([
      'object-group network G',
      ' 10.1.0.0 255.255.0.0',
      ' no host 10.0.0.8',
      ' no 10.0.0.9 255.255.255.255',
      'exit',
    ]);
    expect(r.weights).toEqual([0, 1, 1, 1, 0]);
  });

  it('renders nothing for no-op changes and weighs a delete by its members', () => {
    expect(renderGroupChanges([change('G', [], [], 'none')]).lines).toEqual([]);
    const r = renderGroupChanges([change('G', [], ['10.0.0.0/8', '10.1.0.0/16'], 'delete')]);
    expect(r.lines).toEqual(['no object-group network G']);
    expect(r.weights).toEqual([2]);
  });
});

describe('judgeWriteMemory', () => {
  it('accepts every [OK] variant and spots a busy NVRAM', () => {
    expect(judgeWriteMemory('Building configuration...\n[OK]')).toBe('ok');
    expect(
      judgeWriteMemory('Building configuration...\n\n  Compressed configuration from 22772 bytes to 7054 bytes[OK]'),
    ).toBe('ok');
    expect(judgeWriteMemory('startup-config file open failed (Device or resource busy)')).toBe('busy');
    expect(judgeWriteMemory('%Error opening nvram:startup-config (No space left on device)')).toBe('failed');
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PrefixListBuilder, prefixesFromStrings, prefixesToStrings } from '../../cidr/index.js';
import type { GroupChange } from '../../plan/model.js';
import { foldObservedGroups } from './observe.js';
import { groupUsers, maskToLength, parseRunningConfig, parseShowAccessLists, parseShowObjectGroup } from './parse.js';
import type { IosObjectGroups } from './parse.js';
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
    const device = foldObservedGroups(parsed, [{ name: 'FOO', role: 'block' }]);
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

describe('parse: repeated headers, other kinds, nesting, host bits', () => {
  // The shape of a real IOS 15.1 saved config (testdata/real-c1811-running-config): one group, two blocks.
  const repeated =
    'object-group network MGMT\n description first\n host 192.0.2.1\n 192.0.2.2 255.255.255.255\n range 192.0.2.8 192.0.2.9\n' +
    '!\nobject-group service PORTS\n tcp eq 22\n!\nobject-group network OTHER\n host 198.51.100.1\n' +
    'object-group network MGMT\n description second\n 198.51.100.0 255.255.255.0\n 192.0.2.3 255.255.255.255\n' +
    ' range 192.0.2.8 192.0.2.9\n any\n';

  it('reads a repeated header as one group holding both blocks, where it first appeared', () => {
    const parsed = parseRunningConfig(repeated);
    expect(parsed.groups.map((g) => g.name)).toEqual(['MGMT', 'OTHER']);
    const mgmt = parsed.groups[0]!;
    expect(prefixesToStrings(mgmt.members)).toEqual([
      '192.0.2.1/32',
      '192.0.2.2/32',
      '192.0.2.3/32',
      '198.51.100.0/24',
    ]);
    expect(mgmt.foreign).toEqual(['range 192.0.2.8 192.0.2.9', 'any']);
    expect(mgmt.maskHosts).toEqual([0xc0000202, 0xc0000203]);
    expect(mgmt.description).toBe('second');
  });

  it('does the same in show object-group output', () => {
    const groups = parseShowObjectGroup(
      'Network object group G\n host 10.0.0.1\nV6-Network object group G-v6\n host 2001:db8::1\n' +
        'Network object group G\n 10.1.0.0 255.255.0.0\nV6-Network object group G-v6\n 2001:db8:1::/48\n',
    );
    expect(groups.map((g) => `${g.kind} ${g.name} ${prefixesToStrings(g.members).join(',')}`)).toEqual([
      'network G 10.0.0.1/32,10.1.0.0/16',
      'v6-network G-v6 2001:db8::1/128,2001:db8:1::/48',
    ]);
  });

  it('observe keeps every block of a group even when handed them separately', () => {
    const block = (text: string) => parseRunningConfig(text).groups[0]!;
    const split: IosObjectGroups = {
      groups: [
        block('object-group network MGMT\n host 192.0.2.1\n 192.0.2.2 255.255.255.255\n any\n'),
        block('object-group network OTHER\n host 198.51.100.1\n'),
        block('object-group network MGMT\n 198.51.100.0 255.255.255.0\n 192.0.2.3 255.255.255.255\n any\n'),
      ],
      usedBy: new Map(),
    };
    const { facts, ...device } = foldObservedGroups(split, [{ name: 'MGMT', role: 'allow' }]);
    expect(prefixesToStrings(device.groups[0]!.members)).toEqual([
      '192.0.2.1/32',
      '192.0.2.2/32',
      '192.0.2.3/32',
      '198.51.100.0/24',
    ]);
    expect(device.groups[0]!.foreign).toEqual(['any']);
    expect([...(facts.maskHosts.get('MGMT') ?? [])].sort()).toEqual([0xc0000202, 0xc0000203]);
  });

  it('ends a group at any other kind of header, so no foreign line lands in a network group', () => {
    const groups = parseShowObjectGroup(
      'Network object group N\n host 10.0.0.1\nV6-Service object group VS\n icmp echo-request\n' +
        'Network object group N2\n 10.2.0.0 255.255.0.0\nSecurity object group SG\n security-group tag 10\n' +
        'Service object group S\n tcp eq www\n 99\nGeo object group GEO\n country US\n' +
        'V6-Network object group N-v6\n host 2001:db8::1\nSomething the parser has never seen\n 10.9.9.9 255.255.255.255\n',
    );
    expect(groups.map((g) => [g.name, prefixesToStrings(g.members), g.foreign])).toEqual([
      ['N', ['10.0.0.1/32'], []],
      ['N2', ['10.2.0.0/16'], []],
      ['N-v6', ['2001:db8::1/128'], []],
    ]);
  });

  it('counts nesting as use in both paths, from the group-object line of the parent', () => {
    const show: IosObjectGroups = {
      groups: parseShowObjectGroup(
        'Network object group CHILD\n host 10.0.0.1\nNetwork object group PARENT\n group-object CHILD\n',
      ),
      usedBy: parseShowAccessLists('Extended IP access list IN\n    10 deny ip object-group PARENT any\n'),
    };
    const run = parseRunningConfig(
      'object-group network CHILD\n host 10.0.0.1\nobject-group network PARENT\n group-object CHILD\n' +
        'ip access-list extended IN\n 10 deny ip object-group PARENT any\n',
    );
    for (const parsed of [show, run]) {
      expect(Object.fromEntries(groupUsers(parsed))).toEqual({
        CHILD: ['object-group PARENT'],
        PARENT: ['ip access-list extended IN'],
      });
      const device = foldObservedGroups(parsed, [{ name: 'CHILD', role: 'block' }]);
      expect(device.groups[0]!.usedBy).toEqual(['object-group PARENT']);
    }
  });

  it('keeps a member with host bits foreign and treats its normalised twin as a member', () => {
    // The device keeps `2001:db8:111:1::/48` as typed (real show output, testdata/real-ntc-show-object-group-v6).
    const parsed = parseRunningConfig(
      'object-group v6-network B-v6\n 2001:db8:111:1::/48\n 2001:db8:111::/48\n' +
        'object-group network B\n 10.1.0.1 255.255.0.0\n 10.1.0.0 255.255.0.0\n',
    );
    const { facts, ...device } = foldObservedGroups(parsed, [{ name: 'B', role: 'block' }]);
    expect(prefixesToStrings(device.groups[0]!.members)).toEqual(['10.1.0.0/16', '2001:db8:111::/48']);
    expect(device.groups[0]!.foreign).toEqual(['10.1.0.1 255.255.0.0', 'B-v6: 2001:db8:111:1::/48']);
    const r = renderGroupChanges([change('B', [], ['10.1.0.0/16', '2001:db8:111::/48'])], facts);
    expect(r.lines).toEqual([
      'object-group network B',
      ' no 10.1.0.0 255.255.0.0',
      'exit',
      'object-group v6-network B-v6',
      ' no 2001:db8:111::/48',
      'exit',
    ]);
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

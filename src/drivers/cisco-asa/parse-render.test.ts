// Unit cases the golden files do not show: prompt and failover forms, member lines tscm must not model, the
// streaming parser fed line by line, the render's member forms and the command list's progress arithmetic.

import { describe, expect, it } from 'vitest';
import { prefixesFromStrings, prefixesToStrings } from '../../cidr/index.js';
import { planNestedLayout } from '../shared/nested-layout.js';
import { foldNestedGroup, memberForms } from './observe.js';
import { parseAsaPrompt, parseShowFailover } from '../shared/asa-failover.js';
import { groupUsers } from '../shared/asa-acl-usage.js';
import { AsaConfigParser, describeAsaConfig, parseAsaConfig } from './parse.js';
import { listGroupBlocks, listGroupCommands } from './render.js';

describe('parseAsaPrompt', () => {
  it.each([
    ['ciscoasa>', { hostname: 'ciscoasa', haRole: undefined, mode: undefined, privileged: false }],
    ['ciscoasa#', { hostname: 'ciscoasa', haRole: undefined, mode: undefined, privileged: true }],
    ['lab-fw/pri/act#', { hostname: 'lab-fw', unit: 'pri', state: 'act', haRole: 'active', privileged: true }],
    ['lab-fw/sec/stby#', { hostname: 'lab-fw', unit: 'sec', state: 'stby', haRole: 'standby' }],
    [
      'HOST/actNoFailover/sec(config)#',
      { hostname: 'HOST', unit: 'sec', state: 'actNoFailover', haRole: 'active', mode: 'config' },
    ],
    ['fw(config-network-object-group)# ', { mode: 'config-network-object-group', haRole: undefined }],
    ['FWSM/ceige#', { hostname: 'FWSM', fields: ['ceige'], haRole: undefined }],
  ])('%s', (line, expected) => {
    expect(parseAsaPrompt(line)).toMatchObject(expected);
  });

  it('is null for lines that are not prompts', () => {
    for (const l of ['Cryptochecksum: 4b86b1e4 2e731d6b', 'ERROR: % Invalid input detected at', '[OK]', 'a b#']) {
      expect(parseAsaPrompt(l)).toBeNull();
    }
  });
});

describe('parseShowFailover', () => {
  it('reads a standby unit (our text, in the shape of the real-ntc-show-failover sample)', () => {
    const text = [
      'Failover On',
      'Failover unit Secondary',
      'Failover LAN Interface: failover GigabitEthernet0/4 (up)',
      '        This host: Secondary - Standby Ready ',
      '                Active time: 0 (sec)',
      '        Other host: Primary - Active ',
    ].join('\n');
    expect(parseShowFailover(text)).toEqual({
      enabled: true,
      unit: 'secondary',
      state: 'Standby Ready',
      mateState: 'Active',
      haRole: 'standby',
    });
  });

  it('leaves the role unset while the unit negotiates', () => {
    const s = parseShowFailover('Failover On\nFailover unit Secondary\n        This host: Secondary - Negotiation\n');
    expect(s.haRole).toBeUndefined();
    expect(s.state).toBe('Negotiation');
  });
});

describe('parseAsaConfig', () => {
  const text = [
    'object-group network G',
    ' description: first',
    ' network-object 10.0.0.0 0.0.0.255',
    ' network-object 10.1.0.1 255.255.0.0',
    ' network-object 2001:db8::1/64',
    ' network-object 2001:db8::9/128',
    ' network-object host 2001:db8::a',
    ' network-object host not-an-address',
    ' network-object 192.0.2.0 255.255.255.0',
    ' group-object C',
    ' group-object C',
    'object-group service S tcp',
    ' port-object eq 443',
    'object-group network C',
    ' network-object host 192.0.2.7',
    'object-group network G',
    ' network-object host 198.51.100.1',
    'access-list a1 remark object-group G is used below',
    'access-list a1 extended deny ip object-group G any',
    'access-list a2 line 1 extended permit ip any object-group C (hitcnt=0) 0x1',
    '  access-list a2 line 1 extended permit ip any host 192.0.2.7 (hitcnt=0) 0x2',
    'access-group a1 in interface outside',
    'access-group a2 global',
  ].join('\n');

  it('keeps unmodelled lines foreign, reopens a repeated header, reads usage through nesting', () => {
    const d = describeAsaConfig(parseAsaConfig(text)) as { groups: unknown[]; usedBy: unknown; accessGroups: unknown };
    expect(d.groups).toEqual([
      {
        name: 'G',
        description: 'first',
        members: ['192.0.2.0/24', '198.51.100.1/32', '2001:db8::9/128', '2001:db8::a/128'],
        maskHosts: [],
        slashHosts6: ['2001:db8::9'],
        children: ['C'],
        foreign: [
          'network-object 10.0.0.0 0.0.0.255',
          'network-object 10.1.0.1 255.255.0.0',
          'network-object 2001:db8::1/64',
          'network-object host not-an-address',
        ],
      },
      {
        name: 'C',
        description: null,
        members: ['192.0.2.7/32'],
        maskHosts: [],
        slashHosts6: [],
        children: [],
        foreign: [],
      },
    ]);
    // The remark names no group; C is used by a2 directly and by a1 through G.
    expect(d.usedBy).toEqual({
      C: ['access-list a1', 'access-list a2', 'object-group G'],
      G: ['access-list a1'],
    });
    expect(d.accessGroups).toEqual({ a1: ['in interface outside'], a2: ['global'] });
  });

  it('gives the same result fed one line at a time with CRLF endings', () => {
    const p = new AsaConfigParser();
    for (const l of text.split('\n')) p.pushLine(`${l}\r`);
    expect(describeAsaConfig(p.finish())).toEqual(describeAsaConfig(parseAsaConfig(text)));
  });

  it('ends a group cycle walk (not possible on a device)', () => {
    const c = parseAsaConfig('object-group network A\n group-object B\nobject-group network B\n group-object A\n');
    expect(groupUsers(c).get('A')).toEqual(['object-group B']);
  });
});

describe('render', () => {
  const config = parseAsaConfig(
    [
      'object-group network T',
      ' network-object host 10.255.255.254',
      ' group-object T-1',
      'object-group network T-1',
      ' network-object 192.0.2.9 255.255.255.255',
      ' network-object 2001:db8::9/128',
      ' network-object host 192.0.2.10',
      'access-list x extended deny ip object-group T any',
    ].join('\n'),
  );
  const shim = prefixesFromStrings(['10.255.255.254/32']);

  it('removes members in the form the device shows, and counts member changes by position', () => {
    const folded = foldNestedGroup(config, { name: 'T', role: 'block' }, shim);
    expect(folded.layout.shim).toBe(true);
    expect(prefixesToStrings(folded.observed.members)).toEqual(['192.0.2.9/32', '192.0.2.10/32', '2001:db8::9/128']);
    const change = {
      action: 'update' as const,
      add: prefixesFromStrings(['198.51.100.0/24']),
      remove: prefixesFromStrings(['192.0.2.9/32', '2001:db8::9/128']),
    };
    const r = planNestedLayout(folded.layout, change, { nestedSize: 10, shim, inUse: folded.inUse });
    const list = listGroupCommands(r.ops, memberForms(config));
    expect(list.materialise().lines).toEqual([
      'object-group network T-1',
      ' network-object 198.51.100.0 255.255.255.0',
      ' no network-object 192.0.2.9 255.255.255.255',
      ' no network-object 2001:db8::9/128',
      'exit',
      'object-group network T',
      ' no network-object host 10.255.255.254',
      'exit',
    ]);
    expect([0, 1, 2, 3, 4, 8].map((n) => list.doneAfter(n))).toEqual([0, 0, 1, 2, 3, 3]);
    expect(list.total).toBe(3);
    expect(list.at(2)).toBe(' no network-object 192.0.2.9 255.255.255.255');
    expect(list.at(8)).toBeUndefined();
  });

  it('counts a deleted child as the removals it makes', () => {
    const blocks = listGroupBlocks([
      { op: 'detach', group: 'T', child: 'T-1' },
      { op: 'delete-child', group: 'T-1', weight: 3 },
    ]);
    expect(blocks.map((b) => [b.head, b.headWeight, b.body?.materialise().lines])).toEqual([
      ['object-group network T', 0, [' no group-object T-1']],
      ['no object-group network T-1', 3, undefined],
    ]);
  });
});

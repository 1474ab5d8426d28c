// The pure mapping: REST members <-> prefixes (with the device's host forms), the fold into logical groups with
// ACL usage, and layout operations -> requests in chunks with their weights.

import { describe, expect, it } from 'vitest';
import { prefixesFromStrings, prefixesToStrings } from '../../cidr/index.js';
import { planNestedApply } from '../shared/nested-apply.js';
import { planNestedLayout, type NestedLayout } from '../shared/nested-layout.js';
import type { RestGroup } from './api.js';
import { memberKey, restMembers, viewOfRestGroup } from './members.js';
import { foldRestGroups, parseAclUsage, restFactsOf } from './observe.js';
import { describeRequest, planRequests } from './requests.js';
import { remainder } from './write-runner.js';

const P = (xs: readonly string[]) => prefixesFromStrings(xs);
const NO_FORMS = { v4: new Map(), v6: new Map() };

describe('members', () => {
  it('maps the four inline kinds to prefixes, nested groups to children, the rest to CLI words', () => {
    const g: RestGroup = {
      objectId: 'G',
      name: 'G',
      members: [
        { kind: 'IPv4Address', value: '192.0.2.1' },
        { kind: 'IPv4Network', value: '198.51.100.0/24' },
        { kind: 'IPv4Network', value: '192.0.2.9/32' },
        { kind: 'IPv6Address', value: '2001:DB8::1' },
        { kind: 'IPv6Network', value: '2001:db8:5::/48' },
        { kind: 'IPv6Network', value: '2001:db8::7/128' },
        { kind: 'objectRef#NetworkObjGroup', objectId: 'G-1' },
        { kind: 'objectRef#NetworkObj', objectId: 'Test_Lior' },
        { kind: 'IPv4Network', value: '10.1.1.1/24' },
        { kind: 'IPv4Range', value: '10.0.0.1-10.0.0.9' },
        { kind: 'IPv4Address', value: 'evil\u001b[31m' },
      ],
    };
    const v = viewOfRestGroup(g);
    expect(prefixesToStrings(v.members)).toEqual([
      '192.0.2.1/32',
      '192.0.2.9/32',
      '198.51.100.0/24',
      '2001:db8::1/128',
      '2001:db8::7/128',
      '2001:db8:5::/48',
    ]);
    expect(v.children).toEqual(['G-1']);
    expect(v.foreign).toEqual([
      'network-object object Test_Lior',
      'network-object 10.1.1.1 255.255.255.0',
      '(REST member IPv4Range 10.0.0.1-10.0.0.9)',
      'network-object host evil [31m',
    ]);
    expect(v.v4NetHosts).toEqual([0xc0000209]);
    expect(v.v6NetHosts).toEqual(['2001:db8::7']);
  });

  it('renders hosts in the form the device holds them, the rest as networks, and keys ignore the form', () => {
    const list = P(['192.0.2.1/32', '192.0.2.9/32', '10.0.0.0/8', '2001:db8::7/128', '2001:db8::8/128']);
    const forms = { v4: new Set([0xc0000209]), v6: new Set(['2001:db8::7']) };
    expect(restMembers(list, forms)).toEqual([
      { kind: 'IPv4Network', value: '10.0.0.0/8' },
      { kind: 'IPv4Address', value: '192.0.2.1' },
      { kind: 'IPv4Network', value: '192.0.2.9/32' },
      { kind: 'IPv6Network', value: '2001:db8::7/128' },
      { kind: 'IPv6Address', value: '2001:db8::8' },
    ]);
    expect(restMembers(list, {}, 1, 3).map((m) => m.value)).toEqual(['192.0.2.1', '192.0.2.9', '2001:db8::7']);
    expect(memberKey({ kind: 'IPv4Network', value: '192.0.2.9/32' })).toBe(
      memberKey({ kind: 'IPv4Address', value: '192.0.2.9' }),
    );
    expect(memberKey({ kind: 'IPv6Address', value: '2001:DB8:0::7' })).toBe('p 2001:db8::7/128');
  });
});

describe('observe', () => {
  const rest: RestGroup[] = [
    {
      objectId: 'TS',
      name: 'TS',
      members: [
        { kind: 'objectRef#NetworkObjGroup', objectId: 'TS-1' },
        { kind: 'objectRef#NetworkObjGroup', objectId: 'OTHER' },
        { kind: 'IPv4Address', value: '10.255.255.254' },
      ],
    },
    { objectId: 'TS-1', name: 'TS-1', members: [{ kind: 'IPv4Network', value: '192.0.2.5/32' }] },
    { objectId: 'TS-3', name: 'TS-3', members: [{ kind: 'IPv4Address', value: '192.0.2.6' }] },
    { objectId: 'OTHER', name: 'OTHER', members: [{ kind: 'objectRef#NetworkObj', objectId: 'web' }] },
  ];
  const acl = [
    'access-list outside_in extended deny ip object-group TS any',
    'access-list outside_in remark object-group NOTME',
    'access-group outside_in in interface outside',
  ].join('\n');

  it('folds children and the shim away, with foreign lines, taken names and ACL users', () => {
    const o = foldRestGroups(
      rest,
      parseAclUsage(acl),
      [
        { name: 'TS', role: 'block' },
        { name: 'ALLOW', role: 'allow' },
      ],
      '10.255.255.254',
    );
    expect(o.groups.map((g) => ({ ...g, members: prefixesToStrings(g.members) }))).toEqual([
      {
        name: 'TS',
        role: 'block',
        exists: true,
        members: ['192.0.2.5/32'],
        foreign: ['group-object OTHER'],
        usedBy: ['access-list outside_in'],
      },
      { name: 'ALLOW', role: 'allow', exists: false, members: [], foreign: [], usedBy: [] },
    ]);
    const f = restFactsOf(o);
    expect(f.groups.get('TS')).toMatchObject({ inUse: true, layout: { shim: true, taken: ['TS-3'] } });
    expect([...(f.forms.v4.get('TS-1') ?? [])]).toEqual([0xc0000205]);
    expect(() => restFactsOf({ groups: [] })).toThrow(/did not observe/);
  });
});

describe('requests', () => {
  const empty: NestedLayout = {
    master: 'TS',
    masterExists: false,
    children: [],
    direct: P([]),
    shim: false,
    taken: [],
  };
  const members = (n: number) => P(Array.from({ length: n }, (_, i) => `10.0.${i >> 8}.${i & 255}/32`));

  it('creates children with their first chunk and the master with its first child, then chunks', () => {
    const r = planNestedLayout(
      empty,
      { action: 'create', add: members(7), remove: P([]) },
      {
        nestedSize: 3,
        shim: P(['10.255.255.254/32']),
        inUse: false,
      },
    );
    const reqs = planRequests(r.ops, NO_FORMS, 2);
    expect(reqs.map(describeRequest)).toEqual([
      'POST TS-1 (2 members)',
      'PATCH TS-1 members.add (10.0.0.2)',
      'POST TS (TS-1)',
      'POST TS-2 (2 members)',
      'PATCH TS-2 members.add (10.0.0.5)',
      'PATCH TS members.add (TS-2)',
      'POST TS-3 (10.0.0.6)',
      'PATCH TS members.add (TS-3)',
    ]);
    expect(reqs.reduce((s, q) => s + q.weight, 0)).toBe(7);
  });

  it('removes in the device form, detaches and deletes an emptied child, counts the shim as no change', () => {
    const layout: NestedLayout = {
      master: 'TS',
      masterExists: true,
      children: [
        { name: 'TS-1', members: P(['192.0.2.1/32', '192.0.2.2/32']) },
        { name: 'TS-2', members: P(['192.0.2.3/32']) },
      ],
      direct: P([]),
      shim: false,
      taken: [],
    };
    const basis = [
      {
        name: 'TS',
        role: 'block' as const,
        exists: true,
        members: P(['192.0.2.1/32', '192.0.2.2/32', '192.0.2.3/32']),
        foreign: [],
        usedBy: ['access-list A'],
      },
    ];
    const plan = planNestedApply(
      [
        {
          name: 'TS',
          role: 'block',
          action: 'update',
          add: P([]),
          remove: P(['192.0.2.1/32', '192.0.2.2/32', '192.0.2.3/32']),
          unmanaged: 0,
          alreadyPresent: 0,
          before: 3,
          after: 0,
        },
      ],
      basis,
      {
        groups: new Map([['TS', { layout, inUse: true }]]),
        forms: { v4: new Map([['TS-1', new Set([0xc0000202])]]), v6: new Map() },
      },
      { nestedSize: 10, shimAddress: '10.255.255.254' },
    );
    const reqs = planRequests(plan.ops, { v4: new Map([['TS-1', new Set([0xc0000202])]]), v6: new Map() }, 500);
    expect(reqs.map((q) => [describeRequest(q), q.weight])).toEqual([
      ['PATCH TS members.add (10.255.255.254)', 0],
      ['PATCH TS members.remove (TS-1)', 0],
      ['DELETE TS-1', 2],
      ['PATCH TS members.remove (TS-2)', 0],
      ['DELETE TS-2', 1],
    ]);
    const removal = planRequests(
      [{ op: 'remove', group: 'TS-1', members: P(['192.0.2.1/32', '192.0.2.2/32']) }],
      { v4: new Map([['TS-1', new Set([0xc0000202])]]), v6: new Map() },
      500,
    );
    expect(removal[0]).toMatchObject({
      key: 'members.remove',
      members: [
        { kind: 'IPv4Address', value: '192.0.2.1' },
        { kind: 'IPv4Network', value: '192.0.2.2/32' },
      ],
    });
  });
});

describe('what a failed write still needs, from a re-read', () => {
  const g = (members: RestGroup['members']): RestGroup => ({ objectId: 'TS-1', name: 'TS-1', members });
  const a = (v: string) => ({ kind: 'IPv4Address', value: v });

  it('a POST whose group now exists continues as a PATCH of what it lacks; absent, it stays a POST', () => {
    const post = {
      method: 'POST',
      group: 'TS-1',
      members: [a('192.0.2.1'), a('192.0.2.2')],
      counted: true,
      weight: 2,
    } as const;
    expect(remainder(post, undefined)).toBe(post);
    expect(remainder(post, g([a('192.0.2.1')]))).toEqual({
      method: 'PATCH',
      group: 'TS-1',
      key: 'members.add',
      members: [a('192.0.2.2')],
      counted: true,
      weight: 1,
    });
    expect(remainder(post, g([a('192.0.2.2'), a('192.0.2.1')]))).toBeUndefined();
  });

  it('a removal repeats what the device still holds, in its form; a DELETE is done once the group is gone', () => {
    const remove = {
      method: 'PATCH',
      group: 'TS-1',
      key: 'members.remove',
      members: [a('192.0.2.1'), a('192.0.2.2')],
      counted: true,
      weight: 2,
    } as const;
    expect(remainder(remove, g([{ kind: 'IPv4Network', value: '192.0.2.2/32' }]))).toMatchObject({
      members: [{ kind: 'IPv4Network', value: '192.0.2.2/32' }],
      weight: 1,
    });
    expect(remainder(remove, undefined)).toBeUndefined();
    const del = { method: 'DELETE', group: 'TS-1', weight: 5 } as const;
    expect(remainder(del, undefined)).toBeUndefined();
    expect(remainder(del, g([]))).toBe(del);
    const shim = { ...remove, members: [a('10.255.255.254')], counted: false, weight: 0 };
    expect(remainder(shim, g([a('10.255.255.254')]))).toMatchObject({ weight: 0 });
  });
});

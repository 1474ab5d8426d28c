import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EMPTY_PREFIXES,
  exactDifference,
  exactEquals,
  parseIpv4Address,
  prefixesFromStrings,
  prefixesToStrings,
} from '../../cidr/index.js';
import type { PrefixList } from '../../cidr/types.js';
import type { GroupChange } from '../../plan/model.js';
import { describePixLayout, layoutPixChanges, predictPixBasis } from './layout.js';
import { foldPixGroups } from './observe.js';
import type { PixFolded } from './observe.js';
import { netmaskLength, PixConfigParser, parsePixText } from './parse.js';
import { listPixBlocks, materialiseBlocks, renderMember } from './render.js';

const SHIM = parseIpv4Address('10.255.255.254');
const REFS = [
  { name: 'threatstop-block', role: 'block' as const },
  { name: 'threatstop-allow', role: 'allow' as const },
];

function change(
  name: string,
  action: GroupChange['action'],
  add: readonly string[],
  remove: readonly string[],
): GroupChange {
  return {
    name,
    role: name.endsWith('allow') ? 'allow' : 'block',
    action,
    add: prefixesFromStrings(add),
    remove: prefixesFromStrings(remove),
    unmanaged: 0,
    alreadyPresent: 0,
    before: 0,
    after: 0,
  };
}

function fold(text: string): PixFolded {
  return foldPixGroups(parsePixText(text), REFS, SHIM);
}

function commands(changes: readonly GroupChange[], basis: PixFolded): string[] {
  return [...materialiseBlocks(listPixBlocks(layoutPixChanges(changes, basis), SHIM)).lines];
}

describe('parse', () => {
  it('reads members in every spelling, and keeps what it does not model as foreign', () => {
    const p = parsePixText(
      [
        'names',
        'name 192.0.2.9 web1',
        'object-group network G',
        ' description: a group',
        ' network-object host 192.0.2.1',
        ' network-object 192.0.2.2 255.255.255.255',
        ' network-object 198.51.100.0 255.255.255.0',
        ' network-object host web1',
        ' network-object host unknown-name',
        ' network-object 10.0.0.0 0.0.0.255',
        ' network-object 10.1.0.1 255.255.0.0',
        ' network-object 2001:db8::/64',
        ' network-object object OBJ',
        ' group-object OTHER',
        'object-group service S tcp',
        ' port-object eq www',
        'object-group network G',
        ' network-object host 192.0.2.3',
        ' network-object 10.0.0.0 0.0.0.255',
      ].join('\n'),
    );
    expect(p.groups).toHaveLength(1);
    const g = p.groups[0]!;
    expect(g.description).toBe('a group');
    expect(prefixesToStrings(g.members)).toEqual([
      '192.0.2.1/32',
      '192.0.2.2/32',
      '192.0.2.3/32',
      '192.0.2.9/32',
      '198.51.100.0/24',
    ]);
    expect(g.foreign).toEqual([
      'network-object host unknown-name',
      'network-object 10.0.0.0 0.0.0.255',
      'network-object 10.1.0.1 255.255.0.0',
      'network-object 2001:db8::/64',
      'network-object object OBJ',
      'group-object OTHER',
    ]);
    expect([...g.spelled]).toEqual([
      ['192.0.2.2/32', '192.0.2.2 255.255.255.255'],
      ['192.0.2.9/32', 'host web1'],
    ]);
    expect(p.usedBy.get('OTHER')).toEqual(['object-group G']);
  });

  it('finds the ACLs and conduits that use a group, in config and `show access-list` forms, not in remarks', () => {
    const p = parsePixText(
      [
        'access-list inbound deny ip object-group B any',
        'access-list inbound remark object-group R is not a use',
        'access-list acl_in; 3 elements; name hash: 0x1',
        'access-list acl_in line 1 extended permit tcp object-group A object-group network eq www (hitcnt=0) 0x3c',
        '  access-list acl_in line 1 extended permit tcp host 192.0.2.1 host 192.0.2.2 eq www (hitcnt=0) 0x1',
        'conduit permit tcp object-group C eq ssh any',
      ].join('\n'),
    );
    expect(Object.fromEntries(p.usedBy)).toEqual({
      A: ['access-list acl_in'],
      B: ['access-list inbound'],
      C: ['conduit'],
      network: ['access-list acl_in'],
    });
  });

  it('a member keyword at column 0 continues the group (a capture that lost the indent)', () => {
    const p = parsePixText('object-group network G\nnetwork-object host 192.0.2.1\ndescription: x\npager lines 24\n');
    expect(prefixesToStrings(p.groups[0]!.members)).toEqual(['192.0.2.1/32']);
    expect(p.groups[0]!.description).toBe('x');
  });

  it('line by line or whole, the same result', () => {
    const text =
      'object-group network G\r\n network-object host 192.0.2.1 \r\naccess-list X permit ip object-group G any\r\n';
    const p = new PixConfigParser();
    for (const l of text.split('\n')) p.pushLine(l);
    expect(p.finish()).toEqual(parsePixText(text));
  });

  it('netmaskLength accepts netmasks only', () => {
    expect(netmaskLength(parseIpv4Address('255.255.255.0'))).toBe(24);
    expect(netmaskLength(parseIpv4Address('0.0.0.0'))).toBe(0);
    expect(netmaskLength(parseIpv4Address('0.0.0.255'))).toBe(-1);
    expect(netmaskLength(parseIpv4Address('255.0.255.0'))).toBe(-1);
  });
});

describe('fold and layout: the shim', () => {
  const inUse = [
    'object-group network threatstop-block',
    ' network-object host 198.51.100.1',
    'object-group network threatstop-allow',
    ' network-object host 10.255.255.254',
    'access-list in deny ip object-group threatstop-block any',
    'access-list in permit ip object-group threatstop-allow any',
  ].join('\n');

  it('folds the shim away from the members and records it', () => {
    const b = fold(inUse);
    expect(prefixesToStrings(b.groups[1]!.members)).toEqual([]);
    expect(b.facts.groups.map((g) => g.shim)).toEqual([false, true]);
  });

  it('goes in before the last real member leaves, and out after the first one arrives', () => {
    const b = fold(inUse);
    const cs = [
      change('threatstop-block', 'update', [], ['198.51.100.1/32']),
      change('threatstop-allow', 'update', ['192.0.2.1/32'], []),
    ];
    expect(commands(cs, b)).toEqual([
      'object-group network threatstop-block',
      ' network-object host 10.255.255.254',
      ' no network-object host 198.51.100.1',
      'exit',
      'object-group network threatstop-allow',
      ' network-object host 192.0.2.1',
      ' no network-object host 10.255.255.254',
      'exit',
    ]);
    expect(describePixLayout(layoutPixChanges(cs, b), SHIM)).toEqual([
      'add shim 10.255.255.254 to threatstop-block (it would be empty; used by access-list in)',
      'remove shim 10.255.255.254 from threatstop-allow (it has members again)',
    ]);
  });

  it('is not needed while foreign members keep the group non-empty', () => {
    const b = fold('object-group network threatstop-block\n network-object host 198.51.100.1\n group-object X\n');
    expect(commands([change('threatstop-block', 'update', [], ['198.51.100.1/32'])], b)).toEqual([
      'object-group network threatstop-block',
      ' no network-object host 198.51.100.1',
      'exit',
    ]);
  });

  it('a create with no members makes the group with the shim; a no-op change sends nothing', () => {
    const b = fold('');
    expect(commands([change('threatstop-allow', 'create', [], [])], b)).toEqual([
      'object-group network threatstop-allow',
      ' network-object host 10.255.255.254',
      'exit',
    ]);
    const held = fold(inUse);
    expect(commands([change('threatstop-allow', 'none', [], [])], held)).toEqual([]);
  });

  it('refuses IPv6 members (the platform is IPv4 only)', () => {
    expect(() => layoutPixChanges([change('threatstop-block', 'update', ['2001:db8::/32'], [])], fold(''))).toThrow(
      /IPv4 only/,
    );
  });
});

// A device model for the property: each group a set of member texts (after `network-object `), changed only by
// exact text, as tscm's spelled removals assume.
function runOnModel(text: string, lines: readonly string[]): { final: string; everEmptied: string[] } {
  const groups = new Map<string, Set<string>>();
  let current: Set<string> | undefined;
  let name = '';
  for (const l of text.split('\n')) {
    const h = /^object-group network (\S+)/.exec(l);
    if (h !== null) groups.set((name = h[1]!), (current = new Set()));
    else if (current !== undefined && l.startsWith(' network-object ')) current.add(l.slice(16));
  }
  const emptied: string[] = [];
  for (const l of lines) {
    const h = /^object-group network (\S+)$/.exec(l);
    if (h !== null) {
      name = h[1]!;
      current = groups.get(name) ?? new Set();
      groups.set(name, current);
    } else if (l.startsWith(' no network-object ')) {
      expect(current?.delete(l.slice(19)), `removes a member present: ${l}`).toBe(true);
      if (current?.size === 0) emptied.push(name);
    } else if (l.startsWith(' network-object ')) current?.add(l.slice(16));
    else if (l.startsWith('no object-group network ')) groups.delete(l.slice(24));
  }
  const out = [...groups].map(([n, s]) => [`object-group network ${n}`, ...[...s].map((m) => ` network-object ${m}`)]);
  return { final: out.flat().join('\n') + '\n', everEmptied: emptied };
}

const v4member = fc
  .tuple(fc.integer({ min: 1, max: 40 }), fc.constantFrom(24, 32))
  .map(([n, len]) => (len === 32 ? `198.51.100.${n}/32` : `203.0.${n}.0/24`));

describe('property: layout, render and prediction agree with a device model', () => {
  it('never empties a group in use, ends where the plan says, and predicts the next basis', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(v4member, { maxLength: 6 }),
        fc.uniqueArray(v4member, { maxLength: 6 }),
        fc.boolean(),
        fc.boolean(),
        (have, want, shim, maskForm) => {
          const member = (p: string): string => {
            const [a = '', l = '32'] = p.split('/');
            return maskForm && l === '32' ? `${a} 255.255.255.255` : renderMember(parseIpv4Address(a), Number(l));
          };
          const device =
            ['object-group network threatstop-block', ...have.map((p) => ` network-object ${member(p)}`)]
              .concat(shim ? [' network-object host 10.255.255.254'] : [])
              .join('\n') + '\naccess-list in deny ip object-group threatstop-block any\n';
          const basis = fold(device);
          const observed: PrefixList = basis.groups[0]!.members;
          const desired = prefixesFromStrings(want);
          const c = change('threatstop-block', 'update', [], []);
          const cs = [{ ...c, add: exactDifference(desired, observed), remove: exactDifference(observed, desired) }];
          const { final, everEmptied } = runOnModel(device, commands(cs, basis));
          expect(everEmptied).toEqual([]);
          const after = fold(final);
          expect(exactEquals(after.groups[0]!.members, desired)).toBe(true);
          expect(after.facts.groups[0]!.shim).toBe(want.length === 0);
          const predicted = predictPixBasis(cs, basis);
          expect(prefixesToStrings(predicted.groups[0]!.members)).toEqual(prefixesToStrings(after.groups[0]!.members));
          expect(predicted.facts.groups[0]!.shim).toBe(after.facts.groups[0]!.shim);
          // Against the predicted basis the same plan has nothing left to do.
          const again = [{ ...c, add: EMPTY_PREFIXES, remove: EMPTY_PREFIXES, action: 'none' as const }];
          expect(commands(again, predicted)).toEqual([]);
        },
      ),
    );
  });
});

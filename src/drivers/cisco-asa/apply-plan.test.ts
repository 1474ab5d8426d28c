// The session's pure parts: the ASA's words (errors, facts, informational lines, write memory), its options, and
// planning an apply against an observed basis (describe lines, the predicted next basis, refusals).

import { describe, expect, it } from 'vitest';
import { prefixCount, prefixesFromStrings, prefixesToStrings } from '../../cidr/index.js';
import { ConfigError } from '../../errors.js';
import type { GroupChange } from '../../plan/model.js';
import type { Observation } from '../driver.js';
import { findDeviceError, findDeviceNotices } from '../shared/cli-text.js';
import { describeOps, planAsaApply, type AsaFacts, type AsaGroupFacts } from './apply-plan.js';
import { ASA_ERROR_RULES, judgeWriteMemory } from './error-rules.js';
import { foldNestedGroup, memberForms } from './observe.js';
import { ASA_DEFAULTS, readAsaOptions } from './options.js';
import { groupUsers } from '../shared/asa-acl-usage.js';
import { parseAsaConfig } from './parse.js';
import { listGroupCommands } from './render.js';

describe('ASA words', () => {
  it('stops on ERROR: with its caret line, authorization and in-use refusals', () => {
    const caret = ['show conduit', '                    ^', "ERROR: % Invalid input detected at '^' marker."];
    expect(findDeviceError(caret.slice(1), ASA_ERROR_RULES)).toEqual({
      kind: 'fatal',
      text: "                    ^\nERROR: % Invalid input detected at '^' marker.",
    });
    for (const l of [
      'Command authorization failed',
      'Removing object-group (ThreatSTOP-Block) not allowed, it is being used.',
      'ERROR: Unable to add, access-list config limit reached',
      '**** WARNING **** Configuration Replication is NOT performed from Standby unit to Active unit.',
    ]) {
      expect(findDeviceError([l], ASA_ERROR_RULES)?.kind, l).toBe('fatal');
    }
  });

  it('treats duplicate and absent members as facts to verify, WARNING/INFO as information', () => {
    const lines = [
      'Adding obj (192.0.2.1 ) to grp (ThreatSTOP-Block-1) failed; object already exists',
      'obj does not exist in this group',
      'WARNING: Same object-group is used more than once in one config line. This config is redundant. Please use seperate object-groups',
      'INFO: If a certificate map is configured ASA  will ask all users loading the logon page for a client certificate.',
    ];
    expect(findDeviceError(lines, ASA_ERROR_RULES)).toBeUndefined();
    expect(findDeviceNotices(lines, ASA_ERROR_RULES)).toEqual(lines.slice(0, 2));
  });

  it('retries while another session commits', () => {
    expect(findDeviceError(['Command Failed. Configuration in progress...'], ASA_ERROR_RULES)?.kind).toBe('lock');
  });

  it('judges write memory by [OK]', () => {
    const ok = [
      'Building configuration...',
      'Cryptochecksum: 4b86b1e4 2e731d6b 9d1fc491 a5eae0f3 ',
      '',
      '6854 bytes copied in 1.20 secs (6854 bytes/sec)',
      '[OK]',
    ].join('\n');
    expect(judgeWriteMemory(ok)).toBe('ok');
    expect(
      judgeWriteMemory('Building configuration...\n%Error copying system:/running-config (No Device)\n[FAILED]'),
    ).toBe('failed');
    expect(judgeWriteMemory('Command Failed. Configuration in progress...')).toBe('busy');
  });
});

describe('readAsaOptions', () => {
  it('defaults, and names the field of a bad value', () => {
    expect(readAsaOptions({})).toEqual(ASA_DEFAULTS);
    expect(readAsaOptions({ 'advanced.configSession': 'kill', 'objectGroups.nestedSize': 500 })).toMatchObject({
      nestedSize: 500,
      configSession: 'kill',
    });
    expect(() => readAsaOptions({ 'objectGroups.shimAddress': 'x' })).toThrow(/objectGroups.shimAddress/);
    expect(() => readAsaOptions({ 'objectGroups.nestedSize': 0 })).toThrow(ConfigError);
  });
});

const CONFIG = [
  'object-group network ThreatSTOP-Block-1',
  ' network-object 192.0.2.1 255.255.255.255',
  ' network-object host 192.0.2.2',
  'object-group network ThreatSTOP-Block',
  ' group-object ThreatSTOP-Block-1',
  'object-group network ThreatSTOP-Allow',
  ' network-object host 198.51.100.1',
  'access-list outside_in extended deny ip object-group ThreatSTOP-Block any',
].join('\n');

function basisOf(text: string): Observation {
  const config = parseAsaConfig(text);
  const users = groupUsers(config);
  const shim = prefixesFromStrings(['10.255.255.254/32']);
  const groups = new Map<string, AsaGroupFacts>();
  const observed = (['ThreatSTOP-Block', 'ThreatSTOP-Allow'] as const).map((name, i) => {
    const f = foldNestedGroup(config, { name, role: i === 0 ? 'block' : 'allow' }, shim, users);
    groups.set(name, { layout: f.layout, inUse: f.inUse });
    return f.observed;
  });
  const facts: AsaFacts = { kind: 'asa', groups, ...memberForms(config) };
  return { groups: observed, facts };
}

function change(name: string, action: GroupChange['action'], add: string[], remove: string[]): GroupChange {
  return {
    name,
    role: name.endsWith('Block') ? 'block' : 'allow',
    action,
    add: prefixesFromStrings(add),
    remove: prefixesFromStrings(remove),
    unmanaged: 0,
    alreadyPresent: 0,
    before: 0,
    after: 0,
  };
}

describe('planAsaApply', () => {
  const o = { ...ASA_DEFAULTS, nestedSize: 2 };
  const basis = basisOf(CONFIG);

  it('describes a new child, removes a mask-form host in its form, and predicts the next basis', () => {
    const changes = [
      change('ThreatSTOP-Block', 'update', ['203.0.113.1/32', '203.0.113.2/32', '203.0.113.3/32'], ['192.0.2.1/32']),
      change('ThreatSTOP-Allow', 'update', [], ['198.51.100.1/32']),
    ];
    const plan = planAsaApply(changes, basis, o);
    // Child 1 has room for one after its removal; the Allow group is not in use, so it may be emptied.
    expect(describeOps(plan.ops, basis, o)).toEqual([
      'create child ThreatSTOP-Block-2 (2 members) nested in its master',
    ]);
    const [block, allow] = plan.after.groups;
    expect(prefixesToStrings(block!.members)).toEqual([
      '192.0.2.2/32',
      '203.0.113.1/32',
      '203.0.113.2/32',
      '203.0.113.3/32',
    ]);
    expect(prefixCount(allow!.members)).toBe(0);
    const lines = listGroupCommands(plan.ops, basis.facts as AsaFacts).materialise().lines;
    expect(lines).toContain(' no network-object 192.0.2.1 255.255.255.255');
    expect((plan.after.facts as AsaFacts).maskHosts.get('ThreatSTOP-Block-1')?.has(0xc0000201)).toBe(false);
    // Planning again against the prediction: nothing left to do.
    const again = planAsaApply(
      changes.map((c) => change(c.name, 'none', [], [])),
      plan.after,
      o,
    );
    expect(again.ops).toEqual([]);
  });

  it('holds an emptied group in use with the shim, deletes the emptied child, and says why', () => {
    const plan = planAsaApply([change('ThreatSTOP-Block', 'update', [], ['192.0.2.1/32', '192.0.2.2/32'])], basis, o);
    expect(describeOps(plan.ops, basis, o)).toEqual([
      'add shim 10.255.255.254 to ThreatSTOP-Block: in use by access-list outside_in, it may not be empty',
      'delete child ThreatSTOP-Block-1 (emptied)',
    ]);
  });

  it('refuses to delete a group in use, naming the ACL', () => {
    expect(() => planAsaApply([change('ThreatSTOP-Block', 'delete', [], [])], basis, o)).toThrow(
      /ThreatSTOP-Block is in use by access-list outside_in/,
    );
  });
});

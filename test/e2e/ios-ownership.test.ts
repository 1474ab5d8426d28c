// Ownership end to end: tscm pointed at a block group an inbound ACL already uses, holding members an
// administrator typed (some of which the feed also lists). tscm adds what is missing, claims only its own adds,
// never removes an administrator's member whatever the feed does later, and `tscm remove` deletes only the groups
// it created (with their IPv6 twin), taking just its own members out of the administrator's group.

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prefixesToStrings } from '../../src/cidr/index.js';
import { StateStore } from '../../src/state/index.js';
import { runTscm } from '../helpers/cli.js';
import { startLab, type Lab } from '../helpers/lab.js';

/** Members an administrator typed into the block group before tscm came. */
const ADMIN = ['198.51.100.7', '198.51.100.8', '198.51.100.9', '203.0.113.66'];
const ROUTER_CONFIG = `!
hostname edge-rtr
!
object-group network threatstop-block
 description typed by hand before tscm
${ADMIN.map((a) => ` host ${a}`).join('\n')}
 10.99.0.0 255.255.0.0
!
interface GigabitEthernet0/0
 ip access-group INBOUND in
!
ip access-list extended INBOUND
 deny ip object-group threatstop-block any
 permit ip any any
!
end
`;
/** The feed lists three of the administrator's hosts, plus its own entries. */
const FEED_1 = ['198.51.100.7/32', '198.51.100.8/32', '203.0.113.66/32', '192.0.2.0/24', '192.0.3.200/32'];
const FEED_2 = ['192.0.2.0/24', '100.64.1.1/32'];
const ALLOW = ['2001:db8:5::/48', '100.64.9.9/32'];
const GROUP = 'threatstop-block';

describe('a block group an ACL already uses, holding an administrator members', () => {
  let lab: Lab;
  const run = (args: string[]) => runTscm([...args, '--dir', lab.dir], { env: lab.env });
  const owned = async (group: string) => {
    const state = await new StateStore(path.join(lab.dir, '.tscm')).read('edge-01');
    const g = state?.inventory.groups.find((x) => x.name === group);
    return g ? { created: g.created, members: prefixesToStrings(g.members).sort() } : undefined;
  };
  const onRouter = (group: string) => (lab.router.objectGroups().get(group) ?? []).map((l) => l.trim());

  beforeAll(async () => {
    // FEED_2 replaces most of FEED_1 (the point of the third test): the integrity gates are not what is tested here.
    const deviceYaml = 'safety: { maxShrink: 1, maxChurn: 1 }\n';
    lab = await startLab({ block: FEED_1, allow: ALLOW, routerConfig: ROUTER_CONFIG, deviceYaml });
  });
  afterAll(async () => lab?.close());

  it('plans the migration naming the ACL, the existing members, and those left in place in every view', async () => {
    const human = await run(['plan']);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain('3 already on the device, not managed: left in place');
    expect(human.stdout).toMatch(
      /threatstop-block already exists, used by ip access-list extended INBOUND; its 5 existing member\(s\) are not tscm's and are never removed by it/,
    );
    const json = JSON.parse((await run(['plan', '--json'])).stdout);
    const block = json.devices[0].groups.find((g: { name: string }) => g.name === GROUP);
    expect(block).toMatchObject({ action: 'update', unmanaged: 5, alreadyPresent: 3 });
    expect(block.add).toEqual(['192.0.2.0/24', '192.0.3.200/32']);
    const md = await run(['plan', '--markdown']);
    expect(md.stdout).toContain('| Unmanaged | Already there, not managed |');
    expect(md.stdout).toMatch(/\| update \| 2 \| 0 \| 5 → 7 \| 5 \| 3 \|/);
  });

  it('applies, claiming only its own adds; the group stays not created by tscm', async () => {
    const r = await run(['apply', '--auto-approve']);
    expect(r.code, r.stderr).toBe(0);
    expect(await owned(GROUP)).toEqual({ created: false, members: ['192.0.2.0/24', '192.0.3.200/32'] });
    expect(await owned('threatstop-allow')).toEqual({ created: true, members: ['100.64.9.9/32', '2001:db8:5::/48'] });
    expect(onRouter('threatstop-allow-v6')).toEqual(['2001:db8:5::/48']);
  });

  it('a feed that drops the administrator hosts never removes them; tscm removes only its own', async () => {
    lab.setBlock(FEED_2, 2);
    const r = await run(['apply', '--auto-approve']);
    expect(r.code, r.stderr).toBe(0);
    const members = onRouter(GROUP);
    for (const a of ADMIN) expect(members).toContain(`host ${a}`);
    expect(members).toContain('10.99.0.0 255.255.0.0');
    expect(members).not.toContain('host 192.0.3.200');
    expect(members).toContain('host 100.64.1.1');
    expect(await owned(GROUP)).toEqual({ created: false, members: ['100.64.1.1/32', '192.0.2.0/24'] });
    const plan = await run(['plan', '--detailed-exitcode']);
    expect(plan.code, plan.stdout).toBe(0);
  });

  it('tscm remove takes tscm members out of the administrator group and deletes the groups it created', async () => {
    const r = await run(['remove', 'edge-01', '--auto-approve']);
    expect(r.code, r.stderr).toBe(0);
    expect(lab.router.runningConfig()).toContain('description typed by hand before tscm');
    expect(onRouter(GROUP)).toEqual([...ADMIN.map((a) => `host ${a}`), '10.99.0.0 255.255.0.0']);
    expect(lab.router.objectGroups().has('threatstop-allow')).toBe(false);
    expect(lab.router.objectGroups().has('threatstop-allow-v6')).toBe(false);
    expect(lab.router.runningConfig()).toContain('deny ip object-group threatstop-block any');
    expect(await owned(GROUP)).toBeUndefined();
  });
});

describe('policyUpdates: false', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ block: FEED_1, deviceYaml: 'policyUpdates: false\n' });
  });
  afterAll(async () => lab?.close());

  it('is planned and reported, and apply leaves the device untouched with exit code 3', async () => {
    const run = (args: string[]) => runTscm([...args, '--dir', lab.dir], { env: lab.env });
    const plan = await run(['plan']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/policyUpdates is false for edge-01: planned and reported only/);
    const before = lab.router.runningConfig();
    const sent = lab.router.commandLog().length;
    const r = await run(['apply', '--auto-approve']);
    expect(r.code, r.stdout + r.stderr).toBe(3);
    expect(r.stdout).toMatch(/edge-01: skipped: policyUpdates is false.*\(its changes are not applied\)/);
    expect(lab.router.runningConfig()).toBe(before);
    // apply did not even log in to change anything: only the plan's read-only commands reached the router.
    expect(
      lab.router
        .commandLog()
        .slice(sent)
        .filter((c) => /^(conf|object-group|no |host |write|end)/.test(c)),
    ).toEqual([]);
  });
});

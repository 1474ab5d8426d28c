// `tscm plan --refresh=false` trusts the stored state: no SSH connection to the device (counted at a loopback
// relay in front of the emulator, and the emulator's command log does not grow), no changes right after an apply,
// and after a zone update the diff against the stored inventory. A bad --refresh value is a clear error.

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregate, exactDifference, prefixCount, prefixesFromStrings } from '../../src/cidr/index.js';
import { generateFeed, rollFeed } from '../../src/lab/demo/policy-feed.js';
import { StateStore } from '../../src/state/index.js';
import { runTscm } from '../helpers/cli.js';
import { startLab, startRelay, type Lab, type Relay } from '../helpers/lab.js';

const feed = generateFeed(1500, 31);
const hosts = feed.block.filter((e) => e.endsWith('/32'));

describe('tscm plan --refresh=false', () => {
  let lab: Lab;
  let relay: Relay;
  const run = (args: string[]) => runTscm([...args, '--dir', lab.dir], { env: lab.env });

  beforeAll(async () => {
    lab = await startLab({ block: hosts });
    // The device is reached through a relay that counts connections: the one sure sign of an SSH session.
    relay = await startRelay(() => lab.router.port);
    await lab.writeDevice(undefined, { managementPort: relay.port });
    const apply = await run(['apply', '--auto-approve']);
    expect(apply.code, apply.stderr).toBe(0);
    expect(relay.connections()).toBeGreaterThan(0);
  });
  afterAll(async () => {
    await relay?.close();
    await lab?.close();
  });

  it('makes no SSH connection and shows no changes right after an apply', async () => {
    const before = { connections: relay.connections(), log: lab.router.commandLog().length };
    const plan = await run(['plan', '--refresh=false', '--detailed-exitcode']);
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/No changes/);
    expect(relay.connections()).toBe(before.connections);
    expect(lab.router.commandLog().length).toBe(before.log);
  });

  it('after a zone update shows the diff against the stored inventory, still without connecting', async () => {
    const state = await new StateStore(path.join(lab.dir, '.tscm')).read('edge-01');
    const stored = state!.inventory.groups.find((g) => g.name === 'threatstop-block')!.members;
    const next = rollFeed({ block: hosts, allow: [] }, 0.05, 32).block;
    lab.setBlock(next, 2);
    const desired = aggregate(prefixesFromStrings(next));
    const before = { connections: relay.connections(), log: lab.router.commandLog().length };

    const plan = await run(['plan', '--refresh=false', '--json']);
    expect(plan.code, plan.stderr).toBe(0);
    const summary = JSON.parse(plan.stdout).devices[0].summary;
    expect(summary.add).toBe(prefixCount(exactDifference(desired, stored)));
    expect(summary.remove).toBe(prefixCount(exactDifference(stored, desired)));
    expect(summary.add).toBeGreaterThan(10);
    expect(summary.remove).toBeGreaterThan(10);
    const human = await run(['plan', '--refresh=false', '--detailed-exitcode']);
    expect(human.code).toBe(2);
    expect(human.stdout).toContain(`Plan: ${summary.add} to add, ${summary.remove} to remove`);
    expect(relay.connections()).toBe(before.connections);
    expect(lab.router.commandLog().length).toBe(before.log);

    // The refreshed plan reads the device (one connection) and agrees here: the device matches the state.
    const refreshed = await run(['plan', '--json']);
    expect(refreshed.code, refreshed.stderr).toBe(0);
    expect(JSON.parse(refreshed.stdout).devices[0].summary).toMatchObject({ add: summary.add, remove: summary.remove });
    expect(relay.connections()).toBe(before.connections + 1);
  });

  it('--refresh=banana is a clear error (exit 1)', async () => {
    const before = relay.connections();
    const r = await run(['plan', '--refresh=banana']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--refresh takes true or false, not "banana"');
    expect(r.stderr).toContain('hint: e.g. --refresh=false');
    expect(relay.connections()).toBe(before);
  });
});

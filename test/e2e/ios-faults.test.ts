// Each fault of the emulated router, followed by a run that converges: a dropped connection mid-apply, slow
// replies, a wrong enable password, busy NVRAM, a locked configuration mode. The state must match the device
// after every run, never ahead of or behind it.

import { afterEach, describe, expect, it } from 'vitest';
import { StateStore } from '../../src/state/index.js';
import { prefixesToStrings } from '../../src/cidr/index.js';
import path from 'node:path';
import { generateFeed } from '../../src/lab/demo/policy-feed.js';
import { runTscm } from '../helpers/cli.js';
import { startLab, type Lab } from '../helpers/lab.js';

const feed = generateFeed(3000, 11);
let lab: Lab | undefined;
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

const run = (l: Lab, args: string[]) => runTscm([...args, '--dir', l.dir], { env: l.env });

/** The members the state says tscm owns, as the router prints them (host A / A MASK), sorted. */
async function stateMembers(l: Lab): Promise<string[]> {
  const state = await new StateStore(path.join(l.dir, '.tscm')).read('edge-01');
  const group = state?.inventory.groups.find((g) => g.name === 'threatstop-block');
  return group ? prefixesToStrings(group.members).sort() : [];
}

function routerHosts(l: Lab): string[] {
  return (l.router.objectGroups().get('threatstop-block') ?? [])
    .map((x) => x.trim())
    .filter((x) => x.startsWith('host '))
    .map((x) => `${x.slice(5)}/32`)
    .sort();
}

async function expectConverged(l: Lab): Promise<void> {
  const apply = await run(l, ['apply', '--auto-approve']);
  expect(apply.code, apply.stderr).toBe(0);
  const plan = await run(l, ['plan', '--detailed-exitcode']);
  expect(plan.code, plan.stdout + plan.stderr).toBe(0);
}

describe('faults on the device, then a run that converges', () => {
  it('a connection dropped mid-apply records what reached the device, and the next run finishes', async () => {
    const hosts = feed.block.filter((e) => e.endsWith('/32'));
    lab = await startLab({ block: hosts });
    lab.router.setFaults({ dropAfterCommands: 1200 });
    const first = await run(lab, ['apply', '--auto-approve']);
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/apply stopped|connection|closed/i);
    const onRouter = routerHosts(lab);
    expect(onRouter.length).toBeGreaterThan(0);
    expect(onRouter.length).toBeLessThan(hosts.length);
    // the state is exactly what reached the router: not ahead (claims unsent adds), not behind
    expect(await stateMembers(lab)).toEqual(onRouter);

    lab.router.setFaults({});
    await expectConverged(lab);
    expect(routerHosts(lab)).toEqual([...hosts].sort());
  });

  it('slow replies still apply', async () => {
    lab = await startLab({ block: feed.block.slice(0, 100) });
    lab.router.setFaults({ replyDelayMs: 20 });
    await expectConverged(lab);
  });

  it('a wrong enable password stops with a clear error and no secret, then works once fixed', async () => {
    lab = await startLab({ block: feed.block.slice(0, 50) });
    lab.router.setFaults({ rejectEnable: true });
    const r = await run(lab, ['apply', '--auto-approve']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/enable/i);
    for (const s of lab.secrets) expect(r.stdout + r.stderr).not.toContain(s);
    expect(lab.router.objectGroups().get('threatstop-block') ?? []).toHaveLength(0);
    lab.router.setFaults({});
    await expectConverged(lab);
  });

  it('busy NVRAM is retried until write memory succeeds', async () => {
    lab = await startLab({ block: feed.block.slice(0, 50), deviceYaml: '' });
    lab.router.setFaults({ nvramBusyTimes: 2 });
    await expectConverged(lab);
    expect(lab.router.startupConfig()).toContain('threatstop-block');
  });

  it('NVRAM busy for too long fails the save, and the next run saves', async () => {
    lab = await startLab({ block: feed.block.slice(0, 50) });
    lab.router.setFaults({ nvramBusyTimes: 50 });
    const r = await run(lab, ['apply', '--auto-approve']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/busy/i);
    expect(lab.router.startupConfig()).not.toMatch(/^ host /m);
    lab.router.setFaults({});
    // The running config already converged; the next apply saves it.
    const again = await run(lab, ['apply', '--auto-approve']);
    expect(again.code, again.stderr).toBe(0);
    expect(lab.router.startupConfig()).toMatch(/^ host /m);
  });

  it('a locked configuration mode is waited out', async () => {
    lab = await startLab({ block: feed.block.slice(0, 50) });
    lab.router.setFaults({ configLockedTimes: 2 });
    await expectConverged(lab);
  });
});

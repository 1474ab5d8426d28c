// `tscm reconcile --once` as a user or the container runs it: a device whose definition is deleted is reported
// as orphaned with its groups and removed only with --prune; SIGTERM mid-pass stops the device being applied
// truthfully (its state is exactly what reached it, no lock left), starts no other device, exits 143, and the
// next pass finishes the job.

import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { prefixesToStrings } from '../../src/cidr/index.js';
import { StateStore } from '../../src/state/index.js';
import { runTscm, startTscm } from '../helpers/cli.js';
import { groupMembers, hosts, startFleetLab, type FleetLab } from '../helpers/fleet-lab.js';

const A = 'a.cli.tscm.test';

let lab: FleetLab | undefined;
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

const reconcile = (l: FleetLab, ...args: string[]) =>
  runTscm(['reconcile', '--once', '--dir', l.dir, ...args], { env: l.env });
const store = (l: FleetLab) => new StateStore(path.join(l.dir, '.tscm'));

describe('one process per pass (cron, CI)', () => {
  it('a new process knows what moved from the stored statuses: nothing new opens no session', async () => {
    const B = 'b.cli.tscm.test';
    lab = await startFleetLab({
      zones: { [A]: hosts('10.1.0.0', 10), [B]: hosts('10.2.0.0', 10) },
      devices: [
        { name: 'r1', zone: A },
        { name: 'r2', zone: B },
        { name: 'r3', zone: '{ file: ../lists/r3.txt }' },
      ],
    });
    const l = lab;
    await mkdir(path.join(l.dir, 'lists'));
    await writeFile(path.join(l.dir, 'lists', 'r3.txt'), '10.3.0.1\n');
    l.commit('r3 list');
    const logins = () => ['r1', 'r2', 'r3'].map((n) => l.logins(n));
    const first = await reconcile(l);
    expect(first.code, first.stderr).toBe(0);
    expect(logins()).toEqual([1, 1, 1]);

    const idle = await reconcile(l);
    expect(idle.code, idle.stderr).toBe(0);
    expect(idle.stdout).toMatch(/0 session\(s\) opened, 0 zone transfer\(s\)/);
    expect(logins()).toEqual([1, 1, 1]);

    l.setZone(B, hosts('10.2.0.0', 11), 2);
    const serial = await reconcile(l);
    expect(serial.stdout).toMatch(/1 session\(s\) opened, 1 zone transfer\(s\)/);
    expect(logins()).toEqual([1, 2, 1]); // r3's policy is its list file, not zone B

    // A file the device reads changed in a new commit: only that device, though its own YAML did not change.
    await writeFile(path.join(l.dir, 'lists', 'r3.txt'), '10.3.0.1\n10.3.0.2\n');
    l.commit('r3 list grows');
    const list = await reconcile(l);
    expect(list.code, list.stderr).toBe(0);
    expect(logins()).toEqual([1, 2, 2]);
    expect(groupMembers(l.routers.get('r3')!)).toHaveLength(2);
  });
});

describe('orphans', () => {
  it('a deleted definition is reported with its groups, and its groups are removed only with --prune', async () => {
    lab = await startFleetLab({
      zones: { [A]: hosts('10.1.0.0', 10) },
      devices: [
        { name: 'r1', zone: A },
        { name: 'r2', zone: A },
      ],
    });
    const first = await reconcile(lab);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^r1 {2}Applied {2}applied: 10 added, 0 removed$/m);
    expect(first.stdout).toMatch(/2 device\(s\), 2 session\(s\) opened, 1 zone transfer\(s\), 0 failed\.$/m);

    await lab.removeDevice('r2');
    lab.commit('r2 retired');
    const reported = await reconcile(lab);
    expect(reported.code, reported.stderr).toBe(0);
    expect(reported.stdout).toMatch(
      /^r2 {2}Orphaned {2}its definition was deleted; tscm's groups remain on the device: threatstop-block \(remove them with tscm remove or --prune\)$/m,
    );
    expect(groupMembers(lab.routers.get('r2')!)).toHaveLength(10);
    expect((await store(lab).readStatus('r2'))?.reason).toBe('Orphaned');

    // --prune: the definition comes from git (the revision of r2's last apply); the groups tscm created go.
    const pruned = await reconcile(lab, '--prune');
    expect(pruned.code, pruned.stderr + pruned.stdout).toBe(0);
    expect(pruned.stdout).toMatch(/^r2 {2}Orphaned {2}its definition was deleted; pruned: tscm's groups were removed/m);
    expect(lab.routers.get('r2')!.objectGroups().has('threatstop-block')).toBe(false);
    expect(groupMembers(lab.routers.get('r1')!)).toHaveLength(10);
    expect((await store(lab).read('r2'))?.inventory.groups).toEqual([]);
    const after = await reconcile(lab, '--prune');
    expect(after.stdout).toMatch(/^r2 {2}Orphaned {2}its definition was deleted; nothing of tscm's remains/m);
  });
});

describe('SIGTERM mid-pass', () => {
  it('stops the device being applied truthfully, starts no other, exits 143; the next pass converges', async () => {
    const TOTAL = 20_000;
    const extra = 'objectGroups: { maxEntries: 200000 }\n';
    lab = await startFleetLab({
      zones: { [A]: hosts('10.0.0.0', TOTAL) },
      devices: [
        { name: 'r1', zone: A, extra },
        { name: 'r2', zone: A, extra },
      ],
    });
    const l = lab;
    const run = startTscm(['reconcile', '--once', '--concurrency', '1', '--dir', l.dir], { env: l.env });
    // Devices go in name order with one at a time: r1 first. Once it holds 4,000 members, slow it and stop tscm.
    const timer = setInterval(() => {
      if (groupMembers(l.routers.get('r1')!).length < 4_000) return;
      clearInterval(timer);
      l.routers.get('r1')!.setFaults({ replyDelayMs: 2 });
      run.child.kill('SIGTERM');
    }, 5);
    const r = await run.done.finally(() => clearInterval(timer));
    l.routers.get('r1')!.setFaults({});
    expect(r.code, r.stderr).toBe(143);
    expect(r.stderr).toMatch(/^Interrupted by SIGTERM: what reached the devices is recorded/m);
    const onRouter = groupMembers(l.routers.get('r1')!);
    expect(onRouter.length).toBeGreaterThanOrEqual(4_000);
    expect(onRouter.length).toBeLessThan(TOTAL);
    // The state is exactly what reached r1; no lock or journal is left; r2 was never started.
    const state = await store(l).read('r1');
    const owned = prefixesToStrings(state!.inventory.groups[0]!.members).map((p) => `host ${p.slice(0, -3)}`);
    expect(owned.sort()).toEqual([...onRouter].sort());
    expect(existsSync(path.join(l.dir, '.tscm', 'r1', 'lock'))).toBe(false);
    expect(existsSync(path.join(l.dir, '.tscm', 'r1', 'journal.jsonl'))).toBe(false);
    expect(l.logins('r2')).toBe(0);
    expect(await store(l).readStatus('r1')).toMatchObject({
      reason: 'Retrying',
      lastError: { step: 'apply', kind: 'transient' },
    });

    const again = await reconcile(l);
    expect(again.code, again.stderr).toBe(0);
    for (const name of ['r1', 'r2']) {
      expect(groupMembers(l.routers.get(name)!)).toHaveLength(TOTAL);
      expect((await store(l).readStatus(name))?.reason).toBe('Applied');
    }
  });
});

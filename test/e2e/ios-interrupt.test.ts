// An apply of 50,000 entries interrupted mid-way (SIGTERM as a container stop, SIGINT as Ctrl-C, kill -9 as a
// power cut), then one run that converges: every member tscm sent is recorded as its own, none is left "not
// managed", and no lock stays behind.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { prefixesToStrings } from '../../src/cidr/index.js';
import { StateStore } from '../../src/state/index.js';
import { runTscm, startTscm } from '../helpers/cli.js';
import { startLab, type Lab } from '../helpers/lab.js';

const GROUP = 'threatstop-block';
const TOTAL = 50_000;
/** Every other address of 10.0.0.0/8: 50,000 /32 entries that never aggregate. */
const HOSTS = Array.from({ length: TOTAL }, (_, i) => {
  const a = 0x0a000000 + 2 * i;
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}/32`;
});

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

const stateDir = (l: Lab) => path.join(l.dir, '.tscm');
const deviceFile = (l: Lab, name: string) => path.join(stateDir(l), 'edge-01', name);

async function stateMembers(l: Lab): Promise<string[]> {
  const state = await new StateStore(stateDir(l)).read('edge-01');
  const group = state?.inventory.groups.find((g) => g.name === GROUP);
  return group ? prefixesToStrings(group.members).sort() : [];
}

function routerMembers(l: Lab): string[] {
  return (l.router.objectGroups().get(GROUP) ?? [])
    .map((x) => x.trim())
    .filter((x) => x.startsWith('host '))
    .map((x) => `${x.slice(5)}/32`)
    .sort();
}

/**
 * Starts `tscm apply` and, once the router holds `after` members, slows the router down (so the run cannot finish
 * first) and sends `signals` to tscm. Resolves with tscm's result.
 */
async function interruptApply(l: Lab, signals: NodeJS.Signals[], after = 10_000) {
  const run = startTscm(['apply', '--auto-approve', '--dir', l.dir], { env: l.env });
  const timer = setInterval(() => {
    if ((l.router.objectGroups().get(GROUP)?.length ?? 0) < after) return;
    clearInterval(timer);
    l.router.setFaults({ replyDelayMs: 2 });
    const [first, ...more] = signals;
    run.child.kill(first);
    // Signals sent back to back can merge into one: send each next one once tscm has told of the first.
    if (more.length > 0) {
      const ack = setInterval(() => {
        if (!run.stderr().includes('stopping after the changes in flight')) return;
        clearInterval(ack);
        for (const s of more) run.child.kill(s);
      }, 5);
      void run.done.finally(() => clearInterval(ack));
    }
  }, 5);
  try {
    return await run.done;
  } finally {
    clearInterval(timer);
    l.router.setFaults({});
  }
}

async function expectConvergedAndOwned(l: Lab): Promise<void> {
  const again = await runTscm(['apply', '--auto-approve', '--dir', l.dir], { env: l.env });
  expect(again.code, again.stderr).toBe(0);
  expect(routerMembers(l)).toHaveLength(TOTAL);
  // Every member on the router is tscm's own: none was orphaned as "not managed".
  expect(await stateMembers(l)).toEqual(routerMembers(l));
  const plan = await runTscm(['plan', '--json', '--detailed-exitcode', '--dir', l.dir], { env: l.env });
  expect(plan.code, plan.stderr).toBe(0);
  const block = JSON.parse(plan.stdout).devices[0].groups.find((g: { name: string }) => g.name === GROUP);
  expect(block).toMatchObject({ action: 'none', unmanaged: 0, alreadyPresent: 0 });
  expect(existsSync(deviceFile(l, 'lock'))).toBe(false);
  expect(existsSync(deviceFile(l, 'journal.jsonl'))).toBe(false);
}

describe('an apply of 50,000 entries interrupted mid-way', () => {
  for (const [signal, code] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const) {
    it(`${signal}: stops after the lines in flight, records the truth, releases the lock, exits ${code}`, async () => {
      lab = await startLab({ block: HOSTS });
      const r = await interruptApply(lab, [signal]);
      expect(r.code, r.stderr).toBe(code);
      const summary = r.stderr.split('\n').filter((l) => l.startsWith('Interrupted by'));
      expect(summary).toEqual([
        expect.stringMatching(
          new RegExp(`^Interrupted by ${signal}: edge-01 stopped after \\d+ confirmed member changes; what reached`),
        ),
      ]);
      const onRouter = routerMembers(lab);
      expect(onRouter.length).toBeGreaterThanOrEqual(10_000);
      expect(onRouter.length).toBeLessThan(TOTAL);
      // The state is exactly what reached the router, the lock and the journal are gone.
      expect(await stateMembers(lab)).toEqual(onRouter);
      expect(existsSync(deviceFile(lab, 'lock'))).toBe(false);
      expect(existsSync(deviceFile(lab, 'journal.jsonl'))).toBe(false);
      // The device was left in privileged mode, and the running config was not saved half-way.
      expect(lab.router.startupConfig()).not.toContain('host 10.0.0.0');
      await expectConvergedAndOwned(lab);
    });
  }

  it('kill -9: the next run recovers the dead run lock and claims the journaled members it finds', async () => {
    lab = await startLab({ block: HOSTS });
    const r = await interruptApply(lab, ['SIGKILL']);
    expect(r.signal).toBe('SIGKILL');
    const onRouter = routerMembers(lab);
    expect(onRouter.length).toBeGreaterThanOrEqual(10_000);
    expect(await stateMembers(lab)).toEqual([]);
    expect(existsSync(deviceFile(lab, 'lock'))).toBe(true);
    expect(existsSync(deviceFile(lab, 'journal.jsonl'))).toBe(true);
    // Even a plan (which takes no lock) reads the journal: the members that arrived are tscm's, not "not managed".
    const plan = await runTscm(['plan', '--json', '--dir', lab.dir], { env: lab.env });
    const block = JSON.parse(plan.stdout).devices[0].groups.find((g: { name: string }) => g.name === GROUP);
    expect(block).toMatchObject({ unmanaged: 0, alreadyPresent: 0 });
    const again = await runTscm(['apply', '--auto-approve', '--dir', lab.dir], { env: lab.env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/recovered the lock of a tscm run that died/);
    expect(again.stderr).toMatch(/no longer runs on/);
    await expectConvergedAndOwned(lab);
  });

  it('a second signal exits at once; the next run recovers the lock and converges', async () => {
    lab = await startLab({ block: HOSTS });
    const r = await interruptApply(lab, ['SIGTERM', 'SIGTERM']);
    expect(r.code).toBe(143);
    expect(r.stderr).toMatch(/SIGTERM again: exiting now/);
    expect(r.stderr).not.toMatch(/^Interrupted by/m);
    await expectConvergedAndOwned(lab);
  });
});

// CI's case: every job is a fresh clone of the definitions repository. With the git state backend (here a branch
// of the definitions repository itself, over file://), the second clone knows which members are tscm's: it plans
// no change, and removes tscm's own members when the feed drops them. A clone on the local backend (the control)
// has no state and sees the same members as "already on the device, not managed".

import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTscm } from '../helpers/cli.js';
import { startLab, type Lab } from '../helpers/lab.js';

const FEED_1 = ['192.0.2.0/24', '198.51.100.0/25', '203.0.113.7/32', '203.0.113.9/32'];
const FEED_2 = ['192.0.2.0/24', '198.51.100.0/25', '203.0.113.7/32', '100.64.1.1/32'];

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'ops',
      GIT_AUTHOR_EMAIL: 'ops@example.test',
      GIT_COMMITTER_NAME: 'ops',
      GIT_COMMITTER_EMAIL: 'ops@example.test',
    },
  });
}

describe('apply from two fresh clones in turn, with the git state backend', () => {
  let lab: Lab;
  let bare: string;
  let head: string;
  const clone = (name: string): string => {
    const dir = path.join(lab.dir, '..', `${path.basename(lab.dir)}-${name}`);
    git(lab.dir, 'clone', '--quiet', `file://${bare}`, dir);
    return dir;
  };
  const run = (dir: string, args: string[]) => runTscm([...args, '--dir', dir], { env: lab.env });
  const onRouter = () => (lab.router.objectGroups().get('threatstop-block') ?? []).map((l) => l.trim()).sort();

  beforeAll(async () => {
    lab = await startLab({ block: FEED_1 });
    bare = `${lab.dir}.git`;
    // The definitions repository is the state repository too: the state lives on its tscm-state branch.
    const settings = path.join(lab.dir, 'tscm.yaml');
    await writeFile(
      settings,
      `${await readFile(settings, 'utf8')}state: { backend: git, repo: "file://${bare}", branch: tscm-state }\n`,
    );
    git(lab.dir, 'init', '--quiet', '--bare', bare);
    git(lab.dir, 'init', '--quiet');
    git(lab.dir, 'add', '.');
    git(lab.dir, 'commit', '--quiet', '-m', 'definitions');
    git(lab.dir, 'push', '--quiet', bare, 'HEAD:refs/heads/main');
    git(bare, 'symbolic-ref', 'HEAD', 'refs/heads/main');
    head = git(lab.dir, 'rev-parse', 'HEAD').trim();
  });
  afterAll(async () => {
    await lab?.close();
    execFileSync('rm', ['-rf', bare, `${lab.dir}-one`, `${lab.dir}-two`, `${lab.dir}-control`]);
  });

  it('the first clone applies; its state is a commit on the state branch naming device, serial, command, revision', async () => {
    const one = clone('one');
    const r = await run(one, ['apply', '--auto-approve']);
    expect(r.code, r.stderr).toBe(0);
    expect(onRouter().length).toBeGreaterThan(0);
    const log = git(bare, 'log', '--format=%an %s', 'tscm-state');
    expect(log).toContain(`tscm edge-01: state serial 1 (tscm apply, revision ${head})`);
    expect(log).toMatch(/edge-01: lock \(tscm apply/);
    expect(log).toMatch(/edge-01: unlock \(tscm apply/);
    // The definitions branch is untouched: the state is on its own branch.
    expect(git(bare, 'rev-parse', 'main').trim()).toBe(head);
  });

  it("a second fresh clone sees tscm's members as managed: no change, then it removes what the feed drops", async () => {
    const two = clone('two');
    const plan = await run(two, ['plan']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('No changes. edge-01 is up to date.');
    expect(plan.stdout).not.toContain('not managed');

    lab.setBlock(FEED_2, 2);
    const r = await run(two, ['apply', '--auto-approve']);
    expect(r.code, r.stderr).toBe(0);
    // 203.0.113.9, added by the first clone, is gone: the second clone knew it was tscm's.
    expect(onRouter()).toEqual([
      '192.0.2.0 255.255.255.0',
      '198.51.100.0 255.255.255.128',
      'host 100.64.1.1',
      'host 203.0.113.7',
    ]);
    const show = JSON.parse((await run(two, ['state', 'show', 'edge-01', '--json'])).stdout);
    expect(show).toMatchObject({ serial: 2, lock: null, lastApply: { ok: true, revision: head } });
    expect(show.groups).toEqual([expect.objectContaining({ name: 'threatstop-block', count: 4 })]);
    expect(show.history).toHaveLength(1); // the plan recorded by `tscm plan` above
  });

  it("control: a clone on the local backend has no state and takes tscm's members for an administrator's", async () => {
    const control = clone('control');
    const settings = path.join(control, 'tscm.yaml');
    await writeFile(settings, (await readFile(settings, 'utf8')).replace(/^state: .*$/m, ''));
    lab.setBlock(FEED_1, 3);
    const plan = await run(control, ['plan']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('3 already on the device, not managed: left in place');
    expect(plan.stdout).toContain('1 other member(s) not managed by tscm: left in place');
  });
});

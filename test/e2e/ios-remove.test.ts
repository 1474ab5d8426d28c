// tscm remove: takes tscm's groups off a router (after the plan is shown), leaves everything else, and leaves
// the state empty so the next plan starts over.

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFeed } from '../../src/lab/demo/policy-feed.js';
import { StateStore } from '../../src/state/index.js';
import { runTscm } from '../helpers/cli.js';
import { startLab, type Lab } from '../helpers/lab.js';

const feed = generateFeed(400, 21);

describe('tscm remove', () => {
  let lab: Lab;
  const run = (args: string[]) => runTscm([...args, '--dir', lab.dir], { env: lab.env });
  beforeAll(async () => {
    lab = await startLab({ block: feed.block, allow: feed.allow });
  });
  afterAll(async () => lab?.close());

  it('removes the groups tscm created, and nothing else', async () => {
    const apply = await run(['apply', '--auto-approve']);
    expect(apply.code, apply.stderr).toBe(0);
    expect(lab.router.objectGroups().get('threatstop-block')?.length).toBeGreaterThan(300);
    const before = lab.router.runningConfig();

    const refused = await run(['remove', 'edge-01']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/--auto-approve/);
    expect(lab.router.objectGroups().has('threatstop-block')).toBe(true);

    const removed = await run(['remove', 'edge-01', '--auto-approve']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toMatch(/object-group threatstop-block/);
    expect(lab.router.objectGroups().has('threatstop-block')).toBe(false);
    expect(lab.router.objectGroups().has('threatstop-allow')).toBe(false);
    // every other line of the configuration is as it was
    // the configuration without tscm's groups (header and member lines) and the `!` separators they leave
    const strip = (cfg: string) => {
      const out: string[] = [];
      let ours = false;
      for (const line of cfg.split('\n')) {
        if (/^object-group (v6-)?network threatstop-/.test(line)) ours = true;
        else if (!line.startsWith(' ')) ours = false;
        if (!ours) out.push(line);
      }
      return out.join('\n').replace(/(^!\n)+/gm, '!\n');
    };
    expect(strip(lab.router.runningConfig())).toEqual(strip(before));
    expect(lab.router.startupConfig()).not.toContain('threatstop-block');

    const state = await new StateStore(path.join(lab.dir, '.tscm')).read('edge-01');
    expect(state?.inventory.groups).toEqual([]);
    const again = await run(['remove', 'edge-01', '--auto-approve']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/manages nothing/);
  });
});

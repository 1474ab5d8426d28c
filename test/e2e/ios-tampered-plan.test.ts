// A saved plan is input (issue 6): a plan file edited between `tscm plan --out` and `tscm apply FILE` is refused
// with the difference or the recomputed refusal named, and the router receives no configuration line: it keeps its
// groups, its running configuration and its hostname. Three edits: `0.0.0.0/0` added to a group with the summary
// fixed to match, a group renamed to "threatstop-block\nhostname pwned", and `refusals: []` on a plan that a removal
// over safety.maxRemoveShare made refused.

import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFeed } from '../../src/lab/demo/policy-feed.js';
import { runTscm } from '../helpers/cli.js';
import { startLab, type Lab } from '../helpers/lab.js';

const feed = generateFeed(400, 61);

interface PlanDoc {
  devices: {
    summary: { add: number };
    groups: { name: string; add: string }[];
    refusals: string[];
  }[];
}

/** What reads the router without changing it: the login, the terminal settings, the show commands. */
const READ_ONLY = /^(enable|terminal (length|width) \d+|show .*|exit|logout)$/;

describe('tscm apply of an edited plan file', () => {
  let lab: Lab;
  let planFile: string;
  const run = (args: string[]) => runTscm([...args, '--dir', lab.dir], { env: lab.env });

  beforeAll(async () => {
    lab = await startLab({ block: feed.block, allow: feed.allow });
    planFile = path.join(lab.dir, 'plan.json');
  });
  afterAll(async () => lab?.close());

  /** Plans to plan.json, edits it, applies it: refused with `expected` named, and nothing sent to the router. */
  async function applyEdited(edit: (doc: PlanDoc) => void, expected: RegExp): Promise<string> {
    const plan = await run(['plan', '--out', planFile]);
    expect(plan.code, plan.stderr).toBe(0);
    const doc = JSON.parse(await readFile(planFile, 'utf8')) as PlanDoc;
    edit(doc);
    await writeFile(planFile, JSON.stringify(doc, null, 2));
    const before = {
      log: lab.router.commandLog().length,
      groups: lab.router.objectGroups(),
      running: lab.router.runningConfig(),
    };
    const apply = await run(['apply', planFile, '--auto-approve']);
    expect(apply.code, apply.stdout + apply.stderr).toBe(1);
    expect(apply.stderr).toMatch(expected);
    const sent = lab.router.commandLog().slice(before.log);
    expect(sent.filter((line) => !READ_ONLY.test(line))).toEqual([]);
    expect(lab.router.objectGroups()).toEqual(before.groups);
    expect(lab.router.runningConfig()).toBe(before.running);
    expect(lab.router.runningConfig()).toMatch(/^hostname (?!pwned)\S+$/m);
    return apply.stderr;
  }

  it('refuses 0.0.0.0/0 added to a group, even with the summary fixed to match', async () => {
    const stderr = await applyEdited((doc) => {
      const device = doc.devices[0]!;
      const block = device.groups.find((g) => g.name === 'threatstop-block')!;
      block.add = `0.0.0.0/0\n${block.add}`;
      device.summary.add += 1;
    }, /not the plan its pinned inputs give/);
    expect(stderr).toMatch(/group threatstop-block: add list differs: 1 not in the recomputed plan \(0\.0\.0\.0\/0\)/);
    expect(lab.router.objectGroups().has('threatstop-block')).toBe(false);
  });

  it('refuses a group renamed to "threatstop-block\\nhostname pwned", on one line', async () => {
    const stderr = await applyEdited((doc) => {
      doc.devices[0]!.groups[0]!.name = 'threatstop-block\nhostname pwned';
    }, /\/devices\/0\/groups\/0\/name must match pattern/);
    expect(stderr).not.toMatch(/^hostname/m);
  });

  it('recomputes the refusal that `refusals: []` tried to switch off', async () => {
    const apply = await run(['apply', '--auto-approve']);
    expect(apply.code, apply.stderr).toBe(0);
    const applied = lab.router.objectGroups().get('threatstop-block')!;
    expect(applied.length).toBeGreaterThan(300);
    // Half of the feed goes: a removal over the device's safety.maxRemoveShare (20%).
    await lab.writeDevice('safety: { maxRemoveShare: 0.2 }\n');
    lab.setBlock(feed.block.slice(0, 200), 2);
    const refused = await run(['plan', '--out', planFile]);
    expect(refused.stdout).toMatch(/would remove \d+ of its \d+ members/);

    const stderr = await applyEdited((doc) => {
      expect(doc.devices[0]!.refusals).toHaveLength(1);
      doc.devices[0]!.refusals = [];
    }, /refused for safety:\n {2}- group threatstop-block: would remove \d+ of its \d+ members .* more than safety\.maxRemoveShare \(20\.0%\)/);
    expect(stderr).toMatch(/--force/);
    expect(lab.router.objectGroups().get('threatstop-block')).toEqual(applied);
  });
});

// End to end through the built CLI: an emulated ISR booted from a real-looking config, a 10,000-entry policy
// served over DNS, first apply, a plan with no changes, an hourly update applied as a minimal diff, and the
// router's own groups and ACLs left untouched.

import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  aggregate,
  exactDifference,
  formatPrefixes,
  prefixCount,
  prefixesFromStrings,
  subtract,
} from '../../src/cidr/index.js';
import { LAB_ROUTER_CONFIG } from '../../src/lab/demo/router-config.js';
import { generateFeed, rollFeed } from '../../src/lab/demo/policy-feed.js';
import { runTscm } from '../helpers/cli.js';
import { startLab, type Lab } from '../helpers/lab.js';

const feed = generateFeed(10_000, 7);
const desiredOf = (block: readonly string[], allow: readonly string[]) =>
  subtract(aggregate(prefixesFromStrings([...block])), aggregate(prefixesFromStrings([...allow])));

/** The router's block group as canonical CIDR text, from its running-config lines. */
function routerMembers(lab: Lab, group: string): string[] {
  const lines = lab.router.objectGroups().get(group) ?? [];
  return lines
    .filter((l) => !l.trim().startsWith('description'))
    .map((l) => {
      const [a, b] = l.trim().split(/\s+/);
      if (a === 'host') return `${b}/32`;
      const mask = b!.split('.').reduce((n, o) => n * 256 + Number(o), 0);
      const len = 32 - Math.log2(2 ** 32 - mask);
      return `${a}/${len}`;
    })
    .sort();
}

describe('tscm against an emulated IOS router', () => {
  let lab: Lab;
  const outputs: string[] = [];
  const run = async (args: string[]) => {
    const r = await runTscm([...args, '--dir', lab.dir], { env: lab.env });
    outputs.push(r.stdout, r.stderr);
    return r;
  };

  beforeAll(async () => {
    lab = await startLab({ block: feed.block, allow: feed.allow, routerConfig: LAB_ROUTER_CONFIG });
  });
  afterAll(async () => lab?.close());

  it('applies a 10,000-entry policy on the first run', async () => {
    const desired = desiredOf(feed.block, feed.allow);
    const plan = await run(['plan', '--json']);
    expect(plan.code, plan.stderr).toBe(0);
    const json = JSON.parse(plan.stdout);
    expect(json.devices[0].summary.add).toBe(prefixCount(desired) + feed.allow.length);
    expect(json.devices[0].summary.remove).toBe(0);

    const apply = await run(['apply', '--auto-approve']);
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toContain('Apply complete!');
    expect(routerMembers(lab, 'threatstop-block')).toEqual(formatPrefixes(desired).sort());
    expect(routerMembers(lab, 'threatstop-allow')).toEqual([...feed.allow].sort());
    // write memory ran: the startup config holds the new members too
    expect(lab.router.startupConfig()).toContain(`host ${formatPrefixes(desired)[0]!.replace('/32', '')}`);
  });

  it('shows no changes on the next plan', async () => {
    const plan = await run(['plan', '--detailed-exitcode']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/No changes/);
  });

  it('applies an hourly update as a minimal diff', async () => {
    const next = rollFeed(feed, 0.02, 3);
    lab.setBlock(next.block, 2);
    const before = desiredOf(feed.block, feed.allow);
    const after = desiredOf(next.block, feed.allow);
    const adds = prefixCount(exactDifference(after, before));
    const removes = prefixCount(exactDifference(before, after));
    expect(adds).toBeGreaterThan(100);
    expect(removes).toBeGreaterThan(100);

    const plan = await run(['plan', '--detailed-exitcode']);
    expect(plan.code, plan.stderr).toBe(2);
    expect(plan.stdout).toContain(`Plan: ${adds} to add, ${removes} to remove`);

    const logBefore = lab.router.commandLog().length;
    const apply = await run(['apply', '--auto-approve']);
    expect(apply.code, apply.stderr).toBe(0);
    const sent = lab.router.commandLog().slice(logBefore);
    const memberAdds = sent.filter((c) => /^\s*(host |\d+\.\d+\.\d+\.\d+ \d)/.test(c));
    const memberRemoves = sent.filter((c) => /^\s*no (host |\d)/.test(c));
    expect(memberAdds).toHaveLength(adds);
    expect(memberRemoves).toHaveLength(removes);
    expect(routerMembers(lab, 'threatstop-block')).toEqual(formatPrefixes(after).sort());

    const again = await run(['plan', '--detailed-exitcode']);
    expect(again.code, again.stderr).toBe(0);
  });

  it("leaves the router's other object groups and ACLs untouched", () => {
    const running = lab.router.runningConfig();
    expect(running).toContain(
      'object-group network corp-servers\n description Internal servers (not managed by tscm)\n',
    );
    expect(
      lab.router
        .objectGroups()
        .get('corp-servers')
        ?.map((l) => l.trim()),
    ).toEqual(['host 10.20.0.10', 'host 10.20.0.11', '10.30.0.0 255.255.255.0']);
    for (const line of [
      'ip access-list extended THREATSTOP-IN',
      ' 20 deny ip object-group threatstop-block any log',
      'ip access-list extended SERVERS-IN',
      ' 10 permit tcp any object-group corp-servers eq 443',
      ' ip access-group THREATSTOP-IN in',
    ]) {
      expect(running).toContain(line);
    }
  });

  it('refuses a stale saved plan and names the input that moved', async () => {
    const planFile = path.join(lab.dir, 'plan.json');
    const plan = await run(['plan', '--out', planFile]);
    expect(plan.code, plan.stderr).toBe(0);
    lab.setBlock(rollFeed(feed, 0.01, 4).block, 3);
    const apply = await run(['apply', planFile, '--auto-approve']);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toMatch(/stale/);
    expect(apply.stderr).toContain(`serial 2`);
  });

  it('holds a feed that shrank past maxShrink (device unchanged); --force lets it through, past the removal refusal too', async () => {
    const shrunk = feed.block.slice(0, 3000);
    lab.setBlock(shrunk, 4);
    const membersBefore = routerMembers(lab, 'threatstop-block');
    const apply = await run(['apply', '--auto-approve']);
    // The shrink gate holds the zone at the set last applied, before the removal-share refusal is ever reached.
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout + apply.stderr).toMatch(/the shrink gate refused serial 4 \(shrank from \d+ to \d+ entries/);
    expect(routerMembers(lab, 'threatstop-block')).toEqual(membersBefore);

    const forced = await run(['apply', '--auto-approve', '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout + forced.stderr).toMatch(/would remove \d+ of its \d+ members/);
    expect(routerMembers(lab, 'threatstop-block')).toEqual(formatPrefixes(desiredOf(shrunk, feed.allow)).sort());
  });

  it('applies a saved plan made without reading the device (--refresh=false), verified by a read-back', async () => {
    const grown = feed.block.slice(0, 3050);
    lab.setBlock(grown, 5);
    const planFile = path.join(lab.dir, 'plan-from-state.json');
    const logBefore = lab.router.commandLog().length;
    const plan = await run(['plan', '--refresh=false', '--out', planFile]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(lab.router.commandLog()).toHaveLength(logBefore); // the device was not contacted
    const apply = await run(['apply', planFile, '--auto-approve']);
    expect(apply.code, apply.stderr).toBe(0);
    expect(routerMembers(lab, 'threatstop-block')).toEqual(formatPrefixes(desiredOf(grown, feed.allow)).sort());
  });

  it('refuses to remove the groups while an ACL uses them, naming the ACL', async () => {
    const r = await run(['remove', 'edge-01', '--auto-approve']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('THREATSTOP-IN');
    expect(lab.router.objectGroups().get('threatstop-block')?.length).toBeGreaterThan(1000);
  });

  it('never shows a secret in output, plans, state or logs', async () => {
    const debug = await run(['plan', '--log-level', 'debug']);
    expect(debug.code, debug.stderr).toBe(0);
    const files: string[] = [];
    const walk = async (d: string): Promise<void> => {
      for (const e of await readdir(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) await walk(p);
        else files.push(await readFile(p, 'utf8'));
      }
    };
    await walk(lab.dir);
    expect(files.length).toBeGreaterThan(3);
    for (const secret of lab.secrets) {
      for (const text of [...outputs, ...files]) expect(text.includes(secret)).toBe(false);
    }
  });
});

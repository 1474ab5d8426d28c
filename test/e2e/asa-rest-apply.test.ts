// End to end through the built CLI on an ASA managed over its REST API: the REST emulator booted from a real ASAv
// config, a real NSD serving a 25,000-entry policy. First apply (three nested children of 10,000), a plan with no
// changes, an hourly update sent as a minimal diff (a few PATCH requests, no member moved between children), and
// an SSH read-back of what REST wrote: the same device model answers `show running-config object-group`.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  aggregate,
  exactDifference,
  formatPrefixes,
  prefixCount,
  prefixesFromStrings,
  subtract,
} from '../../src/cidr/index.js';
import { generateFeed, rollFeed } from '../../src/lab/demo/policy-feed.js';
import { allMembers, childrenOf, showObjectGroupsOverSsh, startAsaRestLab } from '../helpers/asa-rest-lab.js';
import type { AsaRestLab } from '../helpers/asa-rest-lab.js';

const BLOCK = 'ThreatSTOP-Block';
const ALLOW = 'ThreatSTOP-Allow';
const feed = generateFeed(25_000, 9);
const desiredOf = (block: readonly string[], allow: readonly string[]) =>
  subtract(aggregate(prefixesFromStrings([...block])), aggregate(prefixesFromStrings([...allow])));

/** Requests of a route template since the last reset (`PATCH /api/objects/networkobjectgroups/{id}`). */
const route = (lab: AsaRestLab, key: string) => lab.emu.requests().byRoute[key] ?? 0;
const GROUP_ITEM = '/api/objects/networkobjectgroups/{id}';
const GROUPS = '/api/objects/networkobjectgroups';

describe('tscm against an emulated ASA over REST', () => {
  let lab: AsaRestLab;

  beforeAll(async () => {
    lab = await startAsaRestLab({ octet: 10, block: feed.block, allow: feed.allow });
  });
  afterAll(async () => lab?.close());

  it('applies a 25,000-entry policy on the first run: three children of 10,000, saved', async () => {
    const desired = desiredOf(feed.block, feed.allow);
    const plan = await lab.run(['plan', '--json']);
    expect(plan.code, plan.stderr).toBe(0);
    const json = JSON.parse(plan.stdout);
    expect(json.devices[0].summary).toMatchObject({ add: prefixCount(desired) + feed.allow.length, remove: 0 });

    lab.emu.resetRequests();
    const apply = await lab.run(['apply', '--auto-approve']);
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    expect(apply.stdout).toContain('Apply complete!');
    const groups = lab.emu.objectGroups();
    expect([...childrenOf(groups, BLOCK).keys()]).toEqual([`${BLOCK}-1`, `${BLOCK}-2`, `${BLOCK}-3`]);
    expect([...childrenOf(groups, BLOCK).values()].map((m) => m.length)).toEqual([
      10_000,
      10_000,
      prefixCount(desired) - 20_000,
    ]);
    expect(allMembers(groups, BLOCK)).toEqual(formatPrefixes(desired).sort());
    expect(allMembers(groups, ALLOW)).toEqual([...feed.allow].sort());
    // The master holds its children by reference.
    expect(groups.get(BLOCK)?.map((l) => l.trim())).toEqual(
      expect.arrayContaining([`group-object ${BLOCK}-1`, `group-object ${BLOCK}-2`, `group-object ${BLOCK}-3`]),
    );
    // Members go in chunks, never one request per member; writemem saved it.
    expect(lab.emu.requests().total).toBeLessThan(prefixCount(desired) / 20);
    expect(route(lab, 'POST /api/commands/writemem')).toBe(1);
    expect(lab.emu.startupConfig()).toContain(`object-group network ${BLOCK}-3`);
  });

  it('shows no changes on the next plan, and writes nothing', async () => {
    lab.emu.resetRequests();
    const plan = await lab.run(['plan', '--detailed-exitcode']);
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/No changes/);
    const writes = Object.keys(lab.emu.requests().byRoute).filter((k) =>
      /^(POST|PATCH|PUT|DELETE) \/api\/objects/.test(k),
    );
    expect(writes).toEqual([]);
  });

  it('applies an hourly update as a minimal diff: a few PATCH requests, no member moved', async () => {
    const next = rollFeed(feed, 0.02, 3);
    await lab.setBlock(next.block, 2);
    const before = desiredOf(feed.block, feed.allow);
    const after = desiredOf(next.block, feed.allow);
    const adds = prefixCount(exactDifference(after, before));
    const removes = prefixCount(exactDifference(before, after));
    expect(adds).toBeGreaterThan(300);
    expect(removes).toBeGreaterThan(300);

    const plan = await lab.run(['plan', '--detailed-exitcode']);
    expect(plan.code, plan.stderr).toBe(2);
    expect(plan.stdout).toContain(`Plan: ${adds} to add, ${removes} to remove`);

    const childrenBefore = childrenOf(lab.emu.objectGroups(), BLOCK);
    lab.emu.resetRequests();
    const apply = await lab.run(['apply', '--auto-approve']);
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    const patches = route(lab, `PATCH ${GROUP_ITEM}`);
    // One members.add/members.remove per child touched and chunk: a few dozen at most, never one per member.
    expect(patches).toBeGreaterThan(0);
    expect(patches).toBeLessThanOrEqual(24);
    expect(route(lab, `POST ${GROUPS}`)).toBe(0);
    expect(route(lab, `DELETE ${GROUP_ITEM}`)).toBe(0);
    expect(lab.emu.requests().total).toBeLessThan(60);

    const childrenAfter = childrenOf(lab.emu.objectGroups(), BLOCK);
    expect(allMembers(lab.emu.objectGroups(), BLOCK)).toEqual(formatPrefixes(after).sort());
    // No member moved: whatever stayed is in the child that held it before.
    for (const [name, members] of childrenBefore) {
      const now = new Set(childrenAfter.get(name));
      const kept = new Set(formatPrefixes(after));
      for (const m of members) if (kept.has(m)) expect(now.has(m), `${m} stays in ${name}`).toBe(true);
    }
    const again = await lab.run(['plan', '--detailed-exitcode']);
    expect(again.code, again.stdout + again.stderr).toBe(0);
  });

  it('over SSH the same ASA shows what REST wrote (show running-config object-group)', async () => {
    const text = await showObjectGroupsOverSsh(lab);
    const groups = lab.emu.objectGroups();
    for (const name of [BLOCK, `${BLOCK}-1`, `${BLOCK}-3`, ALLOW, 'OPS-JUMP']) {
      expect(text).toContain(`object-group network ${name}\r\n`);
    }
    expect(text).toContain(` group-object ${BLOCK}-2\r\n`);
    // Every member line REST wrote, in the order the device keeps it.
    const lines = text.split(/\r?\n/);
    const block1 = lines.indexOf(`object-group network ${BLOCK}-1`);
    const end = lines.findIndex((l, i) => i > block1 && !l.startsWith(' '));
    const printed = lines.slice(block1 + 1, end).map((l) => l.trim());
    expect(printed.length).toBeGreaterThan(9_000);
    expect(printed).toEqual(groups.get(`${BLOCK}-1`)?.map((l) => l.trim()));
    expect(lines.filter((l) => l.startsWith(' network-object ')).length).toBe(
      [...groups.entries()].reduce((n, [, m]) => n + m.filter((l) => l.trim().startsWith('network-object ')).length, 0),
    );
  });

  it("leaves the ASA's own group and ACLs untouched", () => {
    const running = lab.emu.runningConfig();
    expect(running).toContain('object-group network OPS-JUMP\n network-object host 198.51.100.7\n');
    expect(running).toContain('access-list inside_access extended permit ip object-group OPS-JUMP any\n');
    expect(running).toContain('access-group inside_access in interface inside\n');
  });
});

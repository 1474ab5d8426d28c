// The asa-rest driver's SSH fallback and its secrets, through the built CLI. With the REST agent absent (404 on
// /api, as on Firepower hardware or after `no rest-api agent`) and no fallback, the error says so and names the
// setting; with `advanced.fallback: ssh` the plan says so and the apply converges over SSH (the emulator's SSH front
// end on the same ASA) on the same groups, which REST then reads as up to date. A recording relay in front of the
// API collects the tokens the device handed out: neither they nor the password appear in any output or file.

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFeed, rollFeed } from '../../src/lab/demo/policy-feed.js';
import { allMembers, childrenOf, startAsaRestLab } from '../helpers/asa-rest-lab.js';
import type { AsaRestLab } from '../helpers/asa-rest-lab.js';
import { startRecordingRelay, type RecordingRelay } from '../helpers/https-recorder.js';

const BLOCK = 'ThreatSTOP-Block';
let feed = generateFeed(1500, 18);
const hosts = () => feed.block.filter((e) => e.endsWith('/32'));

describe('asa-rest: the SSH fallback, secrets', () => {
  let lab: AsaRestLab;

  beforeAll(async () => {
    lab = await startAsaRestLab({ octet: 34, block: hosts() });
    // Children of 1,000, so the fallback's update spans more than one.
    await lab.writeDevice({ objectGroups: 'nestedSize: 1000' });
    const first = await lab.run(['apply', '--auto-approve']);
    expect(first.code, first.stdout + first.stderr).toBe(0);
  });
  afterAll(async () => lab?.close());

  it('with the REST agent absent and no fallback, the error says so and names the fallback setting', async () => {
    lab.emu.setFaults({ absent: true });
    const r = await lab.run(['plan']);
    lab.emu.setFaults({});
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/404|absent|not enabled|no REST/i);
    expect(r.stderr).toMatch(/fallback/);
  });

  it('fallback: ssh: the plan says so, the apply converges over SSH, and REST then sees the same groups', async () => {
    const ssh = lab.emu.ssh!;
    await lab.writeDevice({
      objectGroups: 'nestedSize: 1000',
      top: `hostKey: { fingerprint: "${ssh.hostKeyFingerprint}" }`,
      advanced: `  fallback: ssh\n  sshPort: ${ssh.port}`,
    });
    feed = rollFeed(feed, 0.1, 5);
    await lab.setBlock(hosts(), 2);
    lab.emu.setFaults({ absent: true });
    const childrenBefore = [...childrenOf(lab.emu.objectGroups(), BLOCK).keys()];
    const plan = await lab.run(['plan']);
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/Plan: \d+ to add, \d+ to remove/);
    expect(plan.stdout + plan.stderr).toMatch(/SSH/);
    expect(plan.stdout + plan.stderr).toMatch(/fall(s|ing)? ?back|fallback/i);
    const sshBefore = ssh.commandLog().length;
    const apply = await lab.run(['apply', '--auto-approve']);
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    expect(
      ssh
        .commandLog()
        .slice(sshBefore)
        .some((c) => /network-object host/.test(c)),
    ).toBe(true);
    expect(allMembers(lab.emu.objectGroups(), BLOCK)).toEqual([...hosts()].sort());
    expect([...childrenOf(lab.emu.objectGroups(), BLOCK).keys()]).toEqual(childrenBefore);

    // The agent is back: over REST the device is up to date (both paths manage the same groups).
    lab.emu.setFaults({});
    lab.emu.resetRequests();
    const again = await lab.run(['plan', '--detailed-exitcode']);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout + again.stderr).not.toMatch(/fallback/i);
    expect(lab.emu.requests().total).toBeGreaterThan(0);
  });

  it('never shows the password or a token in any output, plan file, state file or log', async () => {
    let relay: RecordingRelay | undefined;
    try {
      relay = await startRecordingRelay(lab.emu, '127.0.94.36');
      await lab.writeDevice({ objectGroups: 'nestedSize: 1000', management: relay });
      feed = rollFeed(feed, 0.05, 6);
      await lab.setBlock(hosts(), 3);
      const planFile = path.join(lab.dir, 'saved-plan.json');
      for (const args of [
        ['plan', '--log-level', 'debug', '--out', planFile],
        ['apply', planFile, '--auto-approve', '--log-level', 'debug'],
        ['plan', '--log-level', 'debug', '--log-format', 'json'],
        ['state', 'show', 'hq-asa-rest'],
      ]) {
        await lab.run(args);
      }
      const tokens = relay.tokens();
      expect(tokens.length).toBeGreaterThanOrEqual(3);
      const files = await lab.files();
      expect(files.some((f) => f.path === planFile)).toBe(true);
      expect(files.some((f) => f.path.includes(`${path.sep}.tscm${path.sep}`))).toBe(true);
      for (const secret of [...lab.secrets, ...tokens]) {
        for (const text of lab.outputs) expect(text.includes(secret)).toBe(false);
        for (const f of files) expect(f.text.includes(secret), f.path).toBe(false);
      }
    } finally {
      await relay?.close();
    }
  });
});

// REST agent faults a run rides out, through the built CLI: a 500 storm whose writes took effect before the reply
// was lost (the driver must re-read, not re-send: a re-sent add is refused as a duplicate), an agent restart
// (connections refused for a moment), and a token that expires mid-run (401). Each run converges and the state
// matches the device. Faults that stop a run are in asa-rest-agent-down.test.ts.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFeed, rollFeed, type LabFeed } from '../../src/lab/demo/policy-feed.js';
import { allMembers, startAsaRestLab, stateMembers, waitForApi } from '../helpers/asa-rest-lab.js';
import type { AsaRestLab } from '../helpers/asa-rest-lab.js';

const BLOCK = 'ThreatSTOP-Block';
/** Hosts only, so the desired set is the feed itself (no aggregation to reason about). */
const hostsOnly = (f: LabFeed): string[] => f.block.filter((e) => e.endsWith('/32'));

describe('REST agent faults a run rides out', () => {
  let lab: AsaRestLab;
  let feed = generateFeed(2000, 13);
  let serial = 1;
  const roll = async (share: number) => {
    feed = rollFeed(feed, share, ++serial);
    await lab.setBlock(hostsOnly(feed), serial);
  };
  const onDevice = () => allMembers(lab.emu.objectGroups(), BLOCK);

  /** The faulty run finished: the device holds the policy, the state says so, and a plan has nothing to do. */
  async function converged(): Promise<void> {
    lab.emu.setFaults({});
    await waitForApi(lab);
    expect(onDevice()).toEqual([...hostsOnly(feed)].sort());
    expect(await stateMembers(lab, BLOCK)).toEqual(onDevice());
    const plan = await lab.run(['plan', '--detailed-exitcode']);
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
  }

  beforeAll(async () => {
    lab = await startAsaRestLab({ octet: 20, block: hostsOnly(feed) });
    // Children of 1,000 so a change touches several groups; chunks of 100 so it takes many requests.
    await lab.writeDevice({ objectGroups: 'nestedSize: 1000', advanced: '  chunkSize: 100' });
    const first = await lab.run(['apply', '--auto-approve']);
    expect(first.code, first.stdout + first.stderr).toBe(0);
  });
  afterAll(async () => lab?.close());

  it('a 500 storm whose writes took effect: the driver re-reads instead of re-sending, and finishes', async () => {
    await roll(0.2);
    // The plan's reads come first: the storm lands on the apply's writes.
    lab.emu.setFaults({ serverErrors: { afterRequests: 12, count: 2, applyWrites: true, body: 'html' } });
    const r = await lab.run(['apply', '--auto-approve']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(/duplicate|already exists/i);
    expect(r.stderr).toMatch(/re-read/);
    await converged();
  });

  it('an agent restart refuses connections mid-apply: the driver waits it out, re-reads, and finishes', async () => {
    await roll(0.2);
    lab.emu.resetRequests();
    lab.emu.setFaults({ agentRestart: { afterRequests: 12, downMs: 400 } });
    const r = await lab.run(['apply', '--auto-approve']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(/duplicate|already exists/i);
    // Requests went on after the restart.
    expect(lab.emu.requests().total).toBeGreaterThan(12);
    await converged();
  });

  it('a token that expires mid-run (401): tscm authenticates again once and finishes', async () => {
    await roll(0.1);
    lab.emu.resetRequests();
    lab.emu.setFaults({ tokenExpiresAfterRequests: 6 });
    const r = await lab.run(['apply', '--auto-approve']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    // One token per session, and one more after each expiry.
    const { byRoute } = lab.emu.requests();
    expect(byRoute['POST /api/tokenservices']).toBeGreaterThan(byRoute['DELETE /api/tokenservices/{token}'] ?? 0);
    await converged();
  });

  it('never shows a secret in any output or file of these runs', async () => {
    const files = await lab.files();
    for (const secret of lab.secrets) {
      for (const text of lab.outputs) expect(text.includes(secret)).toBe(false);
      for (const f of files) expect(f.text.includes(secret), f.path).toBe(false);
    }
  });
});

// The REST agent's faults, each followed by a run that converges, through the built CLI: a 500 storm whose writes
// took effect before the reply was lost (the driver must re-read, not re-send), 500s that persist (the agent out of
// memory: the advice, and a state that records exactly what reached the device), an agent restart (connections
// refused), every token session in use (503), and a token that expires mid-run (401). The state must match the
// device after every run, never ahead of or behind it.

import path from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prefixesToStrings } from '../../src/cidr/index.js';
import { generateFeed, rollFeed, type LabFeed } from '../../src/lab/demo/policy-feed.js';
import { StateStore } from '../../src/state/index.js';
import { allMembers, DEVICE, startAsaRestLab } from '../helpers/asa-rest-lab.js';
import type { AsaRestLab } from '../helpers/asa-rest-lab.js';

const BLOCK = 'ThreatSTOP-Block';
/** Hosts only, so the desired set is the feed itself (no aggregation to reason about). */
const hostsOnly = (f: LabFeed): string[] => f.block.filter((e) => e.endsWith('/32'));

async function stateMembers(lab: AsaRestLab): Promise<string[]> {
  const state = await new StateStore(path.join(lab.dir, '.tscm')).read(DEVICE);
  const group = state?.inventory.groups.find((g) => g.name === BLOCK);
  return group ? prefixesToStrings(group.members).sort() : [];
}

describe('REST agent faults, then a run that converges', () => {
  let lab: AsaRestLab;
  let feed = generateFeed(3000, 13);
  let serial = 1;
  /** The next hour's policy: a share of the entries replaced. */
  const roll = async (share: number) => {
    feed = rollFeed(feed, share, ++serial);
    await lab.setBlock(hostsOnly(feed), serial);
  };
  const onDevice = () => allMembers(lab.emu.objectGroups(), BLOCK);

  /** After a failed run: the state holds exactly what reached the device, then a clean run converges. */
  async function truthfulThenConverges(): Promise<void> {
    expect(await stateMembers(lab)).toEqual(onDevice());
    lab.emu.setFaults({});
    const apply = await lab.run(['apply', '--auto-approve']);
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    const plan = await lab.run(['plan', '--detailed-exitcode']);
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    expect(onDevice()).toEqual([...hostsOnly(feed)].sort());
    expect(await stateMembers(lab)).toEqual(onDevice());
  }

  beforeAll(async () => {
    lab = await startAsaRestLab({ octet: 20, block: hostsOnly(feed) });
    // Children of 1,000 so a change touches several groups; chunks of 100 so it takes many requests.
    await lab.writeDevice({ objectGroups: 'nestedSize: 1000', advanced: '  chunkSize: 100' });
    const first = await lab.run(['apply', '--auto-approve']);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(onDevice()).toHaveLength(hostsOnly(feed).length);
  });
  afterAll(async () => lab?.close());

  it('a 500 storm whose writes took effect: the driver re-reads instead of re-sending, and the run converges', async () => {
    await roll(0.2);
    lab.emu.resetRequests();
    lab.emu.setFaults({ serverErrors: { afterRequests: 6, count: 2, applyWrites: true, body: 'html' } });
    const r = await lab.run(['apply', '--auto-approve']);
    // Re-sending a write that took effect would be refused (a duplicate add): this run must not see that.
    expect(r.stdout + r.stderr).not.toMatch(/duplicate|already exists/i);
    if (r.code !== 0) expect(r.stderr).toMatch(/500/);
    // The group was read again after the storm before any further write.
    expect(lab.emu.requests().byRoute['GET /api/objects/networkobjectgroups/{id}'] ?? 0).toBeGreaterThan(0);
    await truthfulThenConverges();
  });

  it('500s that persist: the agent is out of memory, the advice is given, and the state records what reached it', async () => {
    const before = onDevice().length;
    const had = new Set(feed.block);
    feed = { block: [...feed.block, ...generateFeed(2000, 99).block.filter((e) => !had.has(e))], allow: [] };
    await lab.setBlock(hostsOnly(feed), ++serial);
    // Writes answer 500 once the configuration has grown by ~40 KB (a few hundred members).
    lab.emu.setFaults({ oomAboveConfigBytes: lab.emu.runningConfig().length + 40_000 });
    const r = await lab.run(['apply', '--auto-approve']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/out of memory/i);
    expect(r.stderr).toMatch(/maxEntries|nestedSize/);
    expect(r.stderr).toMatch(/rest-api agent/);
    expect(r.stderr).toMatch(/ssh/i);
    const held = onDevice().length;
    expect(held).toBeGreaterThan(before);
    expect(held).toBeLessThan(hostsOnly(feed).length);
    await truthfulThenConverges();
  });

  it('an agent restart refuses connections mid-apply: the run stops, the state is truthful, the next run converges', async () => {
    await roll(0.2);
    lab.emu.setFaults({ agentRestart: { afterRequests: 8, downMs: 1500 } });
    const r = await lab.run(['apply', '--auto-approve']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/refused|restart|connect/i);
    expect(await stateMembers(lab)).toEqual(onDevice());
    // The agent is back after its restart window.
    await new Promise((resolve) => setTimeout(resolve, 1600));
    await truthfulThenConverges();
  });

  it('every token session in use (503): tscm backs off and says so, and runs once one is free', async () => {
    await roll(0.05);
    const dispatcher = new Agent({
      connect: { ca: lab.emu.certificate.cert, checkServerIdentity: () => undefined },
    });
    const basic = 'Basic ' + Buffer.from(`${lab.env.TSCM_REST_USER}:${lab.env.TSCM_REST_PASSWORD}`).toString('base64');
    const headers = { 'user-agent': 'REST API Agent', authorization: basic };
    const held: string[] = [];
    try {
      for (let i = 0; i < 25; i++) {
        const res = await request(`${lab.emu.url}/tokenservices`, { method: 'POST', headers, dispatcher });
        await res.body.dump();
        expect(res.statusCode).toBe(204);
        held.push(String(res.headers['x-auth-token']));
      }
      const r = await lab.run(['apply', '--auto-approve']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/25 sessions|sessions/i);
      expect(r.stderr).toMatch(/503/);
      expect(await stateMembers(lab)).toEqual(onDevice());
    } finally {
      for (const token of held) {
        const res = await request(`${lab.emu.url}/tokenservices/${token}`, { method: 'DELETE', headers, dispatcher });
        await res.body.dump();
      }
      await dispatcher.close();
    }
    await truthfulThenConverges();
  });

  it('a token that expires mid-run (401): tscm authenticates again once and finishes', async () => {
    await roll(0.1);
    lab.emu.resetRequests();
    lab.emu.setFaults({ tokenExpiresAfterRequests: 6 });
    const r = await lab.run(['apply', '--auto-approve']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(lab.emu.requests().byRoute['POST /api/tokenservices']).toBeGreaterThanOrEqual(2);
    expect(await stateMembers(lab)).toEqual(onDevice());
    await truthfulThenConverges();
  });

  it('never shows a secret in any output or file of these runs', async () => {
    const files = await lab.files();
    for (const secret of lab.secrets) {
      for (const text of lab.outputs) expect(text.includes(secret)).toBe(false);
      for (const f of files) expect(f.text.includes(secret), f.path).toBe(false);
    }
  });
});

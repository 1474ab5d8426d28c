// REST agent faults that stop a run, through the built CLI, each followed by a run that converges: 500s that
// persist (the agent out of memory: the run stops with the advice, and the state records exactly what reached the
// device, as the SSH drivers do, with no child left outside its master), and every token session in use (503:
// tscm says so and changes nothing).

import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFeed, type LabFeed } from '../../src/lab/demo/policy-feed.js';
import { allMembers, orphanChildren, startAsaRestLab, stateMembers } from '../helpers/asa-rest-lab.js';
import type { AsaRestLab, DeviceFileOptions } from '../helpers/asa-rest-lab.js';

const BLOCK = 'ThreatSTOP-Block';
const hostsOnly = (f: LabFeed): string[] => f.block.filter((e) => e.endsWith('/32'));
/** Children of 1,000, chunks of 100; one retry within a second: a fault that persists stops the run at once. */
const DEVICE_FILE: DeviceFileOptions = {
  objectGroups: 'nestedSize: 1000',
  advanced: '  chunkSize: 100',
  retry: '{ attempts: 1, maxSeconds: 1 }',
};

describe('REST agent faults that stop a run', () => {
  let lab: AsaRestLab;
  let feed = generateFeed(2000, 14);
  let serial = 1;
  const grow = async (n: number, seed: number) => {
    const had = new Set(feed.block);
    feed = { block: [...feed.block, ...generateFeed(n, seed).block.filter((e) => !had.has(e))], allow: [] };
    await lab.setBlock(hostsOnly(feed), ++serial);
  };
  const onDevice = () => allMembers(lab.emu.objectGroups(), BLOCK);

  /** After the failed run: a clean run converges, the state says so, and a plan has nothing left to do. */
  async function converges(): Promise<void> {
    lab.emu.setFaults({});
    const apply = await lab.run(['apply', '--auto-approve']);
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    expect(onDevice()).toEqual([...hostsOnly(feed)].sort());
    expect(await stateMembers(lab, BLOCK)).toEqual(onDevice());
    const plan = await lab.run(['plan', '--detailed-exitcode']);
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
  }

  /** What the out-of-memory test saw, for the checks of the defects below. */
  const afterOom = { state: [] as string[], device: [] as string[], orphans: [] as string[] };

  beforeAll(async () => {
    lab = await startAsaRestLab({ octet: 24, block: hostsOnly(feed) });
    await lab.writeDevice(DEVICE_FILE);
    const first = await lab.run(['apply', '--auto-approve']);
    expect(first.code, first.stdout + first.stderr).toBe(0);
  });
  afterAll(async () => lab?.close());

  it('500s that persist: the agent is out of memory, the run stops with the advice, the next run converges', async () => {
    const before = onDevice().length;
    await grow(2000, 99);
    // Writes answer 500 once the configuration has grown by ~40 KB (a few hundred members).
    lab.emu.setFaults({ oomAboveConfigBytes: lab.emu.runningConfig().length + 40_000 });
    const r = await lab.run(['apply', '--auto-approve']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/out of memory/i);
    expect(r.stderr).toMatch(/maxEntries|nestedSize/);
    expect(r.stderr).toMatch(/no rest-api agent/);
    expect(r.stderr).toMatch(/SSH/);
    const held = onDevice().length;
    expect(held).toBeGreaterThan(before);
    expect(held).toBeLessThan(hostsOnly(feed).length);
    afterOom.state = await stateMembers(lab, BLOCK);
    afterOom.device = onDevice();
    await converges();
    afterOom.orphans = orphanChildren(lab.emu.objectGroups(), BLOCK);
  });

  // The re-read after the failure (its ACL read refused by the out-of-memory agent, its GETs answered) is the truth.
  it('after the failed run the state holds exactly what reached the device', () => {
    expect(afterOom.state).toEqual(afterOom.device);
  });

  // A child the failed run filled but could not attach is attached or removed, never left holding members.
  it('the converging run leaves no child outside the master', () => {
    expect(afterOom.orphans).toEqual([]);
  });

  it('every token session in use (503): tscm says so and changes nothing, and runs once one is free', async () => {
    await grow(300, 98);
    const dispatcher = new Agent({ connect: { ca: lab.emu.certificate.cert, checkServerIdentity: () => undefined } });
    const basic = 'Basic ' + Buffer.from(`${lab.env.TSCM_REST_USER}:${lab.env.TSCM_REST_PASSWORD}`).toString('base64');
    const headers = { 'user-agent': 'REST API Agent', authorization: basic };
    const held: string[] = [];
    const before = onDevice();
    try {
      for (let i = lab.emu.activeTokens(); i < 25; i++) {
        const res = await request(`${lab.emu.url}/tokenservices`, { method: 'POST', headers, dispatcher });
        await res.body.dump();
        expect(res.statusCode).toBe(204);
        held.push(String(res.headers['x-auth-token']));
      }
      const r = await lab.run(['apply', '--auto-approve']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/503/);
      expect(r.stderr).toMatch(/25 sessions|sessions/i);
      expect(onDevice()).toEqual(before);
      expect(await stateMembers(lab, BLOCK)).toEqual(before);
    } finally {
      for (const token of held) {
        const res = await request(`${lab.emu.url}/tokenservices/${token}`, { method: 'DELETE', headers, dispatcher });
        await res.body.dump();
      }
      await dispatcher.close();
    }
    await converges();
  });

  it('never shows a secret in any output or file of these runs', async () => {
    const files = await lab.files();
    for (const secret of lab.secrets) {
      for (const text of lab.outputs) expect(text.includes(secret)).toBe(false);
      for (const f of files) expect(f.text.includes(secret), f.path).toBe(false);
    }
  });
});

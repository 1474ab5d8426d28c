// How tscm trusts an ASA's REST API, how it falls back to SSH, and that no secret leaks, through the built CLI.
// The emulator serves a certificate signed by a lab CA: a pinned fingerprint that does not match is refused with a
// clear message, `allowSelfSigned` warns on every run, verify mode passes once NODE_EXTRA_CA_CERTS names the CA.
// With the REST agent absent (404 on /api, as on Firepower hardware) and `fallback: ssh`, the plan says so and the
// apply converges over SSH on the same groups REST then reads as its own. A recording relay in front of the API
// collects the tokens the device handed out: neither they nor the password appear in any output or file.

import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateLabCertificate, type LabCertificate } from '../../src/lab/tls-cert.js';
import { generateFeed, rollFeed } from '../../src/lab/demo/policy-feed.js';
import { allMembers, childrenOf, startAsaRestLab } from '../helpers/asa-rest-lab.js';
import type { AsaRestLab } from '../helpers/asa-rest-lab.js';
import { startRecordingRelay, type RecordingRelay } from '../helpers/https-recorder.js';

const BLOCK = 'ThreatSTOP-Block';
const HOST = '127.0.94.31';
let feed = generateFeed(1500, 17);
const hosts = () => feed.block.filter((e) => e.endsWith('/32'));

describe('asa-rest: TLS trust, the SSH fallback, secrets', () => {
  let lab: AsaRestLab;
  let ca: LabCertificate;
  let caFile: string;

  beforeAll(async () => {
    ca = await generateLabCertificate({ isCa: true, commonName: 'tscm lab CA' });
    const certificate = await generateLabCertificate({ hosts: [HOST], ca });
    lab = await startAsaRestLab({ octet: 30, block: hosts(), emulator: { certificate } });
    expect(lab.emu.host).toBe(HOST);
    caFile = path.join(lab.dir, 'lab-ca.pem');
    await writeFile(caFile, ca.cert);
  });
  afterAll(async () => lab?.close());

  it('a pinned fingerprint that does not match is refused, with a clear message, before anything is sent', async () => {
    const wrong = lab.emu.fingerprint256.replace(/^../, lab.emu.fingerprint256.startsWith('00') ? '11' : '00');
    await lab.writeDevice({ trust: `  certificateFingerprint: "${wrong}"` });
    lab.emu.resetRequests();
    const r = await lab.run(['plan']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/fingerprint/i);
    expect(r.stderr).toContain(wrong);
    expect(r.stderr).toContain(lab.emu.fingerprint256);
    expect(lab.emu.requests().total).toBe(0);
  });

  it('verify mode refuses a certificate from an unknown CA, and passes with NODE_EXTRA_CA_CERTS naming the lab CA', async () => {
    await lab.writeDevice({ trust: '' });
    const unknown = await lab.run(['plan']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/certificate/i);
    const verified = await lab.run(['plan', '--detailed-exitcode'], { NODE_EXTRA_CA_CERTS: caFile });
    expect(verified.code, verified.stdout + verified.stderr).toBe(2);
    expect(verified.stdout + verified.stderr).not.toMatch(/self-signed/i);
  });

  it('allowSelfSigned accepts the certificate and warns on every run', async () => {
    await lab.writeDevice({ trust: '  allowSelfSigned: true' });
    for (const args of [['plan'], ['apply', '--auto-approve']]) {
      const r = await lab.run(args);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout + r.stderr).toMatch(/self-signed/i);
    }
    expect(allMembers(lab.emu.objectGroups(), BLOCK)).toEqual([...hosts()].sort());
  });

  it('with the REST agent absent and no fallback, the error says so and names the fallback setting', async () => {
    await lab.writeDevice();
    lab.emu.setFaults({ absent: true });
    const r = await lab.run(['plan']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/404|absent|not enabled|no REST/i);
    expect(r.stderr).toMatch(/fallback/);
  });

  it('fallback: ssh: the plan says so, the apply converges over SSH, and REST then sees the same groups', async () => {
    const ssh = lab.emu.ssh!;
    await lab.writeDevice({
      top: `hostKey: { fingerprint: "${ssh.hostKeyFingerprint}" }`,
      advanced: `  fallback: ssh\n  sshPort: ${ssh.port}`,
    });
    feed = rollFeed(feed, 0.1, 5);
    await lab.setBlock(hosts(), 2);
    const childrenBefore = [...childrenOf(lab.emu.objectGroups(), BLOCK).keys()];
    const plan = await lab.run(['plan']);
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
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
      relay = await startRecordingRelay(lab.emu, '127.0.94.32');
      await lab.writeDevice({ management: relay });
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

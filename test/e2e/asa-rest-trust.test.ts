// How tscm trusts an ASA's REST API, through the built CLI. The emulator serves a certificate signed by a lab CA:
// a pinned fingerprint that does not match is refused with a clear message before any request, verify mode refuses
// an unknown CA and passes once NODE_EXTRA_CA_CERTS names the lab CA, and `allowSelfSigned` works and warns on
// every run. The SSH fallback and the secrets check are in asa-rest-fallback.test.ts.

import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateLabCertificate, type LabCertificate } from '../../src/lab/tls-cert.js';
import { generateFeed } from '../../src/lab/demo/policy-feed.js';
import { allMembers, startAsaRestLab } from '../helpers/asa-rest-lab.js';
import type { AsaRestLab } from '../helpers/asa-rest-lab.js';

const BLOCK = 'ThreatSTOP-Block';
const HOST = '127.0.94.31';
const feed = generateFeed(1500, 17);
const hosts = () => feed.block.filter((e) => e.endsWith('/32'));

describe('asa-rest: TLS trust', () => {
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
    expect(verified.stdout + verified.stderr).not.toMatch(/not checked/i);
  });

  it('allowSelfSigned accepts the certificate and warns on every run', async () => {
    await lab.writeDevice({ trust: '  allowSelfSigned: true' });
    for (const args of [['plan'], ['apply', '--auto-approve']]) {
      const r = await lab.run(args);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout + r.stderr).toMatch(/certificate was not checked \(advanced\.allowSelfSigned: true\)/);
    }
    expect(allMembers(lab.emu.objectGroups(), BLOCK)).toEqual([...hosts()].sort());
  });
});

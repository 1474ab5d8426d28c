import { createPrivateKey, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateLabCertificate } from './tls-cert.js';

describe('generateLabCertificate', () => {
  it('self-signs for the hosts given, with the SHA-256 fingerprint of its DER form', async () => {
    const c = await generateLabCertificate({ hosts: ['127.0.0.1', 'asa.lab'] });
    const x = new X509Certificate(c.cert);
    expect(x.subject).toContain('CN=ASA Temporary Self Signed Certificate');
    expect(x.issuer).toBe(x.subject);
    expect(x.verify(x.publicKey)).toBe(true);
    expect(x.subjectAltName).toBe('IP Address:127.0.0.1, DNS:asa.lab');
    expect(x.checkPrivateKey(createPrivateKey(c.key))).toBe(true);
    expect(c.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(c.fingerprint256).toBe(x.fingerprint256);
  });

  it('signs with a lab CA, and can make an expired certificate', async () => {
    const ca = await generateLabCertificate({ commonName: 'tscm lab CA', isCa: true });
    const leaf = await generateLabCertificate({ hosts: ['127.0.0.1'], ca, days: -1 });
    const x = new X509Certificate(leaf.cert);
    expect(x.checkIssued(new X509Certificate(ca.cert))).toBe(true);
    expect(x.verify(new X509Certificate(ca.cert).publicKey)).toBe(true);
    expect(new Date(x.validTo).getTime()).toBeLessThan(Date.now());
    expect(new X509Certificate(ca.cert).ca).toBe(true);
  });
});

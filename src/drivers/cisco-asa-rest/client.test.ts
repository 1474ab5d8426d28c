// RestClient against a small HTTPS server in this process playing the ASA's agent (testing/test-helpers.ts):
// TLS trust modes, token and Basic auth, retries and their bounds, writes never re-sent, pacing, error texts,
// and secrets absent from every message and log line.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateLabCertificate } from '../../lab/tls-cert.js';
import type { LabCertificate } from '../../lab/tls-cert.js';
import { asa, loopback, PASSWORD, SECRET_STRINGS, Session, TOKEN, USER } from './testing/test-helpers.js';
import type { FakeAsa } from './testing/test-helpers.js';

let selfSigned: LabCertificate;
let ca: LabCertificate;
const t = new Session(() => selfSigned);

beforeAll(async () => {
  selfSigned = await generateLabCertificate();
  ca = await generateLabCertificate({ isCa: true, commonName: 'tscm lab CA' });
});
afterEach(() => t.closeAll());
afterAll(() => {
  for (const text of t.allTexts()) for (const secret of SECRET_STRINGS) expect(text).not.toContain(secret);
});

const fake = t.fake.bind(t);
const open = t.open.bind(t);
const failure = t.failure.bind(t);

const calls = (f: FakeAsa, method: string, prefix: string): number =>
  f.seen.filter((s) => s.method === method && s.path.startsWith(prefix)).length;

describe('TLS trust', () => {
  it('verify refuses a self-signed certificate, naming its fingerprint and the fixes, before any request', async () => {
    const f = await fake();
    const e = await failure(open(f, { tls: { mode: 'verify' } }));
    expect(e.transient).toBe(false);
    expect(e.status).toBeUndefined();
    expect(e.message).toContain(selfSigned.fingerprint256);
    expect(e.message).toContain('advanced.certificateFingerprint');
    expect(e.message).toContain('allowSelfSigned');
    expect(f.seen).toHaveLength(0);
  });

  it('verify accepts a certificate from a trusted CA for the host, and refuses it for another name', async () => {
    const host = loopback(); // 127.0.92.2 and up
    const good = await fake(asa(), await generateLabCertificate({ hosts: [host], ca }), host);
    const c = await open(good, { tls: { mode: 'verify' } }, { ca: ca.cert });
    expect((await c.request('GET', '/objects/networkobjectgroups')).status).toBe(200);
    const other = await generateLabCertificate({ hosts: ['127.0.92.1'], ca });
    const bad = await fake(asa(), other);
    const e = await failure(open(bad, { tls: { mode: 'verify' } }, { ca: ca.cert }));
    expect(e.message).toContain('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(e.message).toContain(other.fingerprint256);
    expect(bad.seen).toHaveLength(0);
  });

  it('pin accepts exactly the pinned certificate, without chain or name', async () => {
    const f = await fake();
    const pin = selfSigned.fingerprint256.toLowerCase();
    const c = await open(f, { tls: { mode: 'pin', fingerprint256: pin } });
    expect((await c.request('GET', '/objects/networkobjectgroups')).status).toBe(200);
  });

  it('pin refuses another certificate, naming both fingerprints, before any request byte', async () => {
    const f = await fake();
    const other = await generateLabCertificate();
    const e = await failure(open(f, { tls: { mode: 'pin', fingerprint256: other.fingerprint256 } }));
    expect(e.transient).toBe(false);
    expect(e.message).toContain(other.fingerprint256);
    expect(e.message).toContain(selfSigned.fingerprint256);
    expect(f.seen).toHaveLength(0);
  });

  it('self-signed accepts any certificate', async () => {
    const f = await fake();
    const c = await open(f, { tls: { mode: 'self-signed' } });
    expect((await c.request('GET', '/objects/networkobjectgroups')).body).toEqual({ ok: true });
  });
});

describe('token auth', () => {
  it('takes one token at open (Basic, empty body), sends it on every call, DELETEs it at close', async () => {
    const f = await fake();
    const c = await open(f);
    await c.request('GET', '/objects/networkobjectgroups');
    await c.request('PATCH', '/objects/networkobjectgroups/BLOCK', { 'members.add': [] });
    await c.close();
    const [login, get, patch, del] = f.seen;
    expect(f.seen).toHaveLength(4);
    expect(login).toMatchObject({ method: 'POST', path: '/api/tokenservices', body: '' });
    expect(login!.headers.authorization).toBe(`Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`);
    for (const r of [get!, patch!]) {
      expect(r.headers['x-auth-token']).toBe(TOKEN);
      expect(r.headers.authorization).toBeUndefined();
    }
    expect(patch!.body).toBe('{"members.add":[]}');
    expect(patch!.headers['content-type']).toBe('application/json');
    expect(del).toMatchObject({ method: 'DELETE', path: `/api/tokenservices/${TOKEN}` });
    expect(del!.headers.authorization).toMatch(/^Basic /);
    for (const r of f.seen) expect(r.headers['user-agent']).toBe('REST API Agent');
    expect(c.stats).toEqual({ requests: 4, retries: 0 });
  });

  it('re-authenticates once on a 401 and repeats the call (a write too), with the new token', async () => {
    let tokens = 0;
    const f = await fake((req) => {
      if (req.path === '/api/tokenservices') return { status: 204, headers: { 'X-Auth-Token': `${TOKEN}${++tokens}` } };
      if (req.headers['x-auth-token'] === `${TOKEN}1`) return { status: 401 };
      return { status: 204 };
    });
    const c = await open(f);
    expect((await c.request('PATCH', '/objects/networkobjectgroups/G', { 'members.add': [] })).status).toBe(204);
    expect(f.seen.map((s) => `${s.method} ${s.headers['x-auth-token'] ?? 'basic'}`)).toEqual([
      'POST basic',
      `PATCH ${TOKEN}1`,
      'POST basic',
      `PATCH ${TOKEN}2`,
    ]);
  });

  it('concurrent calls refused with the same token share one re-authentication', async () => {
    let tokens = 0;
    const f = await fake((req) => {
      if (req.path === '/api/tokenservices') return { status: 204, headers: { 'X-Auth-Token': `${TOKEN}${++tokens}` } };
      return req.headers['x-auth-token'] === `${TOKEN}1` ? { status: 401 } : { status: 200, body: {} };
    });
    const c = await open(f, { concurrency: 3 });
    await Promise.all([1, 2, 3].map(() => c.request('GET', '/objects/networkobjectgroups')));
    expect(calls(f, 'POST', '/api/tokenservices')).toBe(2);
    expect(f.seen.filter((s) => s.method === 'GET' && s.headers['x-auth-token'] === `${TOKEN}2`)).toHaveLength(3);
  });

  it('close never throws, even when the device is gone', async () => {
    const f = await fake();
    const c = await open(f);
    await f.stop();
    await expect(c.close()).resolves.toBeUndefined();
    await expect(c.request('GET', '/objects/networkobjectgroups')).rejects.toThrow('used after close');
  });

  it('a 401 right after a fresh token is an auth failure, and close still DELETEs the token', async () => {
    const f = await fake(asa(() => ({ status: 401, body: `denied ${PASSWORD}` })));
    const c = await open(f);
    const e = await failure(c.request('GET', '/objects/networkobjectgroups'));
    expect(e.status).toBe(401);
    expect(e.transient).toBe(false);
    expect(e.message).toContain('right after issuing a new token');
    expect(calls(f, 'POST', '/api/tokenservices')).toBe(2);
    await c.close();
    expect(calls(f, 'DELETE', '/api/tokenservices/')).toBe(1);
  });

  it('bad credentials: a clear error without the password', async () => {
    const f = await fake(() => ({ status: 401 }));
    const e = await failure(open(f));
    expect(e.message).toBe('device fw1: the ASA refused the REST credentials (401)');
    expect(f.seen).toHaveLength(1);
  });

  it('503 on tokenservices: backs off within the budget, then says the 25 sessions are in use', async () => {
    const f = await fake(() => ({ status: 503 }));
    const e = await failure(open(f));
    expect(e.status).toBe(503);
    expect(e.message).toContain('25 sessions per context are in use');
    expect(e.message).toContain('gave up after 4 attempts');
    expect(f.seen).toHaveLength(4);
  });

  it('503 on tokenservices that clears: the session opens', async () => {
    const f = await fake((req, i) => (i < 2 ? { status: 503 } : asa()(req, i)));
    const c = await open(f);
    expect(c.stats).toEqual({ requests: 3, retries: 2 });
  });

  it('404 on tokenservices: the API is absent', async () => {
    const f = await fake(() => ({ status: 404, body: '<html>Not found</html>' }));
    const e = await failure(open(f));
    expect(e.status).toBe(404);
    expect(e.message).toContain('REST API is absent');
  });
});

describe('Basic auth', () => {
  it('sends Basic on every call and never touches tokenservices', async () => {
    const f = await fake();
    const c = await open(f, { tokenAuth: false });
    await c.request('GET', '/objects/networkobjectgroups');
    await c.request('DELETE', '/objects/networkobjectgroups/G');
    await c.close();
    expect(f.seen.map((s) => s.method)).toEqual(['GET', 'DELETE']);
    for (const r of f.seen) expect(r.headers.authorization).toMatch(/^Basic /);
  });

  it('a 401 is a credentials failure, not retried', async () => {
    const f = await fake(() => ({ status: 401 }));
    const c = await open(f, { tokenAuth: false });
    const e = await failure(c.request('GET', '/objects/networkobjectgroups'));
    expect(e.message).toBe('device fw1: the ASA refused the REST credentials (401)');
    expect(f.seen).toHaveLength(1);
  });
});

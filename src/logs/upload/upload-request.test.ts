// One upload against a real local HTTPS endpoint, directly and through a real tinyproxy with Basic auth: the wire
// format, the proxy's CONNECT, and what each failure says (without secrets or the reply's body).

import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../errors.js';
import { generateLabCertificate, type LabCertificate } from '../../lab/tls-cert.js';
import { startTinyproxy, type Tinyproxy } from '../../../test/helpers/tinyproxy.js';
import { startUploadServer, type UploadServer } from '../../../test/helpers/upload-server.js';
import type { UploadTarget } from '../model.js';
import { checkUploadTarget, createUploadClient, type UploadFile } from './upload-request.js';

const HOST = `127.0.11.${10 + Math.floor(Math.random() * 100)}`;
const PASSWORD = 'pr0xy-S3CRET-pw';
const TOKEN = 'upl0ad-T0KEN-secret';
const file: UploadFile = { device: 'edge-1', name: 'syslog.000001.gz', body: Buffer.from('not really gzip, bytes') };

let ca: LabCertificate;
let server: UploadServer;
let proxy: Tinyproxy;

beforeAll(async () => {
  ca = await generateLabCertificate({ commonName: 'tscm test CA', isCa: true });
  const certificate = await generateLabCertificate({ commonName: HOST, hosts: [HOST], ca });
  server = await startUploadServer({ host: HOST, certificate, token: TOKEN });
  proxy = await startTinyproxy({
    host: HOST,
    connectPorts: [server.port],
    auth: { username: 'tscm', password: PASSWORD },
  });
});

afterAll(async () => {
  await proxy?.stop();
  await server?.close();
});

function target(extra: Partial<UploadTarget> = {}): UploadTarget {
  return { url: server.url, deviceId: 'DEV-0001', ca: ca.cert, token: TOKEN, ...extra };
}

async function sendOnce(t: UploadTarget, f: UploadFile = file, timeoutMs = 5000) {
  const client = createUploadClient(t);
  try {
    return await client.send(t, f, timeoutMs);
  } finally {
    await client.close();
  }
}

function expectNoSecret(text: string): void {
  expect(text).not.toContain(PASSWORD);
  expect(text).not.toContain(TOKEN);
  expect(text).not.toContain(Buffer.from(`tscm:${PASSWORD}`).toString('base64'));
}

describe('upload request', () => {
  it('posts the file with the wire-format headers, trusting the CA of logs.uploadCa', async () => {
    const before = server.requests().length;
    expect(await sendOnce(target())).toEqual({ ok: true, status: 201 });
    const rec = server.requests()[before]!;
    const sha = createHash('sha256').update(file.body).digest();
    expect(rec.outcome).toBe(201);
    expect(rec.sha256).toBe(sha.toString('hex'));
    expect(rec.headers).toMatchObject({
      'content-type': 'application/gzip',
      'x-tscm-device-id': 'DEV-0001',
      'x-tscm-device': 'edge-1',
      'x-tscm-file': 'syslog.000001.gz',
      'idempotency-key': `DEV-0001-${sha.toString('hex')}`,
      'content-digest': `sha-256=:${sha.toString('base64')}:`,
      authorization: `Bearer ${TOKEN}`,
    });
    // The same file again: same key, the server keeps it once.
    expect(await sendOnce(target())).toEqual({ ok: true, status: 200 });
    expect(server.stored().filter((s) => s.sha256 === rec.sha256)).toHaveLength(1);
  });

  it('goes through the proxy with Basic auth: the proxy logs the CONNECT to the endpoint', async () => {
    const f = { ...file, body: Buffer.from('through the proxy') };
    const r = await sendOnce(target({ proxy: { url: proxy.url, username: 'tscm', password: PASSWORD } }), f);
    expect(r).toEqual({ ok: true, status: 201 });
    expect(await proxy.log()).toContain(`CONNECT ${HOST}:${server.port}`);
    expect(server.stored().some((s) => s.body.equals(f.body))).toBe(true);
  });

  it('a wrong proxy password: "the proxy refused the credentials", nothing sent, no secret in the reason', async () => {
    const before = server.requests().length;
    const r = await sendOnce(target({ proxy: { url: proxy.url, username: 'tscm', password: `${PASSWORD}-wrong` } }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    // tinyproxy answers wrong credentials 401 (missing ones 407): both mean the same to us.
    expect(r.status).toBe(401);
    expect(r.reason).toBe(`the proxy ${HOST}:${proxy.port} refused the credentials (logs.proxy.username/password)`);
    expect(server.requests().length).toBe(before);
  });

  it('no credentials for a proxy that wants them: the same 407 message', async () => {
    const r = await sendOnce(target({ proxy: { url: proxy.url } }));
    expect(r).toMatchObject({ ok: false, status: 407 });
  });

  it('a proxy that is not there: the reason names the proxy address', async () => {
    const r = await sendOnce(target({ proxy: { url: `http://${HOST}:1`, username: 'tscm', password: PASSWORD } }));
    expect(r).toMatchObject({
      ok: false,
      reason: `cannot reach the proxy ${HOST}:1 (ECONNREFUSED): check logs.proxy.url`,
    });
  });

  it('a proxy that does not allow CONNECT to that port: says so', async () => {
    const other = await startUploadServer({
      host: HOST,
      certificate: await generateLabCertificate({ hosts: [HOST], ca }),
    });
    try {
      const r = await sendOnce(
        target({ url: other.url, proxy: { url: proxy.url, username: 'tscm', password: PASSWORD } }),
      );
      expect(r.ok).toBe(false);
      if (!r.ok)
        expect(r.reason).toMatch(/^the proxy .* refused the tunnel to https:\/\/127\.0\.11\.\d+:\d+ \(HTTP 403\)/);
      expect(other.requests()).toHaveLength(0);
    } finally {
      await other.close();
    }
  });

  it('refuses an https:// proxy, a non-https endpoint and credentials inside URLs, without quoting them', () => {
    expect(() => checkUploadTarget(target({ proxy: { url: `https://${HOST}:3128` } }))).toThrow(
      /logs\.proxy\.url: an https:\/\/ proxy is not supported/,
    );
    expect(() => checkUploadTarget(target({ url: `http://${HOST}/upload` }))).toThrow(/must be an https:\/\/ URL/);
    for (const bad of [
      target({ url: `https://u:${PASSWORD}@${HOST}/upload` }),
      target({ proxy: { url: `http://u:${PASSWORD}@${HOST}:3128` } }),
      target({ url: `not a url ${PASSWORD}` }),
    ]) {
      let err: unknown;
      try {
        checkUploadTarget(bad);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      expectNoSecret(`${(err as ConfigError).message} ${(err as ConfigError).hint ?? ''}`);
    }
  });

  it('an https:// proxy through the client: a failed result with the fix, never a request', async () => {
    const before = server.requests().length;
    const r = await sendOnce(target({ proxy: { url: `https://${HOST}:${proxy.port}`, password: PASSWORD } }));
    expect(r).toMatchObject({ ok: false, config: true });
    if (!r.ok) expect(r.reason).toMatch(/an https:\/\/ proxy is not supported: give the proxy as http:\/\/host:port/);
    expect(server.requests().length).toBe(before);
  });

  it('an endpoint whose CA is not trusted: refused, the reason points to logs.uploadCa', async () => {
    const r = await sendOnce(target({ ca: undefined }));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toMatch(
        new RegExp(
          `^the upload endpoint https://${HOST.replace(/\./g, '\\.')}:\\d+ presented a certificate that is not trusted \\(\\w+\\): set logs\\.uploadCa`,
        ),
      );
    }
    // The same through the proxy: the tunnel is made, the TLS inside it still fails the same way.
    const p = await sendOnce(
      target({ ca: undefined, proxy: { url: proxy.url, username: 'tscm', password: PASSWORD } }),
    );
    expect(p.ok === false && p.reason.includes('set logs.uploadCa')).toBe(true);
  });

  it('an error status with a large hostile body: status, type and length only, the body never read whole', async () => {
    server.script({
      status: 503,
      bodyBytes: 5_000_000,
      fill: `<script>${TOKEN}</script>`,
      contentType: 'text/html; x=<b>',
    });
    const r = await sendOnce(target());
    expect(r).toEqual({
      ok: false,
      status: 503,
      reason: `the upload endpoint https://${HOST}:${server.port} answered HTTP 503 (text/html, 5000000 bytes)`,
    });
  });

  it('a wrong token: 401 from the endpoint, the token not in the reason', async () => {
    const r = await sendOnce(target({ token: `${TOKEN}x` }));
    expect(r).toMatchObject({ ok: false, status: 401 });
    if (!r.ok) expectNoSecret(r.reason);
  });

  it('a reply that never comes: a timeout reason', async () => {
    // A server of its own: on a slow machine the request may time out before the server reads it, and its unused
    // fault must not be left queued for the next case.
    const silent = await startUploadServer({
      host: HOST,
      certificate: await generateLabCertificate({ hosts: [HOST], ca }),
    });
    silent.script({ hang: true });
    const r = await sendOnce(target({ url: silent.url }), file, 300).finally(() => silent.close());
    expect(r).toEqual({
      ok: false,
      reason: `no reply from the upload endpoint https://${HOST}:${silent.port} within 300 ms`,
    });
  });

  it('the connection dropped after the body: "closed before a reply"', async () => {
    server.script({ reset: true });
    const r = await sendOnce(target(), { ...file, body: Buffer.from('reset case') });
    expect(r).toEqual({
      ok: false,
      reason: `the connection to the upload endpoint https://${HOST}:${server.port} closed before a reply`,
    });
  });
});

// RestClient when the agent struggles: retries of reads (500/503/refused/reset/timeouts) bounded by attempts and
// time, the agent-failing advice, writes never re-sent, pacing (concurrency, requests per second), and the error
// texts (JSON messages, HTML bodies), with secrets absent throughout.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateLabCertificate } from '../../lab/tls-cert.js';
import type { LabCertificate } from '../../lab/tls-cert.js';
import { asa, PASSWORD, recordingLogger, SECRET_STRINGS, Session, TOKEN } from './testing/test-helpers.js';
import type { Seen } from './testing/test-helpers.js';

let cert: LabCertificate;
const t = new Session(() => cert);
beforeAll(async () => {
  cert = await generateLabCertificate();
});
afterEach(() => t.closeAll());
afterAll(() => {
  for (const text of t.allTexts()) for (const secret of SECRET_STRINGS) expect(text).not.toContain(secret);
});

const GROUPS = '/objects/networkobjectgroups';
const apiCalls = (seen: readonly Seen[]): Seen[] => seen.filter((s) => !s.path.startsWith('/api/tokenservices'));

describe('retries of reads', () => {
  it('a GET retries through 500 and 503 and returns the answer that follows', async () => {
    const f = await t.fake(asa((_r, i) => (i === 1 ? { status: 500 } : i === 2 ? { status: 503 } : { body: [1] })));
    const c = await t.open(f);
    expect((await c.request('GET', GROUPS)).body).toEqual([1]);
    expect(apiCalls(f.seen)).toHaveLength(3);
    expect(c.stats).toEqual({ requests: 4, retries: 2 });
  });

  it('500s past the attempts: agentFailing, with the out-of-memory advice', async () => {
    const f = await t.fake(asa(() => ({ status: 500, body: '<html><body>Internal</body></html>' })));
    const c = await t.open(f, { retry: { attempts: 5, baseDelayMs: 1, maxDelayMs: 3, budgetMs: 10_000 } });
    const e = await t.failure(c.request('GET', GROUPS));
    expect(apiCalls(f.seen)).toHaveLength(5);
    expect(e).toMatchObject({ status: 500, agentFailing: true, transient: true, route: `GET ${GROUPS}` });
    expect(e.message).toContain('the ASA REST agent keeps failing (HTTP 500');
    expect(e.message).toContain('no rest-api agent');
    expect(e.message).toContain('advanced.fallback: ssh');
    expect(e.message).toContain('non-JSON 500 body (34 bytes, text/html)');
    expect(e.message).not.toContain('Internal');
  });

  it('the time budget ends the retries before the attempts do', async () => {
    // Each 500 takes at least 10 ms, so a 100 ms budget leaves room for at most 11 attempts of the thousand.
    const f = await t.fake(asa(() => ({ status: 500, delayMs: 10 })));
    const c = await t.open(f, { retry: { attempts: 1000, baseDelayMs: 1, maxDelayMs: 2, budgetMs: 100 } });
    const e = await t.failure(c.request('GET', GROUPS));
    expect(e.agentFailing).toBe(true);
    const n = apiCalls(f.seen).length;
    expect(n).toBeGreaterThanOrEqual(2);
    expect(n).toBeLessThanOrEqual(11);
  });

  it('a refused connection (the agent restarting) is retried until the port serves again', async () => {
    const f = await t.fake();
    const log = recordingLogger((msg, fields) => {
      if (msg === 'REST retry' && fields?.attempt === 2) void f.start();
    });
    const c = await t.open(f, { log, retry: { attempts: 20, baseDelayMs: 2, maxDelayMs: 5, budgetMs: 10_000 } });
    await f.stop();
    expect((await c.request('GET', GROUPS)).status).toBe(200);
    expect(c.stats.retries).toBeGreaterThanOrEqual(2);
    expect(log.lines.filter((l) => l.includes('REST retry')).length).toBe(c.stats.retries);
  });

  it('refused for good: a transient error after the attempts, counted', async () => {
    const f = await t.fake();
    const c = await t.open(f);
    await f.stop();
    const e = await t.failure(c.request('GET', GROUPS));
    expect(e.status).toBeUndefined();
    expect(e.transient).toBe(true);
    expect(e.agentFailing).toBe(false);
    expect(e.message).toContain('connection refused');
    expect(e.message).toContain('gave up after 4 attempts');
    expect(c.stats).toEqual({ requests: 5, retries: 3 });
  });

  it('a reset connection and a timeout are retried', async () => {
    const f = await t.fake(asa((_r, i) => (i === 1 ? { reset: true } : i === 2 ? { delayMs: 2000 } : { body: {} })));
    const c = await t.open(f, { requestTimeoutMs: 500 });
    expect((await c.request('GET', GROUPS)).status).toBe(200);
    expect(c.stats.retries).toBe(2);
  });

  it('backoff: exponential with full jitter, capped, bounded by attempts and budget', async () => {
    const f = await t.fake();
    const c = await t.open(f, { retry: { attempts: 6, baseDelayMs: 10, maxDelayMs: 50, budgetMs: 1000 } });
    for (let n = 1; n <= 8; n++) {
      for (let k = 0; k < 50; k++) {
        const b = c.backoff(n);
        expect(b.delayMs).toBeGreaterThanOrEqual(0);
        expect(b.delayMs).toBeLessThanOrEqual(Math.min(50, 10 * 2 ** (n - 1)));
        expect(b.allowed).toBe(n < 6);
      }
    }
    // Retry 1 waits at most 10 ms: from 990 ms spent it always fits the 1,000 ms budget, from 1,001 ms never.
    for (let k = 0; k < 50; k++) expect(c.backoff(1, 990).allowed).toBe(true);
    expect(c.backoff(1, 1001).allowed).toBe(false);
  });
});

describe('writes are never re-sent', () => {
  for (const answer of [{ status: 500 }, { status: 503 }, { reset: true }]) {
    it(`a PATCH answered ${JSON.stringify(answer)} is sent once and fails transiently`, async () => {
      const f = await t.fake(asa(() => answer));
      const c = await t.open(f);
      const e = await t.failure(c.request('PATCH', `${GROUPS}/BLOCK`, { 'members.add': [] }));
      expect(apiCalls(f.seen)).toHaveLength(1);
      expect(e).toMatchObject({ transient: true, agentFailing: false, route: `PATCH ${GROUPS}/{id}` });
      expect(c.stats.retries).toBe(0);
    });
  }

  it('a POST answered 400 is not transient', async () => {
    const f = await t.fake(asa(() => ({ status: 400, body: { messages: [] } })));
    const c = await t.open(f);
    const e = await t.failure(c.request('POST', GROUPS, {}));
    expect(e.transient).toBe(false);
    expect(e.message).toContain('JSON 400 body without messages');
  });
});

describe('pacing', () => {
  it('concurrency 1: requests never overlap', async () => {
    const f = await t.fake(asa(() => ({ delayMs: 15, body: {} })));
    const c = await t.open(f, { concurrency: 1 });
    await Promise.all(Array.from({ length: 6 }, () => c.request('GET', GROUPS)));
    const calls = apiCalls(f.seen);
    expect(calls).toHaveLength(6);
    for (let i = 1; i < calls.length; i++) expect(calls[i]!.at).toBeGreaterThanOrEqual(calls[i - 1]!.done!);
  });

  it('concurrency 3: at most three in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const f = await t.fake(
      asa(async () => {
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 50));
        inFlight--;
        return { body: {} };
      }),
    );
    const c = await t.open(f, { concurrency: 3 });
    await Promise.all(Array.from({ length: 9 }, () => c.request('GET', GROUPS)));
    expect(most).toBeLessThanOrEqual(3);
    expect(most).toBeGreaterThan(1);
  });

  it('requestsPerSecond spaces the starts of requests', async () => {
    const f = await t.fake();
    const c = await t.open(f, { requestsPerSecond: 50, concurrency: 4 });
    await c.request('GET', GROUPS); // the next start is due 20 ms after this one's
    const before = Date.now();
    await Promise.all(Array.from({ length: 5 }, () => c.request('GET', GROUPS)));
    // Request k of the burst cannot leave before 20 ms * (k + 1) after the first; unpaced, all arrive at once.
    const at = apiCalls(f.seen)
      .slice(1)
      .map((s) => s.at)
      .sort((x, y) => x - y);
    at.forEach((a, k) => expect(a - before).toBeGreaterThanOrEqual(20 * k - 2));
    expect(at.at(-1)! - before).toBeGreaterThanOrEqual(78);
  });
});

describe('error texts', () => {
  it('every message of a JSON body, one line each, control characters stripped, bounded', async () => {
    const messages = [
      { level: 'Error', code: 'DUPLICATE', context: 'name', details: 'Object BLOCK already exists\u001b[31m' },
      { level: 'Warning', code: '', details: `x${'y'.repeat(5000)}` },
      { level: 'Info', code: 'SECRET', details: `the password is ${PASSWORD} and ${TOKEN}` },
    ];
    const f = await t.fake(asa(() => ({ status: 400, body: { messages } })));
    const c = await t.open(f);
    const e = await t.failure(c.request('POST', GROUPS, { name: 'BLOCK' }));
    const lines = e.message.split('\n');
    expect(lines[0]).toBe(
      `device fw1: POST ${GROUPS}: HTTP 400: Error DUPLICATE (name): Object BLOCK already exists [31m`,
    );
    expect(lines[1]!.startsWith('Warning: xyyy')).toBe(true);
    expect(lines[1]!.length).toBeLessThan(400);
    expect(lines[2]).toBe('Info SECRET: the password is *** and ***');
    expect(e.message).not.toContain('\u001b');
    expect(e.messages).toHaveLength(3);
    expect(e.messages[0]).toEqual({
      level: 'Error',
      code: 'DUPLICATE',
      context: 'name',
      details: 'Object BLOCK already exists [31m',
    });
  });

  it('an HTML body is described, never echoed', async () => {
    const html = `<html><body><h1>500 Internal Server Error</h1>${PASSWORD}</body></html>`;
    const f = await t.fake(asa(() => ({ status: 500, body: html })));
    const c = await t.open(f);
    const e = await t.failure(c.request('DELETE', `${GROUPS}/BLOCK`));
    expect(e.message).toBe(
      `device fw1: DELETE ${GROUPS}/{id}: HTTP 500: non-JSON 500 body (${Buffer.byteLength(html)} bytes, text/html)`,
    );
  });

  it('the token never shows in a route, a log line or an error', async () => {
    const f = await t.fake(
      asa((r) =>
        r.method === 'GET' ? { status: 404, body: { messages: [{ level: 'Error', code: 'X', details: TOKEN }] } } : {},
      ),
    );
    const log = recordingLogger();
    const c = await t.open(f, { log });
    const e = await t.failure(c.request('GET', `${GROUPS}/A`));
    expect(e.route).toBe(`GET ${GROUPS}/{id}`);
    await c.close();
    expect([e.message, ...log.lines].join('\n')).not.toContain(TOKEN);
  });
});

// Every REST fault through a real HTTPS client: 500 storms (JSON and HTML, writes applied or not), the OOM limit,
// an agent restart (connections refused, then the same port), 503 sessions, slow replies, expiring tokens, 413,
// writemem failures and an absent agent; and the faults file's strict checks.

import { randomInt } from 'node:crypto';
import { connect } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { parseAsaRestFaults, readAsaRestFaultsFile, startAsaRestEmulator } from './index.js';
import type { AsaRestFaults, RunningAsaRestEmulator } from './index.js';
import { restCaller } from './test-client.js';
import type { Caller } from './test-client.js';

const CREDS = { username: 'netops', password: 'pw' };
const GROUPS = '/api/objects/networkobjectgroups';
const add = (value: string): { body: unknown } => ({ body: { 'members.add': [{ kind: 'IPv4Address', value }] } });
const CONFIG = `ASA Version 9.16(3)19
hostname fw1
object-group network BLOCK
 network-object host 192.0.2.1
: end
`;

let emu: RunningAsaRestEmulator | undefined;
let caller: (Caller & { close(): Promise<void> }) | undefined;
afterEach(async () => {
  await caller?.close();
  await emu?.close();
  emu = undefined;
  caller = undefined;
});

async function boot(faults: AsaRestFaults): Promise<Caller> {
  emu = await startAsaRestEmulator({ ...CREDS, config: CONFIG, host: `127.0.91.${randomInt(121, 200)}`, faults });
  caller = restCaller(emu, CREDS);
  return caller;
}

const refused = (host: string, port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });

describe('REST faults', () => {
  test('serverErrors: after N requests, count 500s; then serving again', async () => {
    const call = await boot({ serverErrors: { afterRequests: 2, count: 2 } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await call('GET', GROUPS)).status);
    expect(statuses).toEqual([200, 200, 500, 500, 200]);
  });

  test('serverErrors with an HTML body, and with the write applied before the 500 (the reply lost)', async () => {
    const call = await boot({ serverErrors: { afterRequests: 0, count: 1, body: 'html' } });
    const html = await call('PATCH', `${GROUPS}/BLOCK`, add('192.0.2.2'));
    expect(html.status).toBe(500);
    expect(html.headers['content-type']).toBe('text/html');
    expect(html.json).toBeUndefined();
    expect(emu!.objectGroups().get('BLOCK')).toEqual(['network-object host 192.0.2.1']);
    emu!.setFaults({ serverErrors: { afterRequests: 0, applyWrites: true } });
    const lost = await call('PATCH', `${GROUPS}/BLOCK`, add('192.0.2.3'));
    expect(lost.status).toBe(500);
    expect(emu!.objectGroups().get('BLOCK')).toContain('network-object host 192.0.2.3');
    expect((await call('GET', GROUPS)).status).toBe(500); // no count: until cleared
    emu!.setFaults({});
    expect((await call('GET', GROUPS)).status).toBe(200);
  });

  test('oomAboveConfigBytes: writes answer 500 while the config is larger; reads still work', async () => {
    const call = await boot({});
    const size = Buffer.byteLength(emu!.runningConfig());
    emu!.setFaults({ oomAboveConfigBytes: size + 30 });
    expect((await call('PATCH', `${GROUPS}/BLOCK`, add('192.0.2.2'))).status).toBe(204);
    const oom = await call('PATCH', `${GROUPS}/BLOCK`, add('192.0.2.3'));
    expect(oom.status).toBe(500);
    expect(emu!.objectGroups().get('BLOCK')).not.toContain('network-object host 192.0.2.3');
    expect((await call('POST', '/api/commands/writemem')).status).toBe(500);
    expect((await call('GET', `${GROUPS}/BLOCK`)).status).toBe(200);
  });

  test('agentRestart: the port refuses connections for downMs, then the same port serves', async () => {
    const call = await boot({ agentRestart: { afterRequests: 2, downMs: 1000 } });
    expect((await call('GET', GROUPS)).status).toBe(200);
    expect((await call('GET', GROUPS)).status).toBe(200);
    // The restart begins once the second answer is sent.
    for (let i = 0; i < 50 && !(await refused(emu!.host, emu!.port)); i++) await new Promise((r) => setTimeout(r, 10));
    expect(await refused(emu!.host, emu!.port)).toBe(true);
    await expect(call('GET', GROUPS)).rejects.toThrow();
    for (let i = 0; i < 400 && (await refused(emu!.host, emu!.port)); i++) await new Promise((r) => setTimeout(r, 20));
    expect((await call('GET', GROUPS)).status).toBe(200);
    expect((await call('GET', GROUPS)).status).toBe(200); // once per setFaults
  });

  test('maxSessions, tokenExpiresAfterRequests, replyDelayMs', async () => {
    const call = await boot({ maxSessions: 1, tokenExpiresAfterRequests: 2, replyDelayMs: 50 });
    const token = (await call('POST', '/api/tokenservices')).headers['x-auth-token'] as string;
    expect((await call('POST', '/api/tokenservices')).status).toBe(503);
    const started = Date.now();
    expect((await call('GET', GROUPS, { token })).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect((await call('GET', GROUPS, { token })).status).toBe(200);
    expect((await call('GET', GROUPS, { token })).status).toBe(401);
    // The expired token freed its session: a new one works.
    const fresh = await call('POST', '/api/tokenservices');
    expect(fresh.status).toBe(204);
    expect((await call('GET', GROUPS, { token: fresh.headers['x-auth-token'] as string })).status).toBe(200);
  });

  test('writememFailTimes, maxBodyBytes, absent', async () => {
    const call = await boot({ writememFailTimes: 1, maxBodyBytes: 100 });
    const failed = await call('POST', '/api/commands/writemem');
    expect(failed.status).toBe(500);
    expect(JSON.stringify(failed.json)).toContain('%Error copying system:/running-config');
    expect((await call('POST', '/api/commands/writemem')).status).toBe(200);
    const big = await call('POST', GROUPS, {
      body: { name: 'X', members: Array(20).fill({ kind: 'IPv4Address', value: '10.0.0.1' }) },
    });
    expect(big.status).toBe(413);
    emu!.setFaults({ absent: true });
    const gone = await call('GET', GROUPS);
    expect(gone.status).toBe(404);
    expect(gone.json).toBeUndefined();
    expect((await call('POST', '/api/tokenservices')).status).toBe(404);
    expect(emu!.requests().total).toBe(5);
  });
});

describe('faults file', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });

  test('reads nested settings; refuses unknown keys and wrong values naming the field, not the value', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tscm-rest-faults-'));
    dirs.push(dir);
    const file = path.join(dir, 'f.yaml');
    await writeFile(
      file,
      'serverErrors: { afterRequests: 5, body: html }\nagentRestart: { afterRequests: 3, downMs: 100 }\nabsent: false\n',
    );
    expect(await readAsaRestFaultsFile(file)).toEqual({
      serverErrors: { afterRequests: 5, body: 'html' },
      agentRestart: { afterRequests: 3, downMs: 100 },
      absent: false,
    });
    expect(() => parseAsaRestFaults({ maxSessions: 'hunter2' }, 'f.yaml')).toThrow(
      /field "maxSessions" must be a whole number/,
    );
    expect(() => parseAsaRestFaults({ serverErrors: { count: 1 } }, 'f.yaml')).toThrow(/needs "afterRequests"/);
    expect(() => parseAsaRestFaults({ 'sekret value': 1 }, 'f.yaml')).toThrow(/unknown field \(a key\)/);
    expect(() => parseAsaRestFaults({ serverErrors: { body: 'xml', afterRequests: 1 } }, 'f.yaml')).toThrow(
      /json or html/,
    );
    expect(() => parseAsaRestFaults([], 'f.yaml')).toThrow(/must be a mapping/);
  });
});

// Independent checks of the REST emulator with curl (not our client): tokens, 25 sessions then 503, paging across
// 250 groups, POST/PATCH/DELETE, a REST change over SSH and back, every fault, /lab/requests. curl verifies the
// served certificate with --cacert (the self-signed certificate is its own trust anchor).

import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { openTestShell } from '../vty/test-shell.js';
import { startAsaRestEmulator } from './index.js';
import type { AsaRestEmulatorOptions, RunningAsaRestEmulator } from './index.js';

const run = promisify(execFile);
const CREDS = { username: 'netops', password: 'pw-curl' };
const GROUPS = '/api/objects/networkobjectgroups';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tscm-rest-curl-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
let emu: RunningAsaRestEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

interface CurlReply {
  status: number;
  headers: Record<string, string>;
  body: string;
  json: unknown;
}

async function boot(extra: Partial<AsaRestEmulatorOptions> = {}): Promise<RunningAsaRestEmulator> {
  emu = await startAsaRestEmulator({ ...CREDS, enablePassword: 'en', host: `127.0.91.${randomInt(2, 250)}`, ...extra });
  await writeFile(path.join(dir, `${emu.port}.pem`), emu.certificate.cert);
  return emu;
}

/** curl -i with the lab certificate as CA; `auth` 'basic' (default), a token, or none. */
async function curl(
  method: string,
  urlPath: string,
  o: { auth?: 'basic' | 'none' | { token: string }; body?: unknown; agent?: boolean } = {},
): Promise<CurlReply> {
  const e = emu!;
  const args = ['-s', '-S', '-i', '--cacert', path.join(dir, `${e.port}.pem`), '-X', method];
  if (o.agent !== false) args.push('-H', 'User-Agent: REST API Agent');
  const auth = o.auth ?? 'basic';
  if (auth === 'basic') args.push('-u', `${CREDS.username}:${CREDS.password}`);
  else if (auth !== 'none') args.push('-H', `X-Auth-Token: ${auth.token}`);
  if (o.body !== undefined)
    args.push(
      '-H',
      'Content-Type: application/json',
      '--data-binary',
      typeof o.body === 'string' ? o.body : JSON.stringify(o.body),
    );
  args.push(`https://${e.host}:${e.port}${urlPath}`);
  const { stdout } = await run('curl', args, { maxBuffer: 64 * 1024 * 1024 });
  const split = stdout.indexOf('\r\n\r\n');
  const head = stdout.slice(0, split).split('\r\n');
  const body = stdout.slice(split + 4);
  const headers: Record<string, string> = {};
  for (const line of head.slice(1)) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon)] = line.slice(colon + 1).trim();
  }
  let json: unknown;
  try {
    json = body ? JSON.parse(body) : undefined;
  } catch {
    json = undefined;
  }
  return { status: Number(head[0]!.split(' ')[1]), headers, body, json };
}

const details = (r: CurlReply): string[] =>
  ((r.json as { messages?: { details: string }[] })?.messages ?? []).map((m) => m.details);

describe('curl against the ASA REST emulator', () => {
  test('tokens: 204 + X-Auth-Token, use, DELETE 204, then 401; 25 sessions then 503; real header names', async () => {
    await boot();
    const made = await curl('POST', '/api/tokenservices');
    expect(made.status).toBe(204);
    expect(made.headers['Server']).toBe('CiscoASARestApiServer');
    const token = made.headers['X-Auth-Token']!;
    const listed = await curl('GET', GROUPS, { auth: { token } });
    expect(listed.status).toBe(200);
    expect(listed.headers['Content-type']).toBe('application/json');
    expect((await curl('DELETE', `/api/tokenservices/${token}`)).status).toBe(204);
    expect((await curl('GET', GROUPS, { auth: { token } })).status).toBe(401);
    expect((await curl('GET', GROUPS, { auth: 'none' })).status).toBe(401);
    expect((await curl('GET', GROUPS, { agent: false })).status).toBe(400);
    const many = await Promise.all(Array.from({ length: 25 }, () => curl('POST', '/api/tokenservices')));
    expect(many.map((r) => r.status)).toEqual(Array(25).fill(204));
    const over = await curl('POST', '/api/tokenservices');
    expect(over.status).toBe(503);
    expect(emu!.activeTokens()).toBe(25);
  });

  test('paging across 250 groups with offset/limit and rangeInfo', async () => {
    const groups = Array.from(
      { length: 250 },
      (_, i) => `object-group network P${i}\n network-object host 10.${i >> 8}.${i & 255}.1`,
    );
    await boot({ config: `ASA Version 9.16(3)19\nhostname fw\n${groups.join('\n')}\n: end\n` });
    const seen: string[] = [];
    let offset = 0;
    for (;;) {
      const page = (await curl('GET', `${GROUPS}?offset=${offset}&limit=100`)).json as {
        rangeInfo: { offset: number; limit: number; total: number };
        items: { name: string; members: unknown[] }[];
      };
      expect(page.rangeInfo).toEqual({ offset, limit: page.items.length, total: 250 });
      seen.push(...page.items.map((g) => g.name));
      offset += page.items.length;
      if (offset >= page.rangeInfo.total) break;
    }
    expect(seen).toHaveLength(250);
    expect(seen[249]).toBe('P249');
  });

  test('POST 201 + Location, PATCH 204, GET, DELETE 204; the REST change over SSH and an SSH change over REST', async () => {
    await boot({ ssh: {} });
    const created = await curl('POST', GROUPS, {
      body: { kind: 'object#NetworkObjGroup', name: 'CURL_G', members: [{ kind: 'IPv4Address', value: '192.0.2.10' }] },
    });
    expect(created.status).toBe(201);
    expect(created.headers['Location']).toBe(`${emu!.url}/objects/networkobjectgroups/CURL_G`);
    const patched = await curl('PATCH', `${GROUPS}/CURL_G`, {
      body: { 'members.add': [{ kind: 'IPv4Network', value: '198.51.100.0/25' }] },
    });
    expect(patched.status).toBe(204);
    const shell = await openTestShell(emu!.ssh!, CREDS);
    try {
      await shell.readUntil(/>$/);
      shell.sendLine('enable');
      await shell.readUntil(/Password: $/);
      await shell.run('en', /#$/);
      await shell.run('terminal pager 0', /#$/);
      const shown = await shell.run('show running-config object-group id CURL_G', /#$/);
      expect(shown).toContain(
        'object-group network CURL_G\r\n network-object host 192.0.2.10\r\n network-object 198.51.100.0 255.255.255.128\r\n',
      );
      await shell.run('configure terminal', /: $/);
      await shell.run('N', /\(config\)#$/);
      await shell.run('object-group network CURL_G', /#$/);
      await shell.run('no network-object host 192.0.2.10', /#$/);
      await shell.run('end', /#$/);
    } finally {
      shell.close();
    }
    const item = (await curl('GET', `${GROUPS}/CURL_G`)).json as { members: unknown[] };
    expect(item.members).toEqual([{ kind: 'IPv4Network', value: '198.51.100.0/25' }]);
    const saved = await curl('POST', '/api/commands/writemem');
    expect((saved.json as { response: string[] }).response[0]).toMatch(/\n\[OK\]\n$/);
    expect((await curl('DELETE', `${GROUPS}/CURL_G`)).status).toBe(204);
    expect((await curl('GET', `${GROUPS}/CURL_G`)).status).toBe(404);
    const counts = (await curl('GET', '/lab/requests', { auth: 'none', agent: false })).json as {
      total: number;
      byRoute: Record<string, number>;
    };
    expect(counts.total).toBe(6);
    expect(counts.byRoute['GET /api/objects/networkobjectgroups/{id}']).toBe(2);
    expect(counts.byRoute['DELETE /api/objects/networkobjectgroups/{id}']).toBe(1);
  });

  test('faults seen by curl: 500 JSON and HTML, OOM, expired token, 413, writemem failure, absent, restart', async () => {
    await boot({ config: 'ASA Version 9.16(3)19\nobject-group network B\n network-object host 192.0.2.1\n: end\n' });
    emu!.setFaults({ serverErrors: { afterRequests: 1, count: 1 } });
    expect((await curl('GET', GROUPS)).status).toBe(200);
    const storm = await curl('GET', GROUPS);
    expect([storm.status, details(storm)]).toEqual([500, ['Internal Server Error']]);
    emu!.setFaults({ serverErrors: { afterRequests: 0, body: 'html' } });
    const html = await curl('GET', GROUPS);
    expect([html.status, html.headers['Content-type'], html.json]).toEqual([500, 'text/html', undefined]);
    emu!.setFaults({ oomAboveConfigBytes: 10 });
    expect(
      (await curl('PATCH', `${GROUPS}/B`, { body: { 'members.add': [{ kind: 'IPv4Address', value: '192.0.2.2' }] } }))
        .status,
    ).toBe(500);
    expect((await curl('GET', `${GROUPS}/B`)).status).toBe(200);
    emu!.setFaults({ tokenExpiresAfterRequests: 1 });
    const token = (await curl('POST', '/api/tokenservices')).headers['X-Auth-Token']!;
    expect((await curl('GET', GROUPS, { auth: { token } })).status).toBe(200);
    expect((await curl('GET', GROUPS, { auth: { token } })).status).toBe(401);
    emu!.setFaults({ maxBodyBytes: 64, writememFailTimes: 1 });
    expect((await curl('POST', GROUPS, { body: { name: 'X'.repeat(60), members: [] } })).status).toBe(413);
    expect((await curl('POST', '/api/commands/writemem')).status).toBe(500);
    expect((await curl('POST', '/api/commands/writemem')).status).toBe(200);
    emu!.setFaults({ absent: true });
    expect((await curl('GET', '/api')).status).toBe(404);
    emu!.setFaults({ agentRestart: { afterRequests: 1, downMs: 1000 } });
    expect((await curl('GET', '/api')).status).toBe(200);
    const down = async (): Promise<boolean> =>
      new Promise((resolve) => {
        const s = connect(emu!.port, emu!.host);
        s.once('connect', () => (s.destroy(), resolve(false)));
        s.once('error', () => resolve(true));
      });
    for (let i = 0; i < 50 && !(await down()); i++) await new Promise((r) => setTimeout(r, 10));
    await expect(curl('GET', '/api')).rejects.toThrow(/Failed to connect|Couldn't connect|refused/);
    for (let i = 0; i < 400 && (await down()); i++) await new Promise((r) => setTimeout(r, 20));
    expect((await curl('GET', '/api')).status).toBe(200);
  });
});

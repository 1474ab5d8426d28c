// The REST emulator through a real HTTPS client (undici): auth and tokens, paging, group CRUD on the ASA model with
// the CLI's rules, writemem, the CLI passthrough, request counts and hostile bodies.

import { randomInt } from 'node:crypto';
import { afterEach, describe, expect, test } from 'vitest';
import { startAsaRestEmulator } from './index.js';
import type { AsaRestEmulatorOptions, RunningAsaRestEmulator } from './index.js';
import { restCaller } from './test-client.js';
import type { Caller } from './test-client.js';

const CREDS = { username: 'netops', password: 'Pa55-word' };
const GROUPS = '/api/objects/networkobjectgroups';
const IN_USE = `: Saved
ASA Version 9.16(3)19
!
hostname fw1
object-group network BLOCK
 network-object host 192.0.2.1
access-list outside_in extended deny ip object-group BLOCK any
access-group outside_in in interface outside
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

async function boot(extra: Partial<AsaRestEmulatorOptions> = {}): Promise<Caller> {
  emu = await startAsaRestEmulator({ ...CREDS, host: `127.0.91.${randomInt(2, 120)}`, ...extra });
  caller = restCaller(emu, CREDS);
  return caller;
}

const messagesOf = (json: unknown): string[] =>
  ((json as { messages?: { details: string }[] }).messages ?? []).map((m) => m.details);

describe('auth and tokens', () => {
  test('Basic on every call, or a token; 401 without, 400 without the User-Agent; real headers', async () => {
    const call = await boot();
    const ok = await call('GET', GROUPS);
    expect(ok.status).toBe(200);
    expect(ok.headers['server']).toBe('CiscoASARestApiServer');
    expect(ok.headers['content-type']).toBe('application/json');
    expect((await call('GET', GROUPS, { basic: false })).status).toBe(401);
    expect((await call('GET', GROUPS, { basic: { ...CREDS, password: 'wrong' } })).status).toBe(401);
    const noAgent = await call('GET', GROUPS, { userAgent: false });
    expect(noAgent.status).toBe(400);
    expect(messagesOf(noAgent.json)[0]).toContain('User-Agent: REST API Agent');
    const made = await call('POST', '/api/tokenservices');
    expect(made.status).toBe(204);
    const token = made.headers['x-auth-token'] as string;
    expect(token).toMatch(/^[0-9a-f]{48}$/);
    expect(emu!.activeTokens()).toBe(1);
    expect((await call('GET', GROUPS, { token })).status).toBe(200);
    expect((await call('GET', GROUPS, { token: 'f'.repeat(48) })).status).toBe(401);
    expect((await call('DELETE', `/api/tokenservices/${token}`)).status).toBe(204);
    expect((await call('GET', GROUPS, { token })).status).toBe(401);
    expect((await call('DELETE', `/api/tokenservices/${token}`)).status).toBe(401);
    expect(emu!.activeTokens()).toBe(0);
    const body = JSON.stringify(emu!.requests());
    expect(body).not.toContain(token);
  });

  test('25 sessions, then 503; a deleted one frees a place', async () => {
    const call = await boot();
    const tokens: string[] = [];
    for (let i = 0; i < 25; i++) {
      const r = await call('POST', '/api/tokenservices');
      expect(r.status).toBe(204);
      tokens.push(r.headers['x-auth-token'] as string);
    }
    const refused = await call('POST', '/api/tokenservices');
    expect(refused.status).toBe(503);
    expect(messagesOf(refused.json)[0]).toContain('maximum sessions per context is 25');
    expect((await call('DELETE', `/api/tokenservices/${tokens[0]}`, { token: tokens[0] })).status).toBe(204);
    expect((await call('POST', '/api/tokenservices')).status).toBe(204);
  });
});

describe('groups', () => {
  test('paging across 250 groups: limit = items returned, at most 100', async () => {
    const call = await boot();
    for (let i = 0; i < 250; i++) {
      const r = await call('POST', GROUPS, {
        body: {
          kind: 'object#NetworkObjGroup',
          name: `G${i}`,
          members: [{ kind: 'IPv4Address', value: `10.0.${i}.1` }],
        },
      });
      expect(r.status).toBe(201);
    }
    const names: string[] = [];
    let offset = 0;
    const limits: number[] = [];
    for (;;) {
      const page = (await call('GET', `${GROUPS}?offset=${offset}&limit=500`)).json as {
        rangeInfo: { offset: number; limit: number; total: number };
        items: { name: string }[];
      };
      expect(page.rangeInfo.offset).toBe(offset);
      expect(page.rangeInfo.total).toBe(250);
      limits.push(page.rangeInfo.limit);
      names.push(...page.items.map((g) => g.name));
      offset += page.items.length;
      if (page.rangeInfo.offset + page.rangeInfo.limit >= page.rangeInfo.total) break;
    }
    expect(limits).toEqual([100, 100, 50]);
    expect(names).toEqual(Array.from({ length: 250 }, (_, i) => `G${i}`));
    expect((await call('GET', `${GROUPS}?limit=-1`)).status).toBe(400);
  });

  test('POST 201 + Location, GET item, PATCH 204 in device order, all-or-nothing refusals with the ASA words', async () => {
    const call = await boot();
    const created = await call('POST', GROUPS, {
      body: {
        kind: 'object#NetworkObjGroup',
        name: 'BLOCK',
        description: 'tscm managed',
        members: [
          { kind: 'IPv4Address', value: '192.0.2.1' },
          { kind: 'IPv4Network', value: '198.51.100.0/24' },
          { kind: 'IPv6Address', value: '2001:db8::1' },
          { kind: 'IPv6Network', value: '2001:db8:1::/48' },
        ],
      },
    });
    expect(created.status).toBe(201);
    expect(created.headers['location']).toBe(`${emu!.url}/objects/networkobjectgroups/BLOCK`);
    expect(created.text).toBe('');
    expect(emu!.objectGroups().get('BLOCK')).toEqual([
      'network-object host 192.0.2.1',
      'network-object 198.51.100.0 255.255.255.0',
      'network-object host 2001:db8::1',
      'network-object 2001:db8:1::/48',
    ]);
    expect(emu!.runningConfig()).toContain('object-group network BLOCK\n description tscm managed\n');
    const dup = await call('POST', GROUPS, { body: { name: 'BLOCK', members: [] } });
    expect(dup.status).toBe(400);
    expect((dup.json as { messages: { code: string }[] }).messages[0]!.code).toBe('DUPLICATE');
    const patched = await call('PATCH', `${GROUPS}/BLOCK`, {
      body: {
        'members.add': [{ kind: 'IPv4Address', value: '203.0.113.9' }],
        'members.remove': [{ kind: 'IPv4Address', value: '192.0.2.1' }],
      },
    });
    expect(patched.status).toBe(204);
    const item = (await call('GET', `${GROUPS}/BLOCK`)).json;
    expect(item).toEqual({
      kind: 'object#NetworkObjGroup',
      selfLink: `${emu!.url}/objects/networkobjectgroups/BLOCK`,
      name: 'BLOCK',
      description: 'tscm managed',
      members: [
        { kind: 'IPv4Network', value: '198.51.100.0/24' },
        { kind: 'IPv6Address', value: '2001:db8::1' },
        { kind: 'IPv6Network', value: '2001:db8:1::/48' },
        { kind: 'IPv4Address', value: '203.0.113.9' },
      ],
      objectId: 'BLOCK',
    });
    const before = emu!.runningConfig();
    const duplicate = await call('PATCH', `${GROUPS}/BLOCK`, {
      body: {
        'members.add': [
          { kind: 'IPv4Address', value: '203.0.113.10' },
          { kind: 'IPv4Address', value: '203.0.113.9' },
        ],
      },
    });
    expect(duplicate.status).toBe(400);
    expect(messagesOf(duplicate.json)).toEqual([
      'Adding obj (host 203.0.113.9 ) to grp (BLOCK) failed; object already exists',
    ]);
    const absent = await call('PATCH', `${GROUPS}/BLOCK`, {
      body: {
        'members.remove': [
          { kind: 'IPv4Network', value: '198.51.100.0/24' },
          { kind: 'IPv4Address', value: '10.9.9.9' },
        ],
      },
    });
    expect(messagesOf(absent.json)).toEqual(['obj does not exist in this group']);
    expect(emu!.runningConfig()).toBe(before);
    for (const bad of [
      { kind: 'IPv4Range', value: '10.0.0.1-10.0.0.9' },
      { kind: 'IPv4Address', value: '2001:db8::1' },
      { kind: 'IPv4Network', value: '10.0.0.1/24' },
      { kind: 'IPv4Address', value: '10.0.0.1', extra: 1 },
      'host 10.0.0.1',
    ]) {
      const r = await call('PATCH', `${GROUPS}/BLOCK`, { body: { 'members.add': [bad] } });
      expect(r.status).toBe(400);
    }
    expect(emu!.runningConfig()).toBe(before);
    expect((await call('GET', `${GROUPS}/NOPE`)).status).toBe(404);
    expect((await call('DELETE', `${GROUPS}/BLOCK`)).status).toBe(204);
    expect(emu!.objectGroups().has('BLOCK')).toBe(false);
  });

  test('a group in use may not become empty or be removed; nesting with objectRef#NetworkObjGroup', async () => {
    const call = await boot({ config: IN_USE });
    const empty = await call('PATCH', `${GROUPS}/BLOCK`, {
      body: { 'members.remove': [{ kind: 'IPv4Address', value: '192.0.2.1' }] },
    });
    expect(empty.status).toBe(400);
    expect(messagesOf(empty.json)).toEqual([
      'Removing obj (host 192.0.2.1) from grp (BLOCK) not allowed, it is being used.',
    ]);
    const del = await call('DELETE', `${GROUPS}/BLOCK`);
    expect(messagesOf(del.json)).toEqual(['Removing object-group (BLOCK) not allowed, it is being used.']);
    expect(
      (
        await call('POST', GROUPS, {
          body: { name: 'BLOCK_1', members: [{ kind: 'IPv4Address', value: '192.0.2.7' }] },
        })
      ).status,
    ).toBe(201);
    const nest = await call('PATCH', `${GROUPS}/BLOCK`, {
      body: { 'members.add': [{ kind: 'objectRef#NetworkObjGroup', objectId: 'BLOCK_1' }] },
    });
    expect(nest.status).toBe(204);
    const members = ((await call('GET', `${GROUPS}/BLOCK`)).json as { members: unknown[] }).members;
    expect(members[1]).toEqual({
      kind: 'objectRef#NetworkObjGroup',
      refLink: `${emu!.url}/objects/networkobjectgroups/BLOCK_1`,
      objectId: 'BLOCK_1',
    });
    const loop = await call('PATCH', `${GROUPS}/BLOCK_1`, {
      body: { 'members.add': [{ kind: 'objectRef#NetworkObjGroup', objectId: 'BLOCK' }] },
    });
    expect(loop.status).toBe(400);
    expect((await call('DELETE', `${GROUPS}/BLOCK_1`)).status).toBe(400);
    // PUT replaces the members without passing through empty.
    const put = await call('PUT', `${GROUPS}/BLOCK`, {
      body: { name: 'BLOCK', members: [{ kind: 'IPv4Address', value: '192.0.2.99' }] },
    });
    expect(put.status).toBe(204);
    expect(emu!.objectGroups().get('BLOCK')).toEqual(['network-object host 192.0.2.99']);
  });
});

describe('commands', () => {
  test('writemem saves with the [OK] text; /api/cli runs the CLI', async () => {
    const call = await boot({ config: IN_USE });
    const cli = await call('POST', '/api/cli', {
      body: {
        commands: [
          'object-group network CLI_G',
          'network-object host 10.1.1.1',
          'network-object host 10.1.1.1',
          'show running-config object-group',
        ],
      },
    });
    expect(cli.status).toBe(200);
    const response = (cli.json as { response: string[] }).response;
    expect(response.slice(0, 2)).toEqual(['', '']);
    expect(response[2]).toBe('Adding obj (host 10.1.1.1 ) to grp (CLI_G) failed; object already exists\n');
    expect(response[3]).toBe(
      'object-group network BLOCK\n network-object host 192.0.2.1\nobject-group network CLI_G\n network-object host 10.1.1.1\n',
    );
    expect(emu!.startupConfig()).not.toContain('CLI_G');
    const saved = await call('POST', '/api/commands/writemem');
    expect(saved.status).toBe(200);
    const text = (saved.json as { response: string[] }).response[0]!;
    expect(text).toMatch(
      /^Building configuration...\nCryptochecksum: [0-9a-f]{8} [0-9a-f]{8} [0-9a-f]{8} [0-9a-f]{8} \n\n\d+ bytes copied in 0\.240 secs\n\[OK\]\n$/,
    );
    expect(emu!.startupConfig()).toBe(emu!.runningConfig());
    const version = (await call('POST', '/api/cli', { body: { commands: ['show version', 'write memory'] } })).json as {
      response: string[];
    };
    expect(version.response[0]).toMatch(/Cisco Adaptive Security Appliance Software Version 9\.16\(3\)19/);
    expect(version.response[1]).toMatch(/^Building configuration\.\.\.\n[\s\S]*\[OK\]\n$/);
    const bad = await call('POST', '/api/cli', { body: { commands: ['show version\nwrite erase'] } });
    expect(bad.status).toBe(400);
  });

  test('counts /api requests by route template; /lab/requests needs no auth and is not counted', async () => {
    const call = await boot({ config: IN_USE });
    await call('GET', GROUPS);
    await call('GET', `${GROUPS}/BLOCK`);
    await call('PATCH', `${GROUPS}/BLOCK`, { body: { 'members.add': [{ kind: 'IPv4Address', value: '192.0.2.2' }] } });
    await call('GET', '/api/nothing/here');
    const counts = await call('GET', '/lab/requests', { basic: false, userAgent: false });
    expect(counts.json).toEqual({
      total: 4,
      byRoute: {
        'GET /api/objects/networkobjectgroups': 1,
        'GET /api/objects/networkobjectgroups/{id}': 1,
        'PATCH /api/objects/networkobjectgroups/{id}': 1,
        'GET /api/{unknown}': 1,
      },
    });
    expect(emu!.requests()).toEqual(counts.json);
    emu!.resetRequests();
    expect(emu!.requests()).toEqual({ total: 0, byRoute: {} });
  });

  test('hostile bodies: malformed JSON, wrong shapes, deep nesting, oversized; the agent keeps serving', async () => {
    const call = await boot({ config: IN_USE, faults: { maxBodyBytes: 4096 } });
    const path = `${GROUPS}/BLOCK`;
    for (const raw of [
      '{',
      'null',
      '[]',
      '"x"',
      '{"members.add": 5}',
      '['.repeat(100_0) + ']'.repeat(100_0),
      '{"__proto__": {"x": 1}}',
    ]) {
      const r = await call('PATCH', path, { raw });
      expect(r.status).toBe(400);
      expect(messagesOf(r.json).length).toBe(1);
    }
    const big = await call('PATCH', path, {
      raw: `{"members.add": [${'{"kind":"IPv4Address","value":"10.0.0.1"},'.repeat(200)}]}`,
    });
    expect(big.status).toBe(413);
    const streamed = await call('PATCH', path, {
      raw: `{"members.add": [${'{"kind":"IPv4Address","value":"10.0.0.1"},'.repeat(200)}]}`,
      chunked: true,
    });
    expect(streamed.status).toBe(413);
    expect((await call('GET', path)).status).toBe(200);
    expect(emu!.objectGroups().get('BLOCK')).toEqual(['network-object host 192.0.2.1']);
  });
});

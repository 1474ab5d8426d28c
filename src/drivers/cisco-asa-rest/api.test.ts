// AsaRestApi over RestClient against an in-test HTTPS fake holding network object groups: paging (limit = items
// returned, as the ASA does) and its guards, untrusted JSON checked field by field, group writes, writemem, cli.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateLabCertificate } from '../../lab/tls-cert.js';
import type { LabCertificate } from '../../lab/tls-cert.js';
import { AsaRestApi, encodeObjectId } from './api.js';
import type { RestGroup } from './api.js';
import { asa, SECRET_STRINGS, Session } from './testing/test-helpers.js';
import type { Answer, Seen } from './testing/test-helpers.js';

let cert: LabCertificate;
const t = new Session(() => cert);
beforeAll(async () => {
  cert = await generateLabCertificate();
});
afterEach(() => t.closeAll());
afterAll(() => {
  for (const text of t.allTexts()) for (const secret of SECRET_STRINGS) expect(text).not.toContain(secret);
});

const COLL = '/api/objects/networkobjectgroups';

const group = (i: number): Record<string, unknown> => ({
  kind: 'object#NetworkObjGroup',
  selfLink: `https://asa${COLL}/G${i}`,
  name: `G${i}`,
  objectId: `G${i}`,
  ...(i % 2 === 0 ? { description: `group ${i}` } : {}),
  members: [
    { kind: 'IPv4Address', value: `10.0.0.${i % 250}` },
    { kind: 'IPv4Network', value: '10.1.0.0/16' },
    { kind: 'IPv6Network', value: '2001:db8::/32' },
    { kind: 'objectRef#NetworkObjGroup', refLink: `https://asa${COLL}/C`, objectId: 'C' },
  ],
});

/** The ASA's collection: `limit` capped at 100, rangeInfo.limit = the items returned. */
function pages(all: readonly Record<string, unknown>[], tamper?: (page: Answer, n: number) => Answer) {
  let n = 0;
  return (req: Seen): Answer => {
    const u = new URL(req.path, 'https://x');
    const offset = Number(u.searchParams.get('offset') ?? 0);
    const limit = Math.min(100, Number(u.searchParams.get('limit') ?? 100));
    const items = all.slice(offset, offset + limit);
    const page = {
      body: {
        kind: 'collection#NetworkObjGroup',
        rangeInfo: { offset, limit: items.length, total: all.length },
        items,
      },
    };
    return tamper ? tamper(page, n++) : page;
  };
}

async function api(handler: (req: Seen, i: number) => Answer, limits = {}): Promise<{ api: AsaRestApi; seen: Seen[] }> {
  const f = await t.fake(asa(handler));
  const c = await t.open(f);
  return { api: new AsaRestApi(c, limits), seen: f.seen };
}

const gets = (seen: readonly Seen[]): string[] => seen.filter((s) => s.method === 'GET').map((s) => s.path);

describe('listNetworkGroups', () => {
  it('pages with limit=100 until offset + items >= total', async () => {
    const all = Array.from({ length: 250 }, (_, i) => group(i));
    const { api: a, seen } = await api(pages(all));
    const groups = await a.listNetworkGroups();
    expect(gets(seen)).toEqual([
      `${COLL}?offset=0&limit=100`,
      `${COLL}?offset=100&limit=100`,
      `${COLL}?offset=200&limit=100`,
    ]);
    expect(groups.map((g) => g.name)).toEqual(all.map((g) => g.name));
    expect(groups[2]).toEqual<RestGroup>({
      objectId: 'G2',
      name: 'G2',
      description: 'group 2',
      members: [
        { kind: 'IPv4Address', value: '10.0.0.2' },
        { kind: 'IPv4Network', value: '10.1.0.0/16' },
        { kind: 'IPv6Network', value: '2001:db8::/32' },
        { kind: 'objectRef#NetworkObjGroup', objectId: 'C' },
      ],
    });
  });

  it('an empty collection is one request', async () => {
    const { api: a, seen } = await api(pages([]));
    expect(await a.listNetworkGroups()).toEqual([]);
    expect(gets(seen)).toHaveLength(1);
  });

  it('a server that returns fewer items than asked (limit = items) is followed by offset', async () => {
    const all = Array.from({ length: 7 }, (_, i) => group(i));
    const { api: a, seen } = await api((req) => {
      const offset = Number(new URL(req.path, 'https://x').searchParams.get('offset'));
      const items = all.slice(offset, offset + 3);
      return { body: { rangeInfo: { offset, limit: items.length, total: 7 }, items } };
    });
    expect((await a.listNetworkGroups()).map((g) => g.name)).toEqual(all.map((g) => g.name));
    expect(gets(seen)).toHaveLength(3);
  });

  const guard = async (handler: (req: Seen, i: number) => Answer, text: string, limits = {}): Promise<void> => {
    const { api: a } = await api(handler, limits);
    const e = await t.failure(a.listNetworkGroups());
    expect(e.message).toContain(`GET /objects/networkobjectgroups: paging stopped: ${text}`);
  };

  it('stops on an empty page before the total', () =>
    guard(
      pages(
        Array.from({ length: 150 }, (_, i) => group(i)),
        (p, n) => (n === 1 ? { body: { rangeInfo: { offset: 100, limit: 0, total: 150 }, items: [] } } : p),
      ),
      'an empty page at offset 100 of 150',
    ));

  it('stops when the total changes while reading', () =>
    guard(
      pages(
        Array.from({ length: 150 }, (_, i) => group(i)),
        (p, n) =>
          n === 1 ? { body: { ...(p.body as object), rangeInfo: { offset: 100, limit: 50, total: 151 } } } : p,
      ),
      'the total changed from 150 to 151',
    ));

  it('stops when a group shows on two pages (the pages shifted)', () =>
    guard(
      pages(
        Array.from({ length: 150 }, (_, i) => group(i)),
        (p, n) => (n === 1 ? { body: { rangeInfo: { offset: 100, limit: 1, total: 150 }, items: [group(99)] } } : p),
      ),
      'group G99 seen twice',
    ));

  it('stops when the server ignores the offset', () =>
    guard(
      () => ({ body: { rangeInfo: { offset: 0, limit: 1, total: 5 }, items: [group(0)] } }),
      'asked for offset 1, got 0',
    ));

  it('stops after the page limit', () =>
    guard(pages(Array.from({ length: 1000 }, (_, i) => group(i))), 'more than 3 pages', { maxPages: 3 }));
});

describe('untrusted JSON', () => {
  const malformed = async (body: unknown, field: string): Promise<void> => {
    const { api: a } = await api(() => ({ body }));
    const e = await t.failure(a.listNetworkGroups());
    expect(e.transient).toBe(false);
    expect(e.message).toContain('GET /objects/networkobjectgroups: malformed reply (HTTP 200): ');
    expect(e.message).toContain(field);
  };
  const page = (items: unknown): unknown => ({ rangeInfo: { offset: 0, limit: 1, total: 1 }, items });

  it('names the field that is wrong', async () => {
    await malformed('not json', 'body is not an object');
    await malformed([], 'body is not an object');
    await malformed({ items: [] }, 'rangeInfo is not an object');
    await malformed({ rangeInfo: { offset: 0, total: -1 }, items: [] }, 'rangeInfo.total is not a count');
    await malformed({ rangeInfo: { offset: 0, total: 1.5 }, items: [] }, 'rangeInfo.total is not a count');
    await malformed({ rangeInfo: { offset: 0, total: 1 }, items: {} }, 'items is not an array');
    await malformed(page([null]), 'items[0] is not an object');
    await malformed(page([{ name: 5 }]), 'items[0].name is not a string');
    await malformed(page([{ name: '' }]), 'items[0].name is empty');
    await malformed(page([{ name: 'x'.repeat(300) }]), 'items[0].name is longer than 256 characters');
    await malformed(page([{ kind: 'object#NetworkObj', name: 'A' }]), 'items[0].kind is "object#NetworkObj"');
    await malformed(page([{ name: 'A', members: 'x' }]), 'items[0].members is not an array');
    await malformed(
      page([{ name: 'A', members: [{ kind: 'IPv4Address', value: 10 }] }]),
      'items[0].members[0].value is not a string',
    );
    await malformed(page([{ name: 'A', members: [{ kind: 'IPv4Address' }] }]), 'items[0].members[0].value is missing');
    await malformed(
      page([{ name: 'A', members: [{ kind: 'objectRef#NetworkObj' }] }]),
      'items[0].members[0].objectId is missing',
    );
    await malformed(page([{ name: 'A', description: ['x'] }]), 'items[0].description is not a string');
  });
});

describe('one group and the writes', () => {
  it('getNetworkGroup: encodes the id (/ as _API_SLASH_), checks the body, 404 is undefined', async () => {
    const { api: a, seen } = await api((req) =>
      req.path.endsWith('/G1')
        ? { body: group(1) }
        : { status: 404, body: { messages: [{ level: 'Error', code: 'NOT-FOUND', details: 'no' }] } },
    );
    expect((await a.getNetworkGroup('G1'))?.members).toHaveLength(4);
    expect(await a.getNetworkGroup('in/side group')).toBeUndefined();
    expect(gets(seen).at(-1)).toBe(`${COLL}/in_API_SLASH_side%20group`);
    expect(encodeObjectId('a/b?c')).toBe('a_API_SLASH_b%3Fc');
  });

  it('create, patch and delete send the ASA bodies; a 400 carries the device messages', async () => {
    const { api: a, seen } = await api((req) =>
      req.method === 'POST'
        ? { status: 201, headers: { Location: `https://asa${COLL}/B` } }
        : req.method === 'DELETE'
          ? {
              status: 400,
              body: { messages: [{ level: 'Error', code: 'OBJECT-IN-USE', details: 'in use by access-list' }] },
            }
          : { status: 204 },
    );
    await a.createNetworkGroup({ name: 'B', members: [{ kind: 'IPv4Address', value: '1.2.3.4', extra: 1 } as never] });
    await a.patchMembers('B', 'members.remove', [{ kind: 'IPv4Network', value: '10.0.0.0/8' }]);
    const e = await t.failure(a.deleteNetworkGroup('B'));
    const writes = seen.filter((s) => s.method !== 'GET' && !s.path.startsWith('/api/tokenservices'));
    expect(writes.map((s) => `${s.method} ${s.path} ${s.body}`)).toEqual([
      `POST ${COLL} {"kind":"object#NetworkObjGroup","name":"B","members":[{"kind":"IPv4Address","value":"1.2.3.4"}]}`,
      `PATCH ${COLL}/B {"members.remove":[{"kind":"IPv4Network","value":"10.0.0.0/8"}]}`,
      `DELETE ${COLL}/B `,
    ]);
    expect(e.messages).toEqual([{ level: 'Error', code: 'OBJECT-IN-USE', details: 'in use by access-list' }]);
    expect(e.message).toContain('Error OBJECT-IN-USE: in use by access-list');
  });

  it('writeMemory returns the [OK] text and refuses a reply without it', async () => {
    const ok = 'Building configuration...\nCryptochecksum: fa399474 \n\n20838 bytes copied in 0.50 secs\n[OK]\n';
    let reply: unknown = { response: [ok] };
    const { api: a, seen } = await api(() => ({ body: reply }));
    expect(await a.writeMemory()).toBe(ok);
    expect(seen.at(-1)).toMatchObject({ method: 'POST', path: '/api/commands/writemem', body: '' });
    reply = { response: ['Building configuration...\n%Error writing flash\n'] };
    const e = await t.failure(a.writeMemory());
    expect(e.message).toContain('not saved (no [OK]): Building configuration... %Error writing flash');
    reply = { response: 'x' };
    expect((await t.failure(a.writeMemory())).message).toContain('response is not an array');
  });

  it('cli posts the commands and returns one output each', async () => {
    const { api: a, seen } = await api((req) => ({
      body: { response: (JSON.parse(req.body) as { commands: string[] }).commands.map((c) => `out ${c}`) },
    }));
    expect(await a.cli(['show version', 'write'])).toEqual(['out show version', 'out write']);
    expect(seen.at(-1)).toMatchObject({ path: '/api/cli', body: '{"commands":["show version","write"]}' });
  });

  it('probe: present on 200, absent on 404', async () => {
    const { api: a } = await api(pages([]));
    expect(await a.probe()).toBe('present');
    const { api: b } = await api(() => ({ status: 404, body: '<html>404</html>' }));
    expect(await b.probe()).toBe('absent');
  });
});

// Property: whatever JSON a client sends to a write route, the agent answers with a status from the route's set and
// a JSON body, never a 500 or a dropped connection, and a refused write leaves the running config as it was.

import fc from 'fast-check';
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startAsaRestEmulator } from './index.js';
import type { RunningAsaRestEmulator } from './index.js';
import { restCaller } from './test-client.js';
import type { Caller } from './test-client.js';

const CREDS = { username: 'u', password: 'p' };
const CONFIG = `ASA Version 9.16(3)19
object-group network B
 network-object host 192.0.2.1
access-list a extended deny ip object-group B any
: end
`;
let emu: RunningAsaRestEmulator;
let call: Caller & { close(): Promise<void> };
beforeAll(async () => {
  emu = await startAsaRestEmulator({ ...CREDS, config: CONFIG, host: `127.0.91.${randomInt(2, 250)}` });
  call = restCaller(emu, CREDS);
});
afterAll(async () => {
  await call.close();
  await emu.close();
});

const member = fc.oneof(
  fc.record({
    kind: fc.constantFrom('IPv4Address', 'IPv4Network', 'IPv6Address', 'IPv6Network', 'IPv4Range', 'x'),
    value: fc.oneof(fc.ipV4(), fc.ipV6(), fc.string(), fc.constant('10.0.0.0/8')),
  }),
  fc.record({
    kind: fc.constantFrom('objectRef#NetworkObjGroup', 'objectRef#NetworkObj'),
    objectId: fc.oneof(fc.constant('B'), fc.string()),
  }),
  fc.jsonValue(),
);
const body = fc.oneof(
  fc.jsonValue(),
  fc.record({ 'members.add': fc.array(member, { maxLength: 5 }) }, { requiredKeys: [] }),
  fc.record(
    { 'members.remove': fc.array(member, { maxLength: 5 }), name: fc.oneof(fc.constant('B'), fc.string()) },
    { requiredKeys: [] },
  ),
  fc.record(
    {
      name: fc.oneof(fc.constant('B'), fc.string()),
      members: fc.array(member, { maxLength: 5 }),
      description: fc.string(),
    },
    { requiredKeys: [] },
  ),
  fc.record(
    { commands: fc.array(fc.oneof(fc.string(), fc.constant('show running-config'), fc.jsonValue()), { maxLength: 3 }) },
    { requiredKeys: [] },
  ),
);
const route = fc.constantFrom(
  ['PATCH', '/api/objects/networkobjectgroups/B'],
  ['PUT', '/api/objects/networkobjectgroups/B'],
  ['POST', '/api/objects/networkobjectgroups'],
  ['POST', '/api/cli'],
);

test('any JSON body to a write route: a 2xx or a 400/404 with messages, never a 500', async () => {
  await fc.assert(
    fc.asyncProperty(route, body, async ([method, path], input) => {
      const before = emu.runningConfig();
      const r = await call(method as string, path as string, { raw: JSON.stringify(input) ?? 'null' });
      expect([200, 201, 204, 400, 404]).toContain(r.status);
      if (r.status >= 400) {
        expect((r.json as { messages: unknown[] }).messages.length).toBeGreaterThan(0);
        expect(emu.runningConfig()).toBe(before);
      }
    }),
    { numRuns: 150, seed: 9 },
  );
  // Still the group in use: never emptied, never removed.
  expect(emu.objectGroups().get('B')?.length).toBeGreaterThan(0);
});

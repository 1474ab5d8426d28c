// One ASA, two front ends: a change over REST shows over SSH (`show running-config object-group`) and the other
// way round; booted from real ASA configs, the running config prints back byte for byte after REST reads.

import { randomInt } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, test } from 'vitest';
import { openTestShell } from '../vty/test-shell.js';
import type { TestShell } from '../vty/test-shell.js';
import { startAsaRestEmulator } from './index.js';
import type { RunningAsaRestEmulator } from './index.js';
import { restCaller } from './test-client.js';

const CREDS = { username: 'netops', password: 'pw' };
const GROUPS = '/api/objects/networkobjectgroups';
const REAL = new URL('../asa/testdata/real/', import.meta.url);
const CASES = readdirSync(REAL).sort();
const withEnd = (text: string): string => (/^: end\s*$/m.test(text) ? text : `${text}: end\n`);

let emu: RunningAsaRestEmulator | undefined;
let shell: TestShell | undefined;
afterEach(async () => {
  shell?.close();
  await emu?.close();
  emu = undefined;
  shell = undefined;
});

async function enable(sh: TestShell): Promise<void> {
  await sh.readUntil(/>$/);
  sh.sendLine('enable');
  await sh.readUntil(/Password: $/);
  await sh.run('en', /#$/);
  await sh.run('terminal pager 0');
}

describe('REST and SSH on one ASA', () => {
  test('a REST change shows over SSH, an SSH change shows over REST', async () => {
    emu = await startAsaRestEmulator({
      ...CREDS,
      enablePassword: 'en',
      host: `127.0.91.${randomInt(201, 250)}`,
      ssh: {},
    });
    expect(emu.ssh).toBeDefined();
    const call = restCaller(emu, CREDS);
    try {
      const created = await call('POST', GROUPS, {
        body: { name: 'TS_BLOCK', members: [{ kind: 'IPv4Network', value: '198.51.100.0/24' }] },
      });
      expect(created.status).toBe(201);
      shell = await openTestShell(emu.ssh!, CREDS);
      await enable(shell);
      const shown = await shell.run('show running-config object-group', /#$/);
      expect(shown).toContain('object-group network TS_BLOCK\r\n network-object 198.51.100.0 255.255.255.0\r\n');
      await shell.run('configure terminal', /\[A\]sk later: $/);
      await shell.run('N', /\(config\)#$/);
      await shell.run('object-group network TS_BLOCK', /#$/);
      await shell.run('network-object host 203.0.113.5', /#$/);
      await shell.run('end', /#$/);
      const item = (await call('GET', `${GROUPS}/TS_BLOCK`)).json as { members: unknown[] };
      expect(item.members).toEqual([
        { kind: 'IPv4Network', value: '198.51.100.0/24' },
        { kind: 'IPv4Address', value: '203.0.113.5' },
      ]);
      // The same rule on both sides: the REST duplicate is refused with the CLI's words.
      const dup = await call('PATCH', `${GROUPS}/TS_BLOCK`, {
        body: { 'members.add': [{ kind: 'IPv4Address', value: '203.0.113.5' }] },
      });
      expect(JSON.stringify(dup.json)).toContain(
        'Adding obj (host 203.0.113.5 ) to grp (TS_BLOCK) failed; object already exists',
      );
      expect(emu.ssh!.objectGroups()).toEqual(emu.objectGroups());
    } finally {
      await call.close();
    }
  });

  test.each(CASES)('booted from %s, the running config prints back byte for byte after REST reads', async (name) => {
    const text = readFileSync(new URL(`${name}/running-config.txt`, REAL), 'utf8');
    emu = await startAsaRestEmulator({ ...CREDS, config: text, host: `127.0.91.${randomInt(201, 250)}` });
    const call = restCaller(emu, CREDS);
    try {
      const list = (await call('GET', `${GROUPS}?limit=100`)).json as { items: { name: string }[] };
      for (const group of list.items)
        expect((await call('GET', `${GROUPS}/${encodeURIComponent(group.name)}`)).status).toBe(200);
      const cli = (await call('POST', '/api/cli', { body: { commands: ['show running-config'] } })).json as {
        response: string[];
      };
      expect(cli.response[0]).toBe(withEnd(text));
      expect(emu.runningConfig()).toBe(withEnd(text));
    } finally {
      await call.close();
    }
  });
});

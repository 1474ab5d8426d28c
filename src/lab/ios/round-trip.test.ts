// Booted from real running-configs (testdata/real/*/SOURCE.md), the emulator prints them back over SSH byte for
// byte, except the header and timestamp lines IOS itself rewrites; CLI changes touch only the lines they change.

import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, test } from 'vitest';
import { startIosEmulator } from './index.js';
import type { RunningIosEmulator } from './index.js';
import { openTestShell } from '../vty/test-shell.js';
import { comparableConfig as comparable } from './comparable-config.js';
import type { TestShell } from '../vty/test-shell.js';

const CREDS = { username: 'netops', password: 'pw' };
const REAL = new URL('./testdata/real/', import.meta.url);
const CASES = readdirSync(REAL).sort();
const readCase = (name: string): string => readFileSync(new URL(`${name}/running-config.txt`, REAL), 'utf8');

let emu: RunningIosEmulator | undefined;
let shell: TestShell | undefined;
afterEach(async () => {
  shell?.close();
  await emu?.close();
});

async function boot(config: string): Promise<TestShell> {
  emu = await startIosEmulator({ ...CREDS, enablePassword: 'en', config });
  shell = await openTestShell(emu, CREDS);
  await shell.readUntil(/>$/);
  shell.sendLine('enable');
  await shell.readUntil(/Password: $/);
  await shell.run('en', /#$/);
  await shell.run('terminal length 0');
  return shell;
}

/** `show running-config` over the session: its header lines and the config lines. */
async function showRunning(sh: TestShell): Promise<{ header: string[]; body: string[] }> {
  const out = await sh.run('show running-config', /\r\nend\r\n[\w.-]+#$/);
  const lines = out.split('\r\n').slice(1, -1);
  return { header: lines.slice(0, 3), body: comparable(lines.join('\n')) };
}

describe('round trip of real configs', () => {
  test('there are at least 5 real configs, each with its SOURCE.md', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(5);
    for (const name of CASES) expect(readFileSync(new URL(`${name}/SOURCE.md`, REAL), 'utf8')).toMatch(/Changes: /);
  });

  test.each(CASES)('%s: show running-config prints the boot text back', async (name) => {
    const text = readCase(name);
    const sh = await boot(text);
    const shown = await showRunning(sh);
    expect(shown.header).toEqual([
      'Building configuration...',
      '',
      `Current configuration : ${Buffer.byteLength(emu?.runningConfig() ?? '')} bytes`,
    ]);
    expect(shown.body).toEqual(comparable(text));
    expect(comparable(emu?.startupConfig() ?? '')).toEqual(comparable(text));
  });
});

describe('a real IOS 15.1 config (c1811) under CLI changes', () => {
  const BOOT = readCase('c1811-15.1-office');
  const prompt = /c1811-battle(\([\w-]+\))?#$/;

  async function configure(sh: TestShell, ...lines: string[]): Promise<string> {
    let replies = '';
    for (const line of lines) replies += (await sh.run(line, prompt)).slice(line.length + 2).replace(prompt, '');
    return replies;
  }

  test('the repeated MGMT header is one group; adds and removes change only their own lines', async () => {
    const sh = await boot(BOOT);
    expect(emu?.objectGroups().get('MGMT')).toEqual([
      'host 192.168.0.254',
      'host 192.168.10.10',
      'host 192.168.10.11',
      '62.62.11.0 255.255.255.0',
    ]);
    expect(emu?.objectGroups().get('ENEMY')).toHaveLength(19);
    const replies = await configure(
      sh,
      'configure terminal',
      'object-group network ENEMY',
      'no host 5.6.7.8',
      'host 192.0.2.1',
      'host 1.2.3.4',
      'object-group network MGMT',
      'no host 192.168.10.10',
      'no 62.62.11.0 255.255.255.0',
      'host 198.51.100.9',
      'end',
    );
    expect(replies).toBe('Enter configuration commands, one per line.  End with CNTL/Z.\r\n');

    const expected = comparable(BOOT);
    const drop = (line: string, from = 0): void => void expected.splice(expected.indexOf(line, from), 1);
    drop(' host 5.6.7.8');
    expected.splice(expected.indexOf(' 203.0.113.0 255.255.255.0') + 1, 0, ' host 192.0.2.1');
    drop(' host 192.168.10.10', expected.indexOf('object-group network MGMT'));
    const secondMgmt = expected.lastIndexOf('object-group network MGMT');
    drop(' 62.62.11.0 255.255.255.0', secondMgmt);
    expected.splice(secondMgmt + 1, 0, ' host 198.51.100.9');
    expect((await showRunning(sh)).body).toEqual(expected);

    expect(await sh.run('show object-group MGMT', prompt)).toBe(
      [
        'show object-group MGMT',
        'Network object group MGMT',
        ' host 192.168.0.254',
        ' host 192.168.10.11',
        ' host 198.51.100.9',
        'c1811-battle#',
      ].join('\r\n'),
    );
    expect(await sh.run('show object-group RDPPORTS', prompt)).toBe(
      'show object-group RDPPORTS\r\nService object group RDPPORTS\r\n tcp eq 58917\r\n tcp eq 61573\r\nc1811-battle#',
    );
  });

  test('ACLs without sequence numbers and numbered ACLs: show ip access-lists numbers them; CLI edits keep the style', async () => {
    const sh = await boot(BOOT);
    const inacl = await sh.run('show ip access-lists INACL', prompt);
    expect(inacl).toContain('\r\nExtended IP access list INACL\r\n    10 permit udp host 46.22.33.1 any eq bootpc\r\n');
    expect(inacl).toContain('\r\n    30 deny ip object-group ENEMY any\r\n');
    expect(inacl).toContain('\r\n    140 evaluate Mirror\r\n    150 deny ip any any\r\nc1811-battle#');
    const numbered = await sh.run('show ip access-lists 105', prompt);
    expect(numbered).toBe(
      [
        'show ip access-lists 105',
        'Extended IP access list 105',
        '    10 permit ip 62.62.22.0 0.0.0.255 any',
        '    20 permit ip host 192.168.0.209 any',
        '    30 deny ip any any',
        'c1811-battle#',
      ].join('\r\n'),
    );
    const all = await sh.run('show access-lists', prompt);
    expect(all.indexOf('Extended IP access list 100')).toBeLessThan(all.indexOf('Extended IP access list 105'));
    expect(all).toContain('\r\nStandard IP access list FOR_NAT\r\n    10 permit 192.168.0.0 0.0.255.255\r\n');

    await configure(
      sh,
      'conf t',
      'ip access-list extended FROM_40',
      '15 deny tcp any any eq 23',
      'no permit ip any any',
      'exit',
      'no object-group network TRUSTED',
      'access-list 105 permit ip host 192.168.0.210 any',
      'end',
    );
    const body = (await showRunning(sh)).body;
    const from40 = body.indexOf('ip access-list extended FROM_40');
    // Unnumbered style, as booted: `deny` padded to `deny   `, placed by its sequence number (after 10).
    expect(body.slice(from40, from40 + 4)).toEqual([
      'ip access-list extended FROM_40',
      ' deny   ip any 192.168.0.0 0.0.0.255',
      ' deny   tcp any any eq 23',
      'ip access-list extended INACL',
    ]);
    expect(body).toContain('object-group network TRUSTED'); // in use by INACL: refused
    expect(body[body.indexOf('access-list 105 deny   ip any any') + 1]).toBe(
      'access-list 105 permit ip host 192.168.0.210 any',
    );
  });

  test('a new group goes after the existing object groups; a deleted one takes its ! with it', async () => {
    const sh = await boot(BOOT);
    await configure(
      sh,
      'conf t',
      'object-group network NEW',
      'host 203.0.113.7',
      'exit',
      'no object-group network NEW',
      'end',
    );
    expect((await showRunning(sh)).body).toEqual(comparable(BOOT));
    await configure(sh, 'conf t', 'object-group network NEW', 'description added', 'host 203.0.113.7', 'end');
    const body = (await showRunning(sh)).body;
    const trusted = body.indexOf('object-group network TRUSTED');
    expect(body.slice(trusted + 4, trusted + 11)).toEqual([
      '!',
      'object-group network NEW',
      ' description added',
      ' host 203.0.113.7',
      '!',
      'vtp mode transparent',
      'username admin secret 5 $1$P6hT$tZgbxqGkIoX9sFap9P7pC/',
    ]);
    expect(await sh.run('show running-config | section object-group network NEW', prompt)).toBe(
      [
        'show running-config | section object-group network NEW',
        'object-group network NEW',
        ' description added',
        ' host 203.0.113.7',
        'c1811-battle#',
      ].join('\r\n'),
    );
  });
});

describe('a real IOS-XE 16.4 config (CSR1000V) under CLI changes', () => {
  test('the first group goes before the first interface; an entry added to an unnumbered ACL; nothing else moves', async () => {
    const text = readCase('csr1000v-16.4-acl');
    const sh = await boot(text);
    const prompt = /iosxe_acl(\([\w-]+\))?#$/;
    for (const line of [
      'conf t',
      'object-group network BLOCK',
      'host 203.0.113.9',
      'ip access-list extended CONNECTIVITY_TEST_IN',
      '5 deny ip object-group BLOCK any',
      'end',
    ])
      await sh.run(line, prompt);
    const expected = comparable(text);
    expected.splice(
      expected.indexOf('interface GigabitEthernet1'),
      0,
      'object-group network BLOCK',
      ' host 203.0.113.9',
      '!',
    );
    expected.splice(
      expected.indexOf('ip access-list extended CONNECTIVITY_TEST_IN') + 1,
      0,
      ' deny   ip object-group BLOCK any',
    );
    expect((await showRunning(sh)).body).toEqual(expected);
    expect(await sh.run('show ip access-lists CONNECTIVITY_TEST_IN', prompt)).toContain(
      '\r\nExtended IP access list CONNECTIVITY_TEST_IN\r\n    5 deny ip object-group BLOCK any\r\n    10 deny tcp host',
    );
    expect(await sh.run('conf t', prompt)).toContain('(config)#');
    expect(await sh.run('no object-group network BLOCK', prompt)).toContain(
      '% Object group BLOCK is in use by access-list CONNECTIVITY_TEST_IN and cannot be removed',
    );
  });
});

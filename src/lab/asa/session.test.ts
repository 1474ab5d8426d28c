// The ASA CLI over a real ssh2 client: login, enable, prompts, pager, the reporting question, object-group
// members and their messages, nesting, the in-use rules, errors with the caret line, and write memory.

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openTestShell } from '../vty/test-shell.js';
import type { TestShell } from '../vty/test-shell.js';
import { startAsaEmulator } from './index.js';
import type { RunningAsaEmulator } from './index.js';

const CREDS = { username: 'netops', password: 'pw-login' };
const CONFIG = `: Saved
:
ASA Version 9.8(4)
!
hostname fw1
object-group network USED
 network-object host 192.0.2.1
access-list OUT extended deny ip object-group USED any
access-group OUT in interface outside
: end
`;
let emu: RunningAsaEmulator;

beforeAll(async () => {
  emu = await startAsaEmulator({ ...CREDS, enablePassword: 'pw-enable', config: CONFIG, host: '127.0.8.1' });
});
afterAll(() => emu.close());

async function privileged(): Promise<TestShell> {
  const shell = await openTestShell(emu, CREDS);
  await shell.readUntil(/fw1> $|fw1>$/);
  shell.sendLine('enable');
  await shell.readUntil(/Password: $/);
  await shell.run('pw-enable', /fw1# ?$/);
  return shell;
}

/** Enters configuration mode, answering the reporting question when it comes. */
async function configure(shell: TestShell): Promise<void> {
  shell.sendLine('configure terminal');
  const out = await shell.readUntil(/\[A\]sk later: $|\(config\)# ?$/);
  if (out.includes('[A]sk later')) await shell.run('N', /\(config\)# ?$/);
}

describe('session', () => {
  test('login prints the help line and the user prompt; enable echoes the secret as stars', async () => {
    const shell = await openTestShell(emu, CREDS);
    expect(await shell.readUntil(/fw1>$/)).toContain("Type help or '?' for a list of available commands.\r\nfw1>");
    shell.sendLine('enable');
    await shell.readUntil(/Password: $/);
    expect(await shell.run('pw-enable', /fw1#$/)).toBe('*********\r\nfw1#');
    expect(await shell.run('show curpriv', /fw1#$/)).toContain('Current privilege level : 15');
    shell.close();
  });

  test('a wrong enable secret is refused three times, then access is denied', async () => {
    const shell = await openTestShell(emu, CREDS);
    await shell.readUntil(/fw1>$/);
    shell.sendLine('enable');
    for (let i = 0; i < 2; i++) {
      await shell.readUntil(/Password: $/);
      shell.sendLine('nope');
    }
    await shell.readUntil(/Password: $/);
    expect(await shell.run('nope', /fw1>$/)).toContain('Invalid password\r\nAccess denied.\r\nfw1>');
    shell.close();
  });

  test('pager: 24 lines with <--- More --->, terminal pager 0 turns it off, show pager tells', async () => {
    const plain = await startAsaEmulator({ ...CREDS, host: '127.0.8.1' });
    const shell = await openTestShell(plain, CREDS);
    await shell.readUntil(/ciscoasa>$/);
    shell.sendLine('enable');
    await shell.readUntil(/Password: $/);
    await shell.run('', /ciscoasa#$/);
    expect(await shell.run('show pager')).toContain('pager lines 24');
    shell.sendLine('show running-config');
    const page = await shell.readUntil(/<--- More --->$/);
    expect(page.split('\r\n').length).toBe(26); // the echo line, 24 config lines, the marker
    shell.send('q');
    await shell.readUntil(/ciscoasa#$/);
    await shell.run('terminal pager 0');
    expect(await shell.run('show pager')).toContain('no pager');
    expect(await shell.run('show running-config', /: end\r\nciscoasa#$/)).not.toContain('More');
    shell.close();
    await plain.close();
  });

  test('the first configure terminal asks the anonymous-reporting question; after N it is not asked again', async () => {
    const shell = await privileged();
    shell.sendLine('configure terminal');
    const question = await shell.readUntil(/\[A\]sk later: $/);
    expect(question).toContain('***************************** NOTICE *****************************');
    expect(question).toContain('Would you like to enable anonymous error reporting to help improve\r\nthe product?');
    await shell.run('N', /fw1\(config\)#$/);
    await shell.run('exit', /fw1#$/);
    expect(await shell.run('configure terminal', /fw1\(config\)#$/)).not.toContain('NOTICE');
    shell.close();
  });

  test('members: host, mask (kept in mask form), IPv6; duplicates and absent members are answered', async () => {
    const shell = await privileged();
    await shell.run('terminal pager 0');
    await configure(shell);
    expect(await shell.run('object-group network NEW')).toMatch(/fw1\(config-network-object-group\)#$/);
    await shell.run('network-object host 198.51.100.7');
    await shell.run('network-object 203.0.113.9 255.255.255.255');
    await shell.run('network-object 2001:DB8:0::/48');
    expect(await shell.run('network-object host 203.0.113.9')).toContain(
      'Adding obj (host 203.0.113.9 ) to grp (NEW) failed; object already exists',
    );
    expect(await shell.run('no network-object host 198.51.100.99')).toContain('obj does not exist in this group');
    expect(emu.objectGroups().get('NEW')).toEqual([
      'network-object host 198.51.100.7',
      'network-object 203.0.113.9 255.255.255.255',
      'network-object 2001:db8::/48',
    ]);
    await shell.run('no network-object 203.0.113.9 255.255.255.255');
    expect(emu.objectGroups().get('NEW')).toEqual(['network-object host 198.51.100.7', 'network-object 2001:db8::/48']);
    await shell.run('exit');
    await shell.run('no object-group network NEW');
    expect(emu.objectGroups().has('NEW')).toBe(false);
    shell.close();
  });

  test('a group in use cannot be removed or emptied; nesting needs an existing child and no loop', async () => {
    const shell = await privileged();
    await configure(shell);
    expect(await shell.run('no object-group network USED')).toContain(
      'Removing object-group (USED) not allowed, it is being used.',
    );
    await shell.run('object-group network USED');
    expect(await shell.run('no network-object host 192.0.2.1')).toContain('it is being used');
    expect(await shell.run('group-object MISSING')).toContain('ERROR: specified object group <MISSING> not found');
    await shell.run('object-group network CHILD');
    await shell.run('network-object host 192.0.2.2');
    await shell.run('object-group network USED');
    await shell.run('group-object CHILD');
    // Now USED keeps CHILD, so its own host may go; CHILD is nested, so it cannot be emptied or removed.
    await shell.run('no network-object host 192.0.2.1');
    await shell.run('object-group network CHILD');
    expect(await shell.run('group-object USED')).toContain('Loop detected');
    expect(await shell.run('no network-object host 192.0.2.2')).toContain('it is being used');
    expect(await shell.run('no object-group network CHILD')).toContain('not allowed, it is being used.');
    expect(emu.objectGroups().get('USED')).toEqual(['group-object CHILD']);
    await shell.run('object-group network USED');
    await shell.run('network-object host 192.0.2.1');
    await shell.run('no group-object CHILD');
    await shell.run('no object-group network CHILD');
    expect(emu.objectGroups().get('USED')).toEqual(['network-object host 192.0.2.1']);
    shell.close();
  });

  test('bad input: caret line first, then ERROR: %; incomplete; a bad mask pairing', async () => {
    const shell = await privileged();
    expect(await shell.run('show conduit', /fw1#$/)).toBe(
      `show conduit\r\n${' '.repeat('fw1#show con'.length)}^\r\nERROR: % Invalid input detected at '^' marker.\r\nfw1#`,
    );
    await configure(shell);
    await shell.run('object-group network USED');
    expect(await shell.run('network-object host')).toContain('ERROR: % Incomplete command');
    expect(await shell.run('network-object 10.1.1.1 255.255.255.0')).toContain(
      "ERROR: IP address,mask <10.1.1.1,255.255.255.0> doesn't pair",
    );
    const caret = await shell.run('network-object host 10.1.1.300');
    expect(caret).toContain(
      `${' '.repeat('fw1(config-network-object-group)#'.length + 20)}^\r\nERROR: % Invalid input`,
    );
    shell.close();
  });

  test('write memory prints the Cryptochecksum and [OK], and the startup config follows', async () => {
    const shell = await privileged();
    await configure(shell);
    await shell.run('object-group network SAVED');
    await shell.run('network-object host 192.0.2.77');
    const out = await shell.run('wr mem', /\(config-network-object-group\)#$/);
    expect(out).toMatch(
      /Building configuration\.\.\.\r\nCryptochecksum: [0-9a-f]{8} [0-9a-f]{8} [0-9a-f]{8} [0-9a-f]{8} \r\n\r\n\d+ bytes copied in [\d.]+ secs\r\n\[OK\]/,
    );
    expect(emu.startupConfig()).toContain('object-group network SAVED\n network-object host 192.0.2.77\n');
    expect(emu.startupConfig()).toBe(emu.runningConfig());
    shell.close();
  });
});

// The PIX/FWSM emulator over real clients: ssh2 shells (pix7, fwsm3) and a telnet client (pix6), booted from the
// real configs in testdata/real/.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestShell } from '../vty/test-shell.js';
import type { TestShell } from '../vty/test-shell.js';
import { startPixEmulator } from './server.js';
import type { PixEmulatorOptions, RunningPixEmulator } from './types.js';
import { openTelnetShell } from '../vty/telnet-shell.js';

const real = (name: string): string =>
  readFileSync(join(import.meta.dirname, 'testdata', 'real', name, 'running-config.txt'), 'utf8');
const FWSM = real('fwsm-ceige-3.1');
const PIX6 = real('pix501-6.1');
const PROMPT = /[\w./-]+(\([\w-]+\))?[>#] $/;
const host = (): string => `127.0.9.${2 + Math.floor(Math.random() * 250)}`;

const running: RunningPixEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

async function start(
  opts: Partial<PixEmulatorOptions> & Pick<PixEmulatorOptions, 'variant'>,
): Promise<RunningPixEmulator> {
  const emu = await startPixEmulator({ host: host(), username: 'u', password: 'p', enablePassword: 'e', ...opts });
  running.push(emu);
  return emu;
}

async function enabledShell(emu: RunningPixEmulator): Promise<TestShell> {
  const shell = await openTestShell({ host: emu.host, port: emu.port }, { username: 'u', password: 'p' });
  await shell.readUntil(PROMPT);
  shell.sendLine('enable');
  await shell.readUntil(/Password: $/);
  expect(await shell.run('e', PROMPT)).toMatch(/\*\r\n\S+# $/);
  return shell;
}

describe('FWSM 3 over SSH', () => {
  it('greets, pages with <--- More --->, and prints the real boot config back unchanged', async () => {
    const emu = await start({ variant: 'fwsm3', config: FWSM });
    const shell = await openTestShell({ host: emu.host, port: emu.port }, { username: 'u', password: 'p' });
    expect(await shell.readUntil(PROMPT)).toContain("Type help or '?' for a list of available commands.\r\nceige> ");
    shell.sendLine('en');
    await shell.readUntil(/Password: $/);
    expect(await shell.run('wrong', PROMPT)).toContain('Invalid password\r\nceige> ');
    shell.sendLine('enable');
    await shell.readUntil(/Password: $/);
    await shell.run('e', PROMPT);
    shell.sendLine('show running-config');
    expect(await shell.readUntil(/<--- More --->/)).toContain('hostname ceige');
    shell.send('q');
    await shell.readUntil(PROMPT);
    await shell.run('terminal pager 0');
    const out = await shell.run('sh run');
    const body = out.split('\r\n').slice(1, -1).join('\n') + '\n';
    expect(body).toBe(FWSM);
    expect(emu.runningConfig()).toBe(FWSM);
    shell.close();
  });

  it('edits a group: duplicate and absent members, IPv6 refused, in-use group kept non-empty, write memory', async () => {
    const emu = await start({ variant: 'fwsm3', config: FWSM });
    const shell = await enabledShell(emu);
    expect(await shell.run('configure terminal')).toMatch(/ceige\(config\)# $/);
    expect(await shell.run('object-group network threatstop-block')).toMatch(/ceige\(config-network\)# $/);
    await shell.run('network-object host 192.0.2.1');
    await shell.run('network-object 198.51.100.0 255.255.255.0');
    expect(await shell.run('network-object 192.0.2.1 255.255.255.255')).toContain(
      'Adding obj (192.0.2.1 255.255.255.255) to grp (threatstop-block) failed; object already exists',
    );
    expect(await shell.run('no network-object host 203.0.113.9')).toContain('ERROR: obj does not exist in this group');
    const v6 = await shell.run('network-object 2001:db8::/32');
    expect(v6).toContain("ERROR: % Invalid input detected at '^' marker.");
    expect(v6.split('\r\n')[1]).toBe(`${' '.repeat('ceige(config-network)# network-object '.length)}^`);
    expect(await shell.run('network-object 10.1.1.1 255.255.255.0')).toContain("ERROR: IP address,mask doesn't pair");
    await shell.run('exit');
    expect(emu.objectGroups().get('threatstop-block')).toEqual(['host 192.0.2.1', '198.51.100.0 255.255.255.0']);
    // hobbit1 is used by access-list blarg: it can be neither emptied nor removed.
    await shell.run('object-group network hobbit1');
    expect(await shell.run('no network-object 222.222.222.222 255.255.255.255')).toContain(
      'ERROR: Removing the last object of object-group (hobbit1) not allowed, it is being used.',
    );
    expect(await shell.run('no object-group network hobbit1')).toMatch(
      /Removing object-group \(hobbit1\) not allowed, it is being used\.\r\nceige\(config\)# $/,
    );
    expect(await shell.run('end')).toMatch(/ceige# $/);
    expect(await shell.run('write memory')).toMatch(
      /Building configuration\.\.\.\r\nCryptochecksum: [0-9a-f]{8} [0-9a-f]{8} [0-9a-f]{8} [0-9a-f]{8} \r\n\r\n\d+ bytes copied in 0\.240 secs\r\n\[OK\]/,
    );
    expect(emu.startupConfig()).toBe(emu.runningConfig());
    expect(emu.runningConfig()).toContain('object-group network threatstop-block\n network-object host 192.0.2.1\n');
    await shell.run('conf t');
    await shell.run('object-group network threatstop-block');
    await shell.run('description tscm managed');
    await shell.run('end');
    await shell.run('terminal pager 0');
    expect(await shell.run('show object-group id threatstop-block')).toContain(
      'object-group network threatstop-block\r\n description: tscm managed\r\n network-object host 192.0.2.1\r\n',
    );
    expect(await shell.run('show running-config object-group id threatstop-block')).toContain(
      'object-group network threatstop-block\r\n description tscm managed\r\n',
    );
    shell.close();
  });

  it('over the ACE limit refuses the add and removes the whole batch since the group was entered', async () => {
    const emu = await start({ variant: 'fwsm3', config: FWSM, faults: { aceLimit: 4 } });
    const shell = await enabledShell(emu);
    await shell.run('conf t');
    await shell.run('object-group network hobbit1');
    await shell.run('network-object host 192.0.2.1');
    await shell.run('network-object host 192.0.2.2');
    expect(await shell.run('network-object host 192.0.2.3')).toContain(
      'ERROR: Unable to add, access-list config limit reached',
    );
    expect(emu.objectGroups().get('hobbit1')).toEqual(['222.222.222.222 255.255.255.255']);
    await shell.run('exit');
    await shell.run('object-group network hobbit1');
    await shell.run('network-object host 192.0.2.1');
    expect(emu.objectGroups().get('hobbit1')).toHaveLength(2);
    shell.sendLine('show access-list blarg');
    expect(await shell.readUntil(PROMPT)).toContain(
      'access-list blarg; 2 elements\r\naccess-list blarg line 1 extended permit icmp object-group hobbit1 any\r\n' +
        'access-list blarg line 1 extended permit icmp host 222.222.222.222 any (hitcnt=0)\r\n' +
        'access-list blarg line 1 extended permit icmp host 192.0.2.1 any (hitcnt=0)\r\n',
    );
    shell.close();
  });

  it('faults: a standby unit warns on every configuration command; object already exists for a new member; write fails', async () => {
    const emu = await start({
      variant: 'fwsm3',
      config: FWSM,
      faults: { standby: true, objectExistsTimes: 1, writeFailTimes: 1 },
    });
    const shell = await enabledShell(emu);
    await shell.run('conf t');
    expect(await shell.run('object-group network g1')).toContain(
      '**** WARNING **** Configuration Replication is NOT performed',
    );
    expect(await shell.run('network-object host 192.0.2.7')).toContain('failed; object already exists');
    expect(emu.objectGroups().get('g1')).toEqual([]);
    await shell.run('network-object host 192.0.2.7');
    expect(emu.objectGroups().get('g1')).toEqual(['host 192.0.2.7']);
    await shell.run('end');
    expect(await shell.run('write memory')).toContain('[FAILED]');
    expect(emu.startupConfig()).toBe(FWSM);
    expect(await shell.run('write memory')).toContain('[OK]');
    shell.close();
  });
});

describe('PIX 6 over telnet', () => {
  it('logs in with Username/Password, negotiates echo, refuses end and show running-config, prints write terminal', async () => {
    const emu = await start({ variant: 'pix6', config: PIX6 });
    expect(emu.port).toBe(0);
    const shell = await openTelnetShell(emu.host, emu.telnetPort);
    await shell.readUntil(/Username: $/);
    shell.sendLine('u');
    await shell.readUntil(/Password: $/);
    expect(await shell.run('p')).toMatch(/^\r\n\r\nType help or '\?' for a list of available commands\.\r\npix-501> $/);
    expect(shell.negotiated).toEqual(['WILL 1', 'WILL 3']);
    shell.sendLine('enable');
    await shell.readUntil(/Password: $/);
    expect(await shell.run('e')).toBe('*\r\npix-501# ');
    expect(await shell.run('show running-config')).toContain("Type help or '?' for a list of available commands.");
    const out = await shell.run('write terminal');
    const lines = out.split('\r\n');
    expect(lines[1]).toBe('Building configuration...');
    expect(lines.slice(2, -2).join('\n') + '\n').toBe(PIX6);
    expect(lines.at(-2)).toBe('[OK]');
    await shell.run('configure terminal');
    expect(await shell.run('end')).toContain("Type help or '?' for a list of available commands.\r\npix-501(config)# ");
    expect(await shell.run('object-group network threatstop-block')).toMatch(/pix-501\(config-network\)# $/);
    await shell.run('network-object host 192.0.2.1');
    expect(await shell.run('network-object 2001:db8::1 ffff::')).toContain('Usage: [no] network-object host');
    await shell.run('exit');
    expect(await shell.run('exit')).toMatch(/pix-501# $/);
    expect(emu.runningConfig()).toContain('object-group network threatstop-block\n  network-object host 192.0.2.1\n');
    expect(await shell.run('write memory')).toMatch(
      /Building configuration\.\.\.\r\nCryptochecksum: [0-9a-f ]{35}\r\n\[OK\]/,
    );
    shell.sendLine('quit');
    await shell.closed;
  });

  it('a wrong login is refused and the third failure closes the connection', async () => {
    const emu = await start({ variant: 'pix6', config: PIX6 });
    const shell = await openTelnetShell(emu.host, emu.telnetPort);
    for (let i = 0; i < 3; i++) {
      await shell.readUntil(/Username: $/);
      shell.sendLine('u');
      await shell.readUntil(/Password: $/);
      shell.sendLine('bad');
    }
    await shell.closed;
  });
});

describe('PIX 7 options', () => {
  it('multi-context prompts, terminal pager lines, show pager, and 25,000 members pasted in one write', async () => {
    const emu = await start({ variant: 'pix7', context: 'ctx1' });
    const shell = await enabledShell(emu);
    expect(shell.all()).toContain('pixfirewall/ctx1# ');
    expect(await shell.run('show pager')).toContain('pager lines 24');
    await shell.run('terminal pager lines 0');
    expect(await shell.run('show pager')).toContain('no pager');
    await shell.run('conf t');
    await shell.run('object-group network big');
    const lines: string[] = [];
    for (let i = 0; i < 25_000; i++) lines.push(`network-object host 10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`);
    shell.send(`${lines.join('\r')}\rexit\r`);
    await shell.readUntil(/pixfirewall\/ctx1\(config\)# $/, 60_000);
    expect(emu.objectGroups().get('big')).toHaveLength(25_000);
    shell.close();
  });

  it('drop after N commands: the Nth runs, its reply never comes, the connection closes; the next session works', async () => {
    const emu = await start({ variant: 'pix7', faults: { dropAfterCommands: 4 } });
    const shell = await enabledShell(emu);
    await shell.run('conf t');
    await shell.run('object-group network g');
    shell.sendLine('network-object host 192.0.2.1');
    await shell.closed;
    expect(emu.objectGroups().get('g')).toEqual(['host 192.0.2.1']);
    emu.setFaults({});
    const again = await enabledShell(emu);
    expect(await again.run('show running-config object-group')).toContain(' network-object host 192.0.2.1\r\n');
    again.close();
  });
});

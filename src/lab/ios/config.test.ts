import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { startIosEmulator } from './index.js';
import type { RunningIosEmulator } from './index.js';
import { openTestShell } from '../vty/test-shell.js';
import type { TestShell } from '../vty/test-shell.js';

const CREDS = { username: 'netops', password: 'pw' };
const BOOT = readFileSync(new URL('./testdata/isr-running-config.txt', import.meta.url), 'utf8');
const HOST = 'edge-rtr-01-branch-amsterdam';
const CFG = 'edge-rtr-01-branch-a';
let emu: RunningIosEmulator;
let shell: TestShell;

beforeEach(async () => {
  emu = await startIosEmulator({ ...CREDS, enablePassword: 'en', config: BOOT });
  shell = await openTestShell(emu, CREDS);
  await shell.readUntil(/>$/);
  shell.sendLine('enable');
  await shell.readUntil(/Password: $/);
  await shell.run('en', /#$/);
  await shell.run('terminal length 0');
});
afterEach(async () => {
  shell?.close();
  await emu?.close();
});

/** Runs config lines and returns the device's replies (echo and prompts removed). */
async function configure(...lines: string[]): Promise<string> {
  let replies = '';
  for (const line of lines) {
    const out = await shell.run(line);
    replies += out.slice(line.length + 2).replace(/[\w-]+(\([\w-]+\))?#$/, '');
  }
  return replies;
}

describe('boot config', () => {
  test('show running-config keeps every boot line and the layout', async () => {
    const out = await shell.run('show running-config');
    const shown = out.split('\r\n').slice(1, -1).join('\n');
    const boot = BOOT.trim().split('\n');
    expect(shown).toBe(
      [
        'Building configuration...',
        '',
        `Current configuration : ${emu.runningConfig().length} bytes`,
        ...boot.slice(3),
      ].join('\n'),
    );
    expect(emu.objectGroups().get('BLOCKLIST')).toEqual([
      'host 203.0.113.66',
      '203.0.113.128 255.255.255.128',
      'range 198.18.0.1 198.18.0.20',
    ]);
    expect(emu.objectGroups().get('BLOCKLIST-V6')).toEqual(['host 2001:db8::66', '2001:db8:bad::/48']);
    expect(emu.startupConfig()).toBe(emu.runningConfig());
    const groups = await shell.run('show object-group');
    expect(groups).toContain(
      '\r\nV6-Network object group BLOCKLIST-V6\r\n host 2001:db8::66\r\n 2001:db8:bad::/48\r\n',
    );
    expect(groups).toContain('\r\nService object group WEB-PORTS\r\n tcp eq www\r\n tcp eq 443\r\n');
    expect(await shell.run('show ip access-lists MGMT-ONLY')).toBe(
      'show ip access-lists MGMT-ONLY\r\nExtended IP access list MGMT-ONLY\r\n' +
        `    10 permit tcp object-group MGMT-HOSTS any object-group WEB-PORTS\r\n${HOST}#`,
    );
  });

  test('| section is a regex: BLOCKLIST also returns BLOCKLIST2 and ACLs naming it', async () => {
    const out = await shell.run('sh run | sec object-group network BLOCKLIST');
    expect(out).toBe(
      [
        'sh run | sec object-group network BLOCKLIST',
        'object-group network BLOCKLIST',
        ' description tscm managed: do not edit',
        ' host 203.0.113.66',
        ' 203.0.113.128 255.255.255.128',
        ' range 198.18.0.1 198.18.0.20',
        'object-group network BLOCKLIST2',
        ' host 203.0.113.99',
        `${HOST}#`,
      ].join('\r\n'),
    );
    const acl = await shell.run('show running-config | section object-group BLOCKLIST2');
    expect(acl).toContain('ip access-list extended BLOCK-IN\r\n 10 deny ip object-group BLOCKLIST any\r\n');
    expect(await shell.run('sh run | i ^hostname')).toBe(`sh run | i ^hostname\r\nhostname ${HOST}\r\n${HOST}#`);
  });
});

describe('object groups', () => {
  test('add members in every form, duplicates are silent, show in both formats', async () => {
    const replies = await configure(
      'conf t',
      'object-group network NEW-BLOCK',
      'description added by test',
      'host 192.0.2.1',
      'host 192.0.2.1',
      '198.51.100.0 255.255.255.0',
      '10.9.8.7/8',
      'range 203.0.113.1 203.0.113.20',
      'group-object BLOCKLIST2',
      'end',
    );
    expect(replies).toBe('Enter configuration commands, one per line.  End with CNTL/Z.\r\n');
    expect(emu.objectGroups().get('NEW-BLOCK')).toEqual([
      'host 192.0.2.1',
      '198.51.100.0 255.255.255.0',
      '10.0.0.0 255.0.0.0',
      'range 203.0.113.1 203.0.113.20',
      'group-object BLOCKLIST2',
    ]);
    expect(await shell.run('show object-group NEW-BLOCK')).toBe(
      [
        'show object-group NEW-BLOCK',
        'Network object group NEW-BLOCK',
        ' Description added by test',
        ' host 192.0.2.1',
        ' 198.51.100.0 255.255.255.0',
        ' 10.0.0.0 255.0.0.0',
        ' range 203.0.113.1 203.0.113.20',
        ' group-object BLOCKLIST2',
        `${HOST}#`,
      ].join('\r\n'),
    );
    expect(await shell.run('show run | sec object-group network NEW-BLOCK')).toBe(
      [
        'show run | sec object-group network NEW-BLOCK',
        'object-group network NEW-BLOCK',
        ' description added by test',
        ' host 192.0.2.1',
        ' 198.51.100.0 255.255.255.0',
        ' 10.0.0.0 255.0.0.0',
        ' range 203.0.113.1 203.0.113.20',
        ' group-object BLOCKLIST2',
        `${HOST}#`,
      ].join('\r\n'),
    );
    expect(await shell.run('show object-group name NO-SUCH-GROUP')).toBe(
      `show object-group name NO-SUCH-GROUP\r\n${HOST}#`,
    );
  });

  test('remove members (absent ones silently), then the group', async () => {
    const replies = await configure(
      'configure terminal',
      'object-group network BLOCKLIST',
      'no host 203.0.113.66',
      'no host 203.0.113.66',
      'no 203.0.113.128/25',
      'no range 198.18.0.1 198.18.0.20',
      'no description',
      'exit',
    );
    expect(replies).toBe('Enter configuration commands, one per line.  End with CNTL/Z.\r\n');
    expect(emu.objectGroups().get('BLOCKLIST')).toEqual([]);
    expect(await shell.run('do show object-group BLOCKLIST')).toBe(
      `do show object-group BLOCKLIST\r\nNetwork object group BLOCKLIST\r\n${CFG}(config)#`,
    );
    expect(await configure('no object-group network MGMT-HOSTS')).toMatch(
      /^% Object group MGMT-HOSTS is in use by access-list BLOCK-IN and cannot be removed\r\n/,
    );
    await configure('ip access-list extended BLOCK-IN', 'no 30', 'no deny ip object-group BLOCKLIST any', 'exit');
    expect(await configure('no object-group network BLOCKLIST')).toBe('');
    expect(emu.objectGroups().has('BLOCKLIST')).toBe(false);
    expect(await configure('no object-group network MGMT-HOSTS')).toContain('in use by access-list MGMT-ONLY');
    expect(emu.runningConfig()).toContain(
      'ip access-list extended BLOCK-IN\n 20 deny ip object-group BLOCKLIST2 any\n 40 permit ip any any\n',
    );
  });

  test('a nested group cannot be deleted; group-object needs an existing group of the same type', async () => {
    await configure('conf t', 'object-group network PARENT', 'group-object MGMT-HOSTS');
    expect(await configure('group-object NOPE')).toBe('% Object group NOPE does not exist\r\n\r\n');
    expect(await configure('group-object BLOCKLIST-V6')).toBe(
      '% Object group BLOCKLIST-V6 is not of type network\r\n\r\n',
    );
    expect(await configure('no object-group v6-network BLOCKLIST-V6')).toBe('');
    await configure('no ip access-list extended MGMT-ONLY', 'no ip access-list extended BLOCK-IN');
    expect(await configure('no object-group network MGMT-HOSTS')).toContain('in use by object-group PARENT');
  });

  test('bad masks and malformed members are refused with IOS errors', async () => {
    await configure('conf t', 'object-group network G');
    const prompt = `${CFG}(config-network-group)#`;
    expect(await configure('10.0.0.0 0.0.0.255')).toBe('% Bad mask 0x000000FF for address 10.0.0.0\r\n\r\n');
    expect(await configure('host 10.0.0.300')).toBe(
      `${' '.repeat(prompt.length + 5)}^\r\n% Invalid input detected at '^' marker.\r\n\r\n`,
    );
    expect(await configure('host')).toBe('% Incomplete command.\r\n\r\n');
    expect(await configure('10.0.0.0')).toBe('% Incomplete command.\r\n\r\n');
    expect(emu.objectGroups().get('G')).toEqual([]);
  });

  test('a global command typed in the sub-mode leaves it and runs', async () => {
    await configure('conf t', 'object-group network A', 'host 10.0.0.1');
    expect(await shell.run('object-group network B')).toMatch(/\(config-network-group\)#$/);
    await configure('host 10.0.0.2');
    expect(await shell.run('hostname R2')).toBe('hostname R2\r\nR2(config)#');
    expect(emu.objectGroups().get('A')).toEqual(['host 10.0.0.1']);
    expect(emu.objectGroups().get('B')).toEqual(['host 10.0.0.2']);
  });

  test('IPv6 groups: host and prefix in lower-case compressed text, host bits kept as the device keeps them', async () => {
    const replies = await configure(
      'conf t',
      'object-group v6-network V6-NEW',
      'host 2001:DB8:0:0::1',
      '2001:db8:abcd:12::/64',
      '2001:db8:abcd:12:ffff::/48',
      'no 2001:db8:abcd:12::/64',
      'end',
    );
    expect(replies).toBe('Enter configuration commands, one per line.  End with CNTL/Z.\r\n');
    expect(emu.objectGroups().get('V6-NEW')).toEqual(['host 2001:db8::1', '2001:db8:abcd:12:ffff::/48']);
    expect(await shell.run('show object-group V6-NEW')).toBe(
      `show object-group V6-NEW\r\nV6-Network object group V6-NEW\r\n host 2001:db8::1\r\n 2001:db8:abcd:12:ffff::/48\r\n${HOST}#`,
    );
    // The member's identity is its printed form: the same prefix without the host bits is another member.
    await configure('conf t', 'object-group v6-network V6-NEW', 'no 2001:db8:abcd::/48', 'end');
    expect(emu.objectGroups().get('V6-NEW')).toHaveLength(2);
  });

  test('unknown top-level commands are refused; logging/service lines are kept', async () => {
    expect(await configure('conf t', 'router ospf 1')).toContain("% Invalid input detected at '^' marker.");
    await configure('no logging console', 'service compress-config', 'end');
    const config = emu.runningConfig();
    expect(config).toContain('logging buffered 64000\nno logging console\n');
    expect(config).toContain('service password-encryption\nservice compress-config\n');
  });
});

describe('bulk paste', () => {
  test('100,000 member lines pasted at once are all applied, in order', async () => {
    const members = Array.from(
      { length: 100_000 },
      (_, i) => `host 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    );
    await configure('conf t', 'object-group network HUGE');
    shell.send(members.join('\r') + '\rend\r');
    await shell.readUntil(new RegExp(`end\\r\\n${HOST}#$`), 50_000);
    const group = emu.objectGroups().get('HUGE') ?? [];
    expect(group).toHaveLength(100_000);
    expect(group[99_999]).toBe('host 10.1.134.159');
    const log = emu.commandLog();
    expect(log.slice(0, 4)).toEqual(['enable', 'terminal length 0', 'conf t', 'object-group network HUGE']);
    expect(log).toHaveLength(4 + 100_000 + 1);
  }, 60_000);
});

describe('backpressure', () => {
  test('a client that stops reading holds the paste back; reading again lets it finish', async () => {
    // Enough that the echoes (~30 bytes a line) overflow the client's 2 MB SSH window and the socket buffers.
    const total = 120_000;
    await configure('conf t', 'object-group network SLOW');
    const raw = shell.rawChannel();
    raw.pause();
    shell.send(
      Array.from({ length: total }, (_, i) => `host 10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`).join('\r') + '\rend\r',
    );
    // Wait until the device stops making progress (its output is stuck behind our unread window).
    let last = -1;
    for (let i = 0; i < 100; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const size = emu.objectGroups().get('SLOW')?.length ?? 0;
      if (size === last) break;
      last = size;
    }
    expect(last).toBeLessThan(total);
    raw.resume();
    await shell.readUntil(new RegExp(`end\\r\\n${HOST}#$`), 50_000);
    expect(emu.objectGroups().get('SLOW')).toHaveLength(total);
  }, 60_000);
});

import { afterEach, describe, expect, test } from 'vitest';
import { startIosEmulator } from './index.js';
import type { IosFaults, RunningIosEmulator } from './index.js';
import { openTestShell } from '../vty/test-shell.js';
import type { TestShell } from '../vty/test-shell.js';

const CREDS = { username: 'netops', password: 'pw' };
const BOOT = 'hostname R1\n!\nobject-group network BL\n host 192.0.2.1\n!\nend\n';
let emu: RunningIosEmulator | undefined;
let shell: TestShell | undefined;

afterEach(async () => {
  shell?.close();
  await emu?.close();
});

async function open(faults: IosFaults = {}, config = BOOT): Promise<TestShell> {
  emu = await startIosEmulator({ ...CREDS, enablePassword: 'en', config, faults });
  shell = await openTestShell(emu, CREDS);
  await shell.readUntil(/>$/);
  shell.sendLine('enable');
  await shell.readUntil(/Password: $/);
  await shell.run('en', /#$/);
  await shell.run('terminal length 0');
  return shell;
}

async function addMember(sh: TestShell, member: string): Promise<void> {
  for (const line of ['conf t', 'object-group network BL', member, 'end']) await sh.run(line);
}

describe('write memory', () => {
  test('wr copies running to startup: Building configuration... [OK]', async () => {
    const sh = await open();
    await addMember(sh, 'host 192.0.2.2');
    expect(emu?.startupConfig()).not.toContain('192.0.2.2');
    expect(await sh.run('wr')).toBe('wr\r\nBuilding configuration...\r\n[OK]\r\nR1#');
    expect(emu?.startupConfig()).toBe(emu?.runningConfig());
    const startup = await sh.run('show startup-config');
    expect(startup).toMatch(/^show startup-config\r\nUsing \d+ out of 262136 bytes\r\n/);
    expect(startup).toContain(' host 192.0.2.2\r\n');
  });

  test('service compress-config gives the Compressed configuration variant', async () => {
    const sh = await open();
    for (const line of ['conf t', 'service compress-config', 'end']) await sh.run(line);
    const size = Buffer.byteLength(emu?.runningConfig() ?? '');
    const out = await sh.run('write memory');
    expect(out).toMatch(
      new RegExp(
        `^write memory\\r\\nBuilding configuration\\.\\.\\.\\r\\n\\r\\n  Compressed configuration from ${size} bytes to \\d+ bytes\\[OK\\]\\r\\nR1#$`,
      ),
    );
    expect(await sh.run('show startup-config | include ^Using')).toMatch(
      /Using \d+ out of 262136 bytes, uncompressed size = \d+ bytes/,
    );
    for (const line of ['conf t', 'no service compress-config', 'end']) await sh.run(line);
    expect(await sh.run('wr mem')).toBe('wr mem\r\nBuilding configuration...\r\n[OK]\r\nR1#');
  });

  test('copy running-config startup-config asks for the destination', async () => {
    const sh = await open();
    await addMember(sh, 'host 192.0.2.3');
    expect(await sh.run('copy run start', /\? $/)).toBe('copy run start\r\nDestination filename [startup-config]? ');
    expect(await sh.run('')).toBe('\r\nBuilding configuration...\r\n[OK]\r\nR1#');
    expect(emu?.startupConfig()).toContain('host 192.0.2.3');
  });

  test('writeConfirm: the [confirm] question; Enter writes, n aborts', async () => {
    const sh = await open({ writeConfirm: true });
    await addMember(sh, 'host 192.0.2.4');
    expect(await sh.run('write memory', /\[confirm\]$/)).toBe(
      'write memory\r\nWarning: Attempting to overwrite an NVRAM configuration previously written\r\n' +
        'by a different version of the system image.\r\nOverwrite the previous NVRAM configuration?[confirm]',
    );
    sh.send('n');
    expect(await sh.readUntil(/#$/)).toBe('\r\nR1#');
    expect(emu?.startupConfig()).not.toContain('192.0.2.4');
    sh.sendLine('wr');
    await sh.readUntil(/\[confirm\]$/);
    sh.send('\r');
    expect(await sh.readUntil(/#$/)).toBe('\r\nBuilding configuration...\r\n[OK]\r\nR1#');
    expect(emu?.startupConfig()).toContain('192.0.2.4');
  });

  test('nvramBusyTimes: busy N times, then [OK]', async () => {
    const sh = await open({ nvramBusyTimes: 2 });
    await addMember(sh, 'host 192.0.2.5');
    const busy = 'wr\r\nBuilding configuration...\r\nstartup-config file open failed (Device or resource busy)\r\nR1#';
    expect(await sh.run('wr')).toBe(busy);
    expect(await sh.run('wr')).toBe(busy);
    expect(emu?.startupConfig()).not.toContain('192.0.2.5');
    expect(await sh.run('wr')).toBe('wr\r\nBuilding configuration...\r\n[OK]\r\nR1#');
    expect(emu?.startupConfig()).toContain('192.0.2.5');
  });
});

describe('shared state', () => {
  test('two sessions see one device; setFaults reaches the live session', async () => {
    const first = await open();
    const second = await openTestShell(emu as RunningIosEmulator, CREDS);
    await second.readUntil(/>$/);
    second.sendLine('enable');
    await second.readUntil(/Password: $/);
    await second.run('en');
    await addMember(first, 'host 198.51.100.7');
    expect(await second.run('show object-group BL')).toContain(' host 198.51.100.7\r\n');
    emu?.setFaults({ nvramBusyTimes: 1 });
    expect(await second.run('wr')).toContain('Device or resource busy');
    expect(await first.run('wr')).toContain('[OK]');
    second.close();
  });
});

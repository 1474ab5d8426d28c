// Each ASA fault over a real ssh2 shell, and the run after it converging (the fault cleared or spent).

import { afterEach, describe, expect, test } from 'vitest';
import { openTestShell } from '../vty/test-shell.js';
import type { TestShell } from '../vty/test-shell.js';
import { startAsaEmulator } from './index.js';
import type { AsaFaults, RunningAsaEmulator } from './index.js';

const CREDS = { username: 'netops', password: 'pw' };
const CONFIG = 'ASA Version 9.8(4)\nhostname fw2\nobject-group network G\n network-object host 192.0.2.1\n: end\n';
let emu: RunningAsaEmulator | undefined;
afterEach(async () => emu?.close());

async function start(faults: AsaFaults): Promise<RunningAsaEmulator> {
  emu = await startAsaEmulator({ ...CREDS, enablePassword: 'en', config: CONFIG, faults, host: '127.0.8.3' });
  return emu;
}

async function privileged(target: RunningAsaEmulator): Promise<TestShell> {
  const shell = await openTestShell(target, CREDS);
  await shell.readUntil(/fw2>$/);
  shell.sendLine('enable');
  await shell.readUntil(/Password: $/);
  await shell.run('en', /fw2#$/);
  return shell;
}

async function configure(shell: TestShell): Promise<string> {
  shell.sendLine('configure terminal');
  const out = await shell.readUntil(/\[A\]sk later: $|\(config\)#$/);
  return out.includes('[A]sk later') ? out + (await shell.run('N', /\(config\)#$/)) : out;
}

describe('faults', () => {
  test('askReporting asks on every configure terminal; A asks again next time even without it', async () => {
    const target = await start({ askReporting: true });
    const shell = await privileged(target);
    for (let i = 0; i < 2; i++) {
      expect(await configure(shell)).toContain('NOTICE');
      await shell.run('end', /fw2#$/);
    }
    target.setFaults({});
    expect(await configure(shell)).not.toContain('NOTICE');
    shell.close();
  });

  test('configSessionHeld: config t asks to kill the other session; no stays in exec, yes enters and clears it', async () => {
    const target = await start({ configSessionHeld: true });
    const shell = await privileged(target);
    shell.sendLine('configure terminal');
    await shell.readUntil(/Do you want to kill that session and continue\? \[yes\/no\]: $/);
    await shell.run('no', /fw2#$/);
    shell.sendLine('configure terminal');
    await shell.readUntil(/kill that session and continue\? \[yes\/no\]: $/);
    shell.sendLine('yes');
    await shell.readUntil(/\[A\]sk later: $/);
    await shell.run('N', /fw2\(config\)#$/);
    await shell.run('end', /fw2#$/);
    expect(await configure(shell)).not.toContain('kill');
    shell.close();
  });

  test('commandAuthorizationFailAfter: later commands answer Command authorization failed and change nothing', async () => {
    const target = await start({ commandAuthorizationFailAfter: 4 });
    const shell = await privileged(target); // enable is command 1
    await configure(shell); // 2
    await shell.run('object-group network G'); // 3
    await shell.run('network-object host 192.0.2.2'); // 4
    expect(await shell.run('network-object host 192.0.2.3')).toContain('Command authorization failed');
    expect(target.objectGroups().get('G')).toEqual(['network-object host 192.0.2.1', 'network-object host 192.0.2.2']);
    shell.close();
    target.setFaults({});
    const next = await privileged(target);
    await configure(next);
    await next.run('object-group network G');
    expect(await next.run('network-object host 192.0.2.3')).not.toContain('authorization');
    next.close();
  });

  test('elementLimit: the add that would pass N network-objects fails with Unable to add', async () => {
    const target = await start({ elementLimit: 2 });
    const shell = await privileged(target);
    await configure(shell);
    await shell.run('object-group network G');
    expect(await shell.run('network-object host 192.0.2.2')).not.toContain('ERROR');
    expect(await shell.run('network-object host 192.0.2.3')).toContain(
      'ERROR: Unable to add, access-list config limit reached',
    );
    expect(target.objectGroups().get('G')).toHaveLength(2);
    shell.close();
  });

  test('writeFailTimes: the first write fails with [FAILED], the next one saves', async () => {
    const target = await start({ writeFailTimes: 1 });
    const shell = await privileged(target);
    const failed = await shell.run('write memory', /fw2#$/);
    expect(failed).toContain(
      '%Error copying system:/running-config (No Device)\r\nError executing command\r\n[FAILED]',
    );
    expect(await shell.run('write memory', /fw2#$/)).toContain('[OK]');
    shell.close();
  });

  test('writeConfirm: [confirm] before the write; another key aborts it', async () => {
    const target = await start({ writeConfirm: true });
    const shell = await privileged(target);
    shell.sendLine('write memory');
    await shell.readUntil(/Overwrite the previous NVRAM configuration\?\[confirm\]$/);
    shell.send('n');
    expect(await shell.readUntil(/fw2#$/)).not.toContain('[OK]');
    shell.sendLine('write');
    await shell.readUntil(/\[confirm\]$/);
    shell.send('\r');
    expect(await shell.readUntil(/fw2#$/)).toContain('[OK]');
    shell.close();
  });

  test('rejectEnable: every secret is refused', async () => {
    const target = await start({ rejectEnable: true });
    const shell = await openTestShell(target, CREDS);
    await shell.readUntil(/fw2>$/);
    shell.sendLine('enable');
    for (let i = 0; i < 3; i++) {
      await shell.readUntil(/Password: $/);
      shell.sendLine('en');
    }
    expect(await shell.readUntil(/fw2>$/)).toContain('Access denied.');
    shell.close();
  });

  test('asyncLines: a %ASA-5-111008 line after each configuration command', async () => {
    const target = await start({ asyncLines: true });
    const shell = await privileged(target);
    await configure(shell);
    expect(await shell.run('object-group network G')).toContain(
      "%ASA-5-111008: User 'netops' executed the 'object-group network G' command.\r\n",
    );
    shell.close();
  });

  test('dropAfterCommands: the Nth command runs, its reply is lost, the connection closes', async () => {
    const target = await start({ dropAfterCommands: 4 });
    const shell = await privileged(target);
    await configure(shell);
    await shell.run('object-group network G');
    shell.sendLine('network-object host 192.0.2.9');
    await shell.closed;
    expect(target.objectGroups().get('G')).toContain('network-object host 192.0.2.9');
  });

  test('at width 80 a long echo is redrawn behind $ and Enter redraws its start with a trailing $', async () => {
    const target = await start({});
    const shell = await privileged(target);
    await configure(shell);
    await shell.run('object-group network G');
    const long = `description ${'x'.repeat(90)}`;
    const echo = await shell.run(long, /\(config-network-object-group\)#$/);
    const prompt = 'fw2(config-network-object-group)#';
    expect(echo).toContain(`\r${(prompt + long).slice(0, 78)}$\r\n`);
    expect(echo).toContain('\r$');
    await shell.run('terminal width 511');
    expect(await shell.run(long, /\(config-network-object-group\)#$/)).toBe(`${long}\r\n${prompt}`);
    shell.close();
  });
});

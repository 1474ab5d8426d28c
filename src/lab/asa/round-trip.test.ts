// Booted from real ASA configurations (testdata/real/*/SOURCE.md), the emulator prints each back over SSH byte for
// byte (`: end` added where the text lacks it, as the ASA always prints it); a change touches only its own lines.

import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, test } from 'vitest';
import { openTestShell } from '../vty/test-shell.js';
import type { TestShell } from '../vty/test-shell.js';
import { startAsaEmulator } from './index.js';
import type { RunningAsaEmulator } from './index.js';

const CREDS = { username: 'netops', password: 'pw' };
const REAL = new URL('./testdata/real/', import.meta.url);
const CASES = readdirSync(REAL).sort();
const readCase = (name: string): string => readFileSync(new URL(`${name}/running-config.txt`, REAL), 'utf8');
const withEnd = (text: string): string => (/^: end\s*$/m.test(text) ? text : `${text}: end\n`);

let emu: RunningAsaEmulator | undefined;
let shell: TestShell | undefined;
afterEach(async () => {
  shell?.close();
  await emu?.close();
});

async function boot(config: string): Promise<TestShell> {
  emu = await startAsaEmulator({ ...CREDS, enablePassword: 'en', config, host: '127.0.8.2' });
  shell = await openTestShell(emu, CREDS);
  await shell.readUntil(/>$/);
  shell.sendLine('enable');
  await shell.readUntil(/Password: $/);
  await shell.run('en', /#$/);
  await shell.run('terminal pager 0');
  return shell;
}

/** `show running-config` over the session, as text with LF line ends. */
async function showRunning(sh: TestShell): Promise<string> {
  const out = await sh.run('show running-config', /\r\n: end\r\n[\w./-]+#$/);
  const lines = out.split('\r\n').slice(1, -1);
  return lines.join('\n') + '\n';
}

describe('round trip of real ASA configs', () => {
  test('there are at least 3 real configs, each with its SOURCE.md naming repository, commit and licence', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(3);
    for (const name of CASES) {
      const source = readFileSync(new URL(`${name}/SOURCE.md`, REAL), 'utf8');
      expect(source).toMatch(/Repository: https:\/\/github\.com\//);
      expect(source).toMatch(/Commit: [0-9a-f]{40}/);
      expect(source).toMatch(/Licence: \S/);
    }
  });

  test.each(CASES)('%s: show running-config prints the boot text back', async (name) => {
    const text = readCase(name);
    const sh = await boot(text);
    expect(await showRunning(sh)).toBe(withEnd(text));
    expect(emu?.startupConfig()).toBe(withEnd(text));
  });

  test('adding a group to a real config inserts its lines after the last object-group, nothing else moves', async () => {
    const text = readCase('ciscoconfparse-asa-9.0-fw');
    const sh = await boot(text);
    sh.sendLine('configure terminal');
    const out = await sh.readUntil(/\[A\]sk later: $|\(config\)#$/);
    if (out.includes('[A]sk later')) await sh.run('N', /\(config\)#$/);
    await sh.run('object-group network ThreatSTOP-Block-1');
    await sh.run('network-object host 198.51.100.1');
    await sh.run('exit');
    await sh.run('access-list INSIDE_in extended deny ip any4 object-group ThreatSTOP-Block-1');
    await sh.run('end');
    const shown = await showRunning(sh);
    const before = text.split('\n');
    const after = shown.split('\n');
    const lastGroup = before.indexOf('object-group service TEST_PORTS tcp') + 3;
    expect(after.slice(0, lastGroup)).toEqual(before.slice(0, lastGroup));
    expect(after.slice(lastGroup, lastGroup + 2)).toEqual([
      'object-group network ThreatSTOP-Block-1',
      ' network-object host 198.51.100.1',
    ]);
    const lastAce = before.indexOf('access-list INSIDE_in extended deny ip any4 any4 log');
    expect(after[lastAce + 3]).toBe('access-list INSIDE_in extended deny ip any4 object-group ThreatSTOP-Block-1');
    const added = new Set([lastGroup, lastGroup + 1, lastAce + 3]);
    expect(after.filter((_l, i) => !added.has(i))).toEqual(before);
  });
});

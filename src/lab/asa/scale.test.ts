// 25,000 members in three nested children of a master group an ACL uses, pasted in one write each, then read
// back over the real OpenSSH client: the emulator stays responsive and counts what it holds (no timing asserted).

import { afterEach, expect, test } from 'vitest';
import { runOpenSshScript } from '../vty/openssh-script.js';
import { openTestShell } from '../vty/test-shell.js';
import { startAsaEmulator } from './index.js';
import type { RunningAsaEmulator } from './index.js';

const CREDS = { username: 'netops', password: 'pw' };
const CONFIG = `ASA Version 9.16(3)19\nhostname big\nobject-group network ThreatSTOP-Block\n network-object host 10.255.255.254
access-list OUT extended deny ip object-group ThreatSTOP-Block any4\naccess-group OUT in interface outside\n: end\n`;
let emu: RunningAsaEmulator | undefined;
afterEach(async () => emu?.close());

const host = (i: number): string => `network-object host 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

test('25,000 members in three nested children: pasted, counted by show access-list, read back with OpenSSH', async () => {
  emu = await startAsaEmulator({ ...CREDS, enablePassword: 'en', config: CONFIG, host: '127.0.8.5' });
  const shell = await openTestShell(emu, CREDS);
  await shell.readUntil(/big>$/);
  shell.sendLine('enable');
  await shell.readUntil(/Password: $/);
  await shell.run('en', /big#$/);
  await shell.run('terminal pager 0', /big#$/);
  shell.sendLine('configure terminal');
  await shell.readUntil(/\[A\]sk later: $/);
  await shell.run('N', /big\(config\)#$/);
  await shell.run('terminal width 511', /big\(config\)#$/);
  const sizes = [10_000, 10_000, 5_000];
  let next = 0;
  for (const [index, size] of sizes.entries()) {
    const lines = [`object-group network ThreatSTOP-Block-${index + 1}`];
    for (let i = 0; i < size; i++) lines.push(host(next++));
    shell.send(lines.map((l) => `${l}\r`).join(''));
    // One prompt per line: wait for the echo of the last one, then its prompt.
    await shell.readUntil(new RegExp(`${host(next - 1)}\\r\\nbig\\(config-network-object-group\\)#`), 60_000);
  }
  await shell.run('object-group network ThreatSTOP-Block', /group\)#$/);
  for (let i = 1; i <= 3; i++) await shell.run(`group-object ThreatSTOP-Block-${i}`, /group\)#$/);
  await shell.run('no network-object host 10.255.255.254', /group\)#$/);
  const acl = await shell.run('show access-list OUT | include elements', /group\)#$/);
  expect(acl).toContain('access-list OUT; 25000 elements; name hash: 0x');
  shell.close();

  const groups = emu.objectGroups();
  expect(groups.get('ThreatSTOP-Block')).toEqual([1, 2, 3].map((i) => `group-object ThreatSTOP-Block-${i}`));
  expect(sizes.map((_s, i) => groups.get(`ThreatSTOP-Block-${i + 1}`)?.length)).toEqual(sizes);

  const out = await runOpenSshScript(
    emu,
    CREDS,
    'enable\ren\rterminal pager 0\rshow running-config object-group id ThreatSTOP-Block-3\rexit\r',
  );
  const lines = out.split('\r\n');
  const at = lines.indexOf('object-group network ThreatSTOP-Block-3');
  expect(at).toBeGreaterThan(0);
  expect(lines.slice(at + 1, at + 1 + 5_000)).toEqual(Array.from({ length: 5_000 }, (_v, i) => ` ${host(20_000 + i)}`));
}, 120_000);

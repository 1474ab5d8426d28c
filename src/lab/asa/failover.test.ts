// A failover pair: two endpoints, one configuration. The active unit (`H/pri/act#`) takes changes, the standby
// (`H/sec/stby#`) warns and refuses them and shows what the active did; `show failover` tells each unit's role.

import { afterEach, expect, test } from 'vitest';
import { openTestShell } from '../vty/test-shell.js';
import type { TestShell } from '../vty/test-shell.js';
import { startAsaPair } from './index.js';
import type { RunningAsaEmulator, RunningAsaPair } from './index.js';

const CREDS = { username: 'netops', password: 'pw' };
let pair: RunningAsaPair | undefined;
afterEach(async () => pair?.close());

async function privileged(unit: RunningAsaEmulator, prompt: RegExp): Promise<TestShell> {
  const shell = await openTestShell(unit, CREDS);
  await shell.readUntil(/>$/);
  shell.sendLine('enable');
  await shell.readUntil(/Password: $/);
  await shell.run('en', prompt);
  await shell.run('terminal pager 0', prompt);
  return shell;
}

test('the active unit takes config and the standby follows; the standby refuses changes with the warning', async () => {
  pair = await startAsaPair({ ...CREDS, enablePassword: 'en', hostname: 'lab-fw', host: '127.0.8.4' });
  const active = await privileged(pair.primary, /lab-fw\/pri\/act#$/);
  const standby = await privileged(pair.secondary, /lab-fw\/sec\/stby#$/);
  expect(await active.run('show failover')).toContain('This host: Primary - Active');
  expect(await standby.run('show failover')).toContain('This host: Secondary - Standby Ready');

  active.sendLine('configure terminal');
  await active.readUntil(/\[A\]sk later: $/);
  await active.run('N', /lab-fw\/pri\/act\(config\)#$/);
  await active.run('object-group network ThreatSTOP-Block', /act\(config-network-object-group\)#$/);
  await active.run('network-object host 198.51.100.5', /act\(config-network-object-group\)#$/);
  expect(await standby.run('show running-config object-group id ThreatSTOP-Block')).toContain(
    'object-group network ThreatSTOP-Block\r\n network-object host 198.51.100.5\r\n',
  );

  const entered = await standby.run('configure terminal', /stby\(config\)#$/);
  expect(entered).toContain('**** WARNING ****');
  expect(entered).toContain('Configuration Replication is NOT performed from Standby unit to Active unit.');
  const refused = await standby.run('object-group network OTHER', /stby\(config\)#$/);
  expect(refused).toContain('Configurations are no longer synchronized.');
  expect(pair.secondary.objectGroups().has('OTHER')).toBe(false);

  pair.failover();
  expect(pair.active()).toBe('secondary');
  expect(await standby.run('end', /lab-fw\/sec\/act#$/)).toMatch(/lab-fw\/sec\/act#$/);
  await standby.run('configure terminal', /act\(config\)#$/);
  await standby.run('object-group network OTHER', /act\(config-network-object-group\)#$/);
  expect(pair.primary.objectGroups().has('OTHER')).toBe(true);
  active.close();
  standby.close();
});

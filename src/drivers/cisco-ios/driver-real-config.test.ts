// The IOS driver against the emulator booted from a real router's saved configuration (IOS 15.1, kept in
// testdata/real-c1811-running-config with its source): the repeated `object-group network MGMT` header is read as
// one group of four, a member of its second block is removed, and what the administrator typed stays.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { prefixesFromStrings, prefixesToStrings } from '../../cidr/index.js';
import { startIosEmulator } from '../../lab/ios/index.js';
import type { RunningIosEmulator } from '../../lab/ios/index.js';
import type { GroupChange } from '../../plan/model.js';
import type { Driver } from '../driver.js';
import { createIosDriver } from './index.js';
import { createRecordingLogger, makeContext, makeIosSpec } from './test-helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const CASE = join(here, 'testdata', 'real-c1811-running-config');
const SECRETS = { username: 'netops', password: 'pw-Secret-1', enablePassword: 'en-Secret-2' };
const GROUPS = [
  { name: 'ENEMY', role: 'block' as const },
  { name: 'MGMT', role: 'allow' as const },
];

let emu: RunningIosEmulator | undefined;
let driver: Driver | undefined;
afterEach(async () => {
  await driver?.close().catch(() => undefined);
  await emu?.close();
  driver = undefined;
  emu = undefined;
});

type ChangeJson = Omit<GroupChange, 'add' | 'remove'> & { add: string[]; remove: string[] };

describe('a real IOS 15.1 configuration in the emulator', () => {
  it('observes the repeated MGMT header as one group and removes a member of its second block', async () => {
    const config = readFileSync(join(CASE, 'device.txt'), 'utf8');
    emu = await startIosEmulator({ host: '127.0.0.1', config, ...SECRETS });
    const spec = makeIosSpec(emu.host, emu.port, { fingerprint: emu.hostKeyFingerprint });
    driver = await createIosDriver(makeContext(spec, SECRETS, createRecordingLogger()));

    const before = await driver.observe(GROUPS);
    const [enemy, mgmt] = before.groups;
    expect(prefixesToStrings(mgmt!.members)).toEqual([
      '62.62.11.0/24',
      '192.168.0.254/32',
      '192.168.10.10/32',
      '192.168.10.11/32',
    ]);
    expect(mgmt!.usedBy).toEqual(['ip access-list extended INACL']);
    expect(prefixesToStrings(enemy!.members)).toHaveLength(19);
    expect(enemy!.usedBy).toEqual(['ip access-list extended INACL']);

    // The golden case's plan: three adds to ENEMY (one IPv6, so a twin), one add and one removal in MGMT.
    const changes = (JSON.parse(readFileSync(join(CASE, 'changes.json'), 'utf8')) as ChangeJson[]).map((c) => ({
      ...c,
      add: prefixesFromStrings(c.add),
      remove: prefixesFromStrings(c.remove),
    }));
    await driver.apply(changes, before);

    const after = await driver.observe(GROUPS);
    expect(prefixesToStrings(after.groups[1]!.members)).toEqual([
      '62.62.14.0/24',
      '192.168.0.254/32',
      '192.168.10.10/32',
      '192.168.10.11/32',
    ]);
    const enemyAfter = prefixesToStrings(after.groups[0]!.members);
    expect(enemyAfter).toHaveLength(22);
    expect(enemyAfter).toEqual(expect.arrayContaining(['45.155.205.233/32', '185.220.101.0/24', '2001:db8:bad::/48']));
    expect(enemyAfter).toEqual(expect.arrayContaining(prefixesToStrings(enemy!.members)));
  });
});

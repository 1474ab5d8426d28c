// The driver contract on a Cisco FWSM 3.1 (the PIX driver over SSH), against the PIX/FWSM emulator booted from a real
// context configuration (ZipTie's fixture, src/lab/pix/testdata/real/fwsm-ceige-3.1, see its SOURCE.md) with an ACL
// using the block group (one foreign member in it) and a group tscm does not own.

import { readFileSync } from 'node:fs';
import { startPixEmulator } from '../../src/lab/pix/index.js';
import type { PixFaults } from '../../src/lab/pix/index.js';
import { describeDriverContract } from './driver-contract.js';

const REAL = readFileSync(
  new URL('../../src/lab/pix/testdata/real/fwsm-ceige-3.1/running-config.txt', import.meta.url),
  'utf8',
);

const BOOT = REAL.replace(
  'pager lines 24\n',
  `object-group network threatstop-block
 network-object host 192.0.2.99
object-group network OPS-JUMP
 network-object host 198.51.100.7
access-list outside_in extended deny ip object-group threatstop-block any
access-list outside_in extended permit ip object-group OPS-JUMP any
access-list outside_in extended permit ip any any
access-group outside_in in interface outside
pager lines 24
`,
);

describeDriverContract({
  platform: 'pix',
  groups: { block: 'threatstop-block', allow: 'threatstop-allow' },
  foreignMember: '192.0.2.99/32',
  start: async (creds) => {
    const emu = await startPixEmulator({ host: '127.0.11.250', variant: 'fwsm3', ...creds, config: BOOT });
    let faults: PixFaults = {};
    const set = (f: PixFaults): void => {
      faults = { ...faults, ...f };
      emu.setFaults(faults);
    };
    return {
      host: emu.host,
      port: emu.port,
      hostKeyFingerprint: emu.hostKeyFingerprint,
      runningConfig: () => emu.runningConfig(),
      commandLog: () => emu.commandLog(),
      // The FWSM's own refusal: its access-list element limit, a few dozen adds above what the ACLs hold now (the
      // block group's members plus the handful of other ACEs of the boot config).
      refuseAfter: (n) => set({ aceLimit: (emu.objectGroups().get('threatstop-block')?.length ?? 0) + 8 + n }),
      dropAfter: (n) => set({ dropAfterCommands: n }),
      failSaves: () => set({ writeFailTimes: 1000 }),
      clearFaults: () => {
        faults = {};
        emu.setFaults({});
      },
      close: () => emu.close(),
    };
  },
});

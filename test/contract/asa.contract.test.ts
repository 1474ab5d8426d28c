// The driver contract on a Cisco ASA (CLI over SSH), against the ASA emulator booted from a real ASAv 9.16
// configuration (src/lab/asa/testdata/real/asav-9.16-nac-lab, see its SOURCE.md) with a master group an ACL uses
// (one foreign member in it) and a group tscm does not own. Children of 500, so the suite's sets span several.

import { readFileSync } from 'node:fs';
import { startAsaEmulator } from '../../src/lab/asa/index.js';
import type { AsaFaults } from '../../src/lab/asa/index.js';
import { describeDriverContract } from './driver-contract.js';

const REAL = readFileSync(
  new URL('../../src/lab/asa/testdata/real/asav-9.16-nac-lab/running-config.txt', import.meta.url),
  'utf8',
);

const BOOT = REAL.replace(
  'access-list inside_access extended permit ip any4 any4\n',
  `object-group network TS-Block
 network-object host 192.0.2.99
object-group network OPS-JUMP
 network-object host 198.51.100.7
access-list inside_access extended deny ip object-group TS-Block any
access-list inside_access extended permit ip object-group OPS-JUMP any
access-list inside_access extended permit ip any4 any4
`,
);

describeDriverContract({
  platform: 'asa',
  groups: { block: 'TS-Block', allow: 'TS-Allow' },
  foreignMember: '192.0.2.99/32',
  objectGroups: 'nestedSize: 500',
  start: async (creds) => {
    const emu = await startAsaEmulator({ host: '127.0.12.2', ...creds, config: BOOT });
    let faults: AsaFaults = {};
    const set = (f: AsaFaults): void => {
      faults = { ...faults, ...f };
      emu.setFaults(faults);
    };
    const log = () => emu.commandLog();
    return {
      host: emu.host,
      port: emu.port,
      hostKeyFingerprint: emu.hostKeyFingerprint,
      runningConfig: () => emu.runningConfig(),
      commandLog: log,
      refuseAfter: (n) => set({ commandAuthorizationFailAfter: n }),
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

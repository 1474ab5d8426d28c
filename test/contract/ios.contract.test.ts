// The driver contract on Cisco IOS, against the IOS emulator booted from a real running-config (Cisco VIRL
// iosv-15.2, src/lab/ios/testdata/real/iosv-15.2-as2dept1, see its SOURCE.md) with a group and an ACL of its own.

import { readFileSync } from 'node:fs';
import { startIosEmulator } from '../../src/lab/ios/index.js';
import { describeDriverContract } from './driver-contract.js';

const REAL = readFileSync(
  new URL('../../src/lab/ios/testdata/real/iosv-15.2-as2dept1/running-config.txt', import.meta.url),
  'utf8',
);

/** The real config with an ACL using the block group (one foreign member in it) and a group tscm does not own. */
const BOOT = REAL.replace(
  /\nend\s*$/,
  `
object-group network TS-BLOCK
 host 192.0.2.99
object-group network OPS-JUMP
 host 198.51.100.7
ip access-list extended TS-IN
 deny ip object-group TS-BLOCK any
 permit ip object-group OPS-JUMP any
 permit ip any any
end
`,
);

describeDriverContract({
  platform: 'ios',
  groups: { block: 'TS-BLOCK', allow: 'TS-ALLOW' },
  foreignMember: '192.0.2.99/32',
  start: async (creds) => {
    const emu = await startIosEmulator({ host: '127.0.12.1', ...creds, config: BOOT });
    return {
      host: emu.host,
      port: emu.port,
      hostKeyFingerprint: emu.hostKeyFingerprint,
      runningConfig: () => emu.runningConfig(),
      commandLog: () => emu.commandLog(),
      refuseAfter: (n) => emu.setFaults({ authorizationFailAfter: n }),
      dropAfter: (n) => emu.setFaults({ dropAfterCommands: n }),
      failSaves: () => emu.setFaults({ nvramBusyTimes: 1000 }),
      clearFaults: () => emu.setFaults({}),
      close: () => emu.close(),
    };
  },
});

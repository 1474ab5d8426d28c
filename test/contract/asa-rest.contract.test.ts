// The driver contract on a Cisco ASA through its REST API, against the REST emulator booted from the same real
// ASAv 9.16 configuration as the SSH target (src/lab/asa/testdata/real/asav-9.16-nac-lab, see its SOURCE.md): a
// master group an ACL uses (one foreign member in it) and a group tscm does not own; children of 500. The
// certificate is pinned. The suite's device faults are the REST agent's: a refusal is a 500 storm whose body holds
// the device's messages, a dropped session is the agent restarting (connections refused), a failed save is a
// failing writemem. The driver talks to the emulator through a recording relay (test/helpers/https-recorder.ts),
// so the suite's "command log" is what the driver really sent: each request line and its body.

import { readFileSync } from 'node:fs';
import { startAsaRestEmulator } from '../../src/lab/asa-rest/index.js';
import type { AsaRestFaults } from '../../src/lab/asa-rest/index.js';
import { waitForApi } from '../helpers/asa-rest-lab.js';
import { startRecordingRelay } from '../helpers/https-recorder.js';
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

/** How long the agent stays down after a restart: longer than the retry budget below, so the apply fails. */
const RESTART_DOWN_MS = 1500;

describeDriverContract({
  platform: 'asa-rest',
  groups: { block: 'TS-Block', allow: 'TS-Allow' },
  foreignMember: '192.0.2.99/32',
  // Chunks of 100 members per request so the suite's changes span many requests (a fault lands mid-apply), and
  // retries within a budget far shorter than the agent's restart.
  objectGroups: 'nestedSize: 500',
  yaml: ['  chunkSize: 100', '  requestTimeoutMs: 10000', '  retry: { attempts: 3, maxSeconds: 0.3 }'].join('\n'),
  start: async (creds) => {
    const emu = await startAsaRestEmulator({ host: '127.0.94.40', ...creds, config: BOOT });
    const relay = await startRecordingRelay(emu, '127.0.94.41');
    let faults: AsaRestFaults = {};
    const set = (f: AsaRestFaults): void => {
      faults = { ...faults, ...f };
      emu.setFaults(faults);
    };
    return {
      host: relay.host,
      port: relay.port,
      hostKeyFingerprint: '',
      yaml: `  certificateFingerprint: "${emu.fingerprint256}"`,
      runningConfig: () => emu.runningConfig(),
      commandLog: () => relay.exchanges().map((e) => `${e.method} ${e.path} ${e.body}`),
      // Requests, not CLI lines: a REST request carries up to a chunk of members, so N commands are N/10 requests.
      refuseAfter: (n) => set({ serverErrors: { afterRequests: Math.max(1, Math.floor(n / 10)), body: 'json' } }),
      dropAfter: (n) => set({ agentRestart: { afterRequests: n, downMs: RESTART_DOWN_MS } }),
      failSaves: () => set({ writememFailTimes: 1000 }),
      clearFaults: async () => {
        faults = {};
        emu.setFaults({});
        await waitForApi({ emu }, RESTART_DOWN_MS * 2);
      },
      close: async () => {
        await relay.close();
        await emu.close();
      },
    };
  },
});

// Cisco PIX 6.2-8.0 / FWSM 3.x as a platform (README.md holds the device facts): the CLI over SSH, or telnet by
// explicit opt-in for PIX 6.x (SSH 1 only); one flat IPv4 group per role; the shim keeps a group in use non-empty.

import type { PlatformModule } from '../platform.js';
import { CLI_SETTINGS } from '../shared/cli-settings.js';
import { SHIM_ADDRESS_SETTING } from '../shared/shim-setting.js';

export const PIX_PLATFORM: PlatformModule = {
  platform: 'pix',
  title: 'Cisco PIX / FWSM (CLI over SSH or telnet)',
  defaults: { port: 22, groups: { block: 'threatstop-block', allow: 'threatstop-allow' } },
  // IPv4 only; names up to 64 characters as on the ASA code base PIX 7 shares (cisco-protocol.md §2).
  traits: {
    families: ['v4'],
    emptyInUseGroup: 'shim',
    ha: 'each-endpoint',
    maxNameLength: 64,
    // FWSM 3.1 configuration guide (OL-6392-01, ch. 10 "Maximum Number of ACEs"): 80K rules for the whole system in
    // single context mode, expanded ACEs included; a real FWSM states its own (show np 3 acl count, read by observe).
    // Cisco publishes no figure for the PIX. README.md "Capacity".
    capacity: { limit: 80_000, detail: 'documented FWSM 3.1 maximum: 80K rules in single context mode' },
  },
  settings: {
    ...CLI_SETTINGS,
    'advanced.transport': {
      schema: {
        description:
          'ssh (default) or telnet: PIX 6.x speaks only SSH 1, which tscm cannot; telnet is an explicit opt-in, warned about on every run (credentials cross the network unencrypted), on port 23 unless management.port names another than 22',
        enum: ['ssh', 'telnet'],
        default: 'ssh',
      },
    },
    'objectGroups.shimAddress': SHIM_ADDRESS_SETTING,
  },
  groupNames: { longestSuffix: '', derived: () => false, pattern: '' },
  load: async () => (await import('./index.js')).createPixDriver,
};

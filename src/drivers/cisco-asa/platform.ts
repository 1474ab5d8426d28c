// Cisco ASA (CLI over SSH) as a platform (README.md holds the device facts): a master group per role holding nested
// children of nestedSize members, IPv4 and IPv6 mixed in a group, a shim keeping a group in use non-empty, and
// configuration on the active unit of a failover pair only.

import type { PlatformModule } from '../platform.js';
import { ASA_CAPACITY } from '../shared/asa-capacity.js';
import { NESTED_SIZE_SETTING, NESTED_CHILD_NAMES } from '../shared/nested-settings.js';
import { CLI_SETTINGS } from '../shared/cli-settings.js';
import { SHIM_ADDRESS_SETTING } from '../shared/shim-setting.js';

export const ASA_PLATFORM: PlatformModule = {
  platform: 'asa',
  title: 'Cisco ASA (CLI over SSH)',
  defaults: { port: 22, groups: { block: 'ThreatSTOP-Block', allow: 'ThreatSTOP-Allow' } },
  // 64: object-group names (ASA command reference "object-group"); children take NAME-<n>.
  traits: {
    families: ['v4', 'v6'],
    emptyInUseGroup: 'shim',
    ha: 'active-only',
    maxNameLength: 64,
    capacity: ASA_CAPACITY,
  },
  settings: {
    ...CLI_SETTINGS,
    'objectGroups.nestedSize': NESTED_SIZE_SETTING,
    'objectGroups.shimAddress': SHIM_ADDRESS_SETTING,
    'advanced.configSession': {
      schema: {
        description:
          'when configure terminal finds configuration held by another session: wait (default: decline, back off, retry, name the holder) or kill (take it over; the other session loses its configuration mode)',
        enum: ['wait', 'kill'],
        default: 'wait',
      },
    },
  },
  groupNames: NESTED_CHILD_NAMES,
  load: async () => (await import('./index.js')).createAsaDriver,
};

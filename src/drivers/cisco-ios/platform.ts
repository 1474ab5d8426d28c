// Cisco IOS / IOS-XE as a platform (README.md holds the device facts): SSH on port 22, lower-case group names, IPv6
// members in a NAME-v6 twin, and service compress-config as its own setting.

import type { PlatformModule } from '../platform.js';
import { CLI_SETTINGS } from '../shared/cli-settings.js';

const TWIN_SUFFIX = '-v6';

export const IOS_PLATFORM: PlatformModule = {
  platform: 'ios',
  title: 'Cisco IOS / IOS-XE (CLI over SSH)',
  defaults: { port: 22, groups: { block: 'threatstop-block', allow: 'threatstop-allow' } },
  // 64: the longest name accepted in practice (no documented limit found); README.md.
  traits: {
    families: ['v4', 'v6'],
    emptyInUseGroup: 'allowed',
    ha: 'each-endpoint',
    maxNameLength: 64,
    // README.md "Capacity": Cisco publishes no object-group member limit for IOS/IOS-XE (memory-bound), and the
    // device shows none; tscm's own ceiling (objectGroups.maxEntries' maximum) stands in.
    capacity: { limit: 2_000_000, detail: "no documented IOS limit (memory-bound): tscm's ceiling" },
  },
  settings: {
    ...CLI_SETTINGS,
    'advanced.compressConfig': {
      schema: {
        description: 'service compress-config before saving: compress, uncompress or leave (default leave)',
        enum: ['compress', 'uncompress', 'leave'],
        default: 'leave',
      },
    },
  },
  groupNames: {
    longestSuffix: TWIN_SUFFIX,
    derived: (name, other) => other.toLowerCase() === (name + TWIN_SUFFIX).toLowerCase(),
    pattern: `NAME${TWIN_SUFFIX} (its IPv6 twin)`,
  },
  load: async () => (await import('./index.js')).createIosDriver,
};

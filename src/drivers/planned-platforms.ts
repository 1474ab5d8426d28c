// Platforms the schema accepts whose drivers are still being written: their settings are validated now (so a
// definition written for them stays valid), and connecting says plainly that the driver is not in this version.
// Each moves to its own folder's platform.ts when its driver lands, and its line in registry.ts follows it.

import { ConfigError } from '../errors.js';
import type { PlatformModule } from './platform.js';
import { CLI_SETTINGS } from './shared/cli-settings.js';

function notYet(platform: string): PlatformModule['load'] {
  return async () => async (ctx) => {
    throw new ConfigError(
      `device ${ctx.spec.name}: platform "${platform}" is not yet supported by this tscm version`,
      'supported platforms: ios',
    );
  };
}

const NESTED_CHILD = {
  longestSuffix: '-9999',
  derived: (name: string, other: string) => new RegExp(`^${name.replace(/[.]/g, '\\.')}-\\d+$`, 'i').test(other),
  pattern: 'NAME-<n>',
};

const NESTED_SIZE = {
  schema: {
    description:
      'members per nested group under the master group (default 10000). Read by the ASA drivers in a coming release; accepted and validated now, not yet used',
    type: 'integer',
    minimum: 1,
    maximum: 100000,
    default: 10000,
  },
};

const REST_NOTE = 'Read by the ASA REST driver in a coming release; accepted and validated now, not yet used';

export const ASA_REST_PLANNED: PlatformModule = {
  platform: 'asa-rest',
  title: 'Cisco ASA (REST API over HTTPS)',
  defaults: { port: 443, groups: { block: 'ThreatSTOP-Block', allow: 'ThreatSTOP-Allow' } },
  traits: { families: ['v4', 'v6'], emptyInUseGroup: 'shim', ha: 'active-only', maxNameLength: 64 },
  settings: {
    'objectGroups.nestedSize': NESTED_SIZE,
    'advanced.tokenAuth': {
      schema: {
        description: `REST token auth instead of Basic on every call (default false). ${REST_NOTE}`,
        type: 'boolean',
      },
    },
    'advanced.allowSelfSigned': {
      schema: {
        description: `accept any self-signed certificate (default false); pinning certificateFingerprint is the safe way. ${REST_NOTE}`,
        type: 'boolean',
      },
    },
    'advanced.certificateFingerprint': {
      schema: {
        $ref: '#/$defs/certificateFingerprint',
        description: `The pinned SHA-256 fingerprint of the ASA's HTTPS certificate. ${REST_NOTE}.`,
      },
      normalise: (v) => {
        const hex = String(v)
          .replace(/^sha256:/i, '')
          .replace(/:/g, '')
          .toUpperCase();
        return hex.match(/../g)?.join(':') ?? hex;
      },
    },
    'advanced.apiUrl': {
      schema: {
        $ref: '#/$defs/httpsUrl',
        description: `The REST API base URL (default https://management-host/api). ${REST_NOTE}.`,
      },
    },
  },
  groupNames: NESTED_CHILD,
  load: notYet('asa-rest'),
};

export const ASA_PLANNED: PlatformModule = {
  platform: 'asa',
  title: 'Cisco ASA (CLI over SSH)',
  defaults: { port: 22, groups: { block: 'ThreatSTOP-Block', allow: 'ThreatSTOP-Allow' } },
  traits: { families: ['v4', 'v6'], emptyInUseGroup: 'shim', ha: 'active-only', maxNameLength: 64 },
  settings: { ...CLI_SETTINGS, 'objectGroups.nestedSize': NESTED_SIZE },
  groupNames: NESTED_CHILD,
  load: notYet('asa'),
};

// Platforms the schema accepts whose drivers are still being written: their settings are validated now (so a
// definition written for them stays valid), and connecting says plainly that the driver is not in this version.
// Each moves to its own folder's platform.ts when its driver lands, and its line in registry.ts follows it.

import { ConfigError } from '../errors.js';
import type { PlatformModule } from './platform.js';
import { NESTED_CHILD_NAMES, NESTED_SIZE_SETTING } from './shared/nested-settings.js';

function notYet(platform: string, instead: string): PlatformModule['load'] {
  return async () => async (ctx) => {
    throw new ConfigError(
      `device ${ctx.spec.name}: platform "${platform}" is not yet supported by this tscm version`,
      instead,
    );
  };
}

const REST_NOTE = 'Read by the ASA REST driver in a coming release; accepted and validated now, not yet used';

export const ASA_REST_PLANNED: PlatformModule = {
  platform: 'asa-rest',
  title: 'Cisco ASA (REST API over HTTPS)',
  defaults: { port: 443, groups: { block: 'ThreatSTOP-Block', allow: 'ThreatSTOP-Allow' } },
  traits: { families: ['v4', 'v6'], emptyInUseGroup: 'shim', ha: 'active-only', maxNameLength: 64 },
  settings: {
    'objectGroups.nestedSize': NESTED_SIZE_SETTING,
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
  groupNames: NESTED_CHILD_NAMES,
  load: notYet('asa-rest', 'manage the same ASA over SSH meanwhile: platform: asa (the same groups)'),
};

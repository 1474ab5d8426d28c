// Cisco ASA through its REST API (HTTPS) as a platform (README.md holds the device facts): the same nested layout
// and shim as the ASA over SSH, the API's TLS trust and auth settings, the request pacing and retries that keep a
// struggling on-box agent up, and an opt-in fallback to the ASA driver over SSH (hence the CLI settings).

import type { PlatformModule } from '../platform.js';
import { ASA_CAPACITY } from '../shared/asa-capacity.js';
import { CLI_SETTINGS } from '../shared/cli-settings.js';
import { NESTED_CHILD_NAMES, NESTED_SIZE_SETTING } from '../shared/nested-settings.js';
import { SHIM_ADDRESS_SETTING } from '../shared/shim-setting.js';

export const ASA_REST_PLATFORM: PlatformModule = {
  platform: 'asa-rest',
  title: 'Cisco ASA (REST API over HTTPS)',
  defaults: { port: 443, groups: { block: 'ThreatSTOP-Block', allow: 'ThreatSTOP-Allow' } },
  traits: {
    families: ['v4', 'v6'],
    emptyInUseGroup: 'shim',
    ha: 'active-only',
    maxNameLength: 64,
    // Same as the asa platform (README.md, "Capacity"): Cisco publishes no object-group member limit for the ASA.
    capacity: ASA_CAPACITY,
  },
  // The defaults here are options.ts's (ASA_REST_DEFAULTS; a test keeps them equal): platform data stays pure.
  settings: {
    // Read only by the ASA driver over SSH when advanced.fallback is ssh.
    ...CLI_SETTINGS,
    'objectGroups.nestedSize': NESTED_SIZE_SETTING,
    'objectGroups.shimAddress': SHIM_ADDRESS_SETTING,
    'advanced.tokenAuth': {
      schema: {
        description: `one POST /api/tokenservices per run and X-Auth-Token afterwards, the token deleted at the end (default true); false: Basic auth on every call`,
        type: 'boolean',
      },
    },
    'advanced.allowSelfSigned': {
      schema: {
        description: `accept any certificate without checking it (default false); warns on every run: pinning certificateFingerprint is the safe way to trust a self-signed one`,
        type: 'boolean',
      },
    },
    'advanced.certificateFingerprint': {
      schema: {
        $ref: '#/$defs/certificateFingerprint',
        description:
          "the pinned SHA-256 fingerprint of the ASA's HTTPS certificate: that certificate is trusted, whatever its issuer and name, and nothing else",
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
        description: 'the REST API base URL (default https://MANAGEMENT-HOST[:PORT]/api)',
      },
    },
    'advanced.fallback': {
      schema: {
        description: `when the REST API is absent (404 on /api: Firepower hardware, agent off) or keeps failing before any change: none (default, stop) or ssh (reconcile the same groups with the ASA driver over SSH at advanced.sshPort; the plan says so)`,
        enum: ['none', 'ssh'],
        default: 'none',
      },
    },
    'advanced.sshPort': {
      schema: {
        description: `the SSH port of the fallback (default 22)`,
        type: 'integer',
        minimum: 1,
        maximum: 65535,
        default: 22,
      },
    },
    'advanced.requestsPerSecond': {
      schema: {
        description: 'the most REST requests started per second (default: unpaced)',
        type: 'number',
        exclusiveMinimum: 0,
        maximum: 1000,
      },
    },
    'advanced.concurrency': {
      schema: {
        description: `REST requests in flight at once (default 1: one at a time, kind to the agent)`,
        type: 'integer',
        minimum: 1,
        maximum: 8,
        default: 1,
      },
    },
    'advanced.requestTimeoutMs': {
      schema: {
        description: `timeout of one REST request in milliseconds (default 30000)`,
        type: 'integer',
        minimum: 1000,
        maximum: 600000,
        default: 30000,
      },
    },
    'advanced.retry': {
      schema: {
        description: `retries on 500, 503 and refused connections (the agent restarting), with exponential back-off and jitter: at most attempts retries (default 5) within maxSeconds (default 120) per request, the first after up to firstDelayMs (default 500, doubling each time, at most 10 s); a write is re-sent only after re-reading the group`,
        type: 'object',
        additionalProperties: false,
        properties: {
          attempts: { type: 'integer', minimum: 0, maximum: 20 },
          maxSeconds: { type: 'number', exclusiveMinimum: 0, maximum: 3600 },
          firstDelayMs: { type: 'integer', minimum: 1, maximum: 60000 },
        },
      },
    },
    'advanced.chunkSize': {
      schema: {
        description: `members per POST or PATCH request (default 500); smaller requests are gentler on the agent, larger ones fewer`,
        type: 'integer',
        minimum: 1,
        maximum: 5000,
        default: 500,
      },
    },
  },
  groupNames: NESTED_CHILD_NAMES,
  fallback: 'asa',
  load: async () => (await import('./index.js')).createAsaRestDriver,
};

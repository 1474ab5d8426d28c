// Built-in defaults, applied under tscm.yaml `defaults`, which apply under each device's own fields.
// src/config/README.md lists them for users; keep the two in step.

import type { Platform } from './types.js';

export const DEFAULT_MANAGEMENT_PORT: Readonly<Record<Platform, number>> = {
  ios: 22,
  asa: 22,
  'asa-rest': 443,
  pix: 22,
};

/** ASA (CLI and REST) installs have always used the `ThreatSTOP` prefix; IOS and PIX the lower-case one. */
export const DEFAULT_GROUP_NAMES: Readonly<Record<Platform, { readonly block: string; readonly allow: string }>> = {
  ios: { block: 'threatstop-block', allow: 'threatstop-allow' },
  asa: { block: 'ThreatSTOP-block', allow: 'ThreatSTOP-allow' },
  'asa-rest': { block: 'ThreatSTOP-block', allow: 'ThreatSTOP-allow' },
  pix: { block: 'threatstop-block', allow: 'threatstop-allow' },
};

export const BUILTIN_DEFAULTS = {
  stateDir: '.tscm',
  policyServerPort: 53,
  maxEntries: 10_000,
  nestedSize: 10_000,
  policyUpdates: true,
  maxRemoveShare: 0.5,
  logUpload: false,
  rotateKb: 100,
  forwardPort: 514,
  forwardProtocol: 'udp',
  compressConfig: 'leave',
  tokenAuth: false,
  allowSelfSigned: false,
  connectTimeoutMs: 15_000,
  commandTimeoutMs: 60_000,
  applyWindow: 5_000,
  saveRetries: 3,
  saveRetryDelayMs: 3_000,
  configLockRetries: 5,
  configLockRetryDelayMs: 2_000,
} as const;

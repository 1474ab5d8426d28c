// Built-in defaults, applied under tscm.yaml `defaults`, which apply under each device's own fields.
// src/config/README.md lists them for users; keep the two in step.

// A platform's own defaults (port, group names, its settings) come from its platform.ts (src/drivers/registry.ts).

export const BUILTIN_DEFAULTS = {
  stateDir: '.tscm',
  policyServerPort: 53,
  maxEntries: 10_000,
  policyUpdates: true,
  maxRemoveShare: 0.5,
  maxShrink: 0.5,
  maxChurn: 0.8,
  maxRejected: '1%',
  staleAfter: '24h',
  logUpload: false,
  rotateKb: 100,
  forwardPort: 514,
  forwardProtocol: 'udp',
  connectTimeoutMs: 15_000,
  commandTimeoutMs: 60_000,
  applyWindow: 5_000,
} as const;

// The status file (<stateDir>/<device>/status.json): a DeviceStatus as JSON, validated against
// schemas/status.schema.json on read. A damaged file is a ConfigError naming it, never "no status". Encoding is
// deterministic (fixed key order), so an unchanged status gives the same bytes and is not written again. Messages
// are redacted once more on the way out: a status may be committed to a shared branch.

import { redactSecrets } from '../config/secrets.js';
import { ConfigError } from '../errors.js';
import { printable } from '../plan/message-text.js';
import { JSON_ERROR_LIMIT } from '../plan/plan-file.js';
import { assertMatchesSchema } from '../plan/schema-validator.js';
import type { DeviceStatus } from './status-model.js';

export function encodeStatus(s: DeviceStatus): Buffer {
  const doc: DeviceStatus = {
    formatVersion: 1,
    device: s.device,
    ready: s.ready,
    reason: s.reason,
    message: redactSecrets(s.message),
    lastAttemptedRevision: s.lastAttemptedRevision,
    lastAppliedRevision: s.lastAppliedRevision,
    lastAttemptAt: s.lastAttemptAt,
    lastAppliedAt: s.lastAppliedAt,
    zones: s.zones.map((z) => ({ zone: z.zone, serial: z.serial })),
    entries: s.entries.map((e) => ({ group: e.group, role: e.role, count: e.count })),
    maxEntries: s.maxEntries,
    drift: s.drift && { checkedAt: s.drift.checkedAt, found: s.drift.found, healed: s.drift.healed },
    lastError: s.lastError && {
      step: s.lastError.step,
      kind: s.lastError.kind,
      message: redactSecrets(s.lastError.message),
      at: s.lastError.at,
      attempts: s.lastError.attempts,
    },
    nextRunAt: s.nextRunAt,
    ...(s.loop === undefined
      ? {}
      : {
          loop: {
            definition: s.loop.definition,
            revision: s.loop.revision,
            zones: s.loop.zones.map((z) => ({ key: z.key, serial: z.serial })),
            lastCheckedAt: s.loop.lastCheckedAt,
            failures: s.loop.failures,
            retryAt: s.loop.retryAt,
            stalledAt: s.loop.stalledAt,
            heldByWindow: s.loop.heldByWindow,
          },
        }),
  };
  return Buffer.from(`${JSON.stringify(doc, null, 2)}\n`, 'utf8');
}

export function parseStatus(bytes: Uint8Array, file: string): DeviceStatus {
  const hint = `the status file is damaged: remove ${file}; the next reconcile writes it again`;
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw new ConfigError(
      `status file ${file} is not valid JSON: ${printable((err as Error).message, JSON_ERROR_LIMIT)}`,
      hint,
    );
  }
  assertMatchesSchema('status', doc, `status file ${file}`, hint);
  return doc as DeviceStatus;
}

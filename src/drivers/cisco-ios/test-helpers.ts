// Test-only helpers for the IOS driver tests: a DeviceSpec for a loopback emulator and a recording logger.
// Not imported by production code.

import { feedsFrom, NO_PROTECT } from '../../config/policy-feeds.js';
import type { AdvancedSettings, DeviceSpec, HostKeyCheck } from '../../config/types.js';
import type { DriverContext, Logger } from '../driver.js';

export interface LogRecord {
  readonly level: string;
  readonly msg: string;
  readonly fields: Record<string, unknown> | undefined;
}

export function createRecordingLogger(): Logger & { records: LogRecord[] } {
  const records: LogRecord[] = [];
  const at =
    (level: string) =>
    (msg: string, fields?: Record<string, unknown>): void => {
      records.push({ level, msg, fields });
    };
  return { records, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export function makeIosSpec(
  host: string,
  port: number,
  hostKey: HostKeyCheck,
  advanced: Record<string, unknown> = {},
): DeviceSpec {
  const common = new Set(['connectTimeoutMs', 'commandTimeoutMs', 'applyWindow']);
  const own = Object.entries(advanced).filter(([k]) => !common.has(k));
  const shared = Object.fromEntries(
    Object.entries(advanced).filter(([k]) => common.has(k)),
  ) as Partial<AdvancedSettings>;
  return {
    name: 'lab-rtr',
    platform: 'ios',
    deviceId: 'lab-rtr',
    management: { host, port },
    peers: [],
    credentials: { username: { env: 'LAB_USER' }, password: { env: 'LAB_PASS' }, enablePassword: { env: 'LAB_EN' } },
    hostKey,
    policy: { blockList: feedsFrom({ kind: 'file', path: '/dev/null' }), allowList: [] },
    protect: NO_PROTECT,
    objectGroups: { block: 'TSCM-BLOCK', allow: 'TSCM-ALLOW', maxEntries: 1_000_000 },
    policyUpdates: true,
    safety: { maxRemoveShare: 1 },
    logs: { upload: false, rotateKb: 1024, sources: [] },
    advanced: { connectTimeoutMs: 5000, commandTimeoutMs: 5000, applyWindow: 5000, ...shared },
    options: {
      // Short waits: the fault tests exercise the retries, not the production delays.
      'advanced.saveRetryDelayMs': 20,
      'advanced.configLockRetryDelayMs': 20,
      ...Object.fromEntries(own.map(([k, v]) => [`advanced.${k}`, v])),
    },
    source: { file: 'devices/lab-rtr.yaml', line: 1 },
  };
}

export function makeContext(
  spec: DeviceSpec,
  secrets: { username: string; password: string; enablePassword?: string },
  log: Logger,
): DriverContext {
  return {
    spec,
    endpoint: spec.management,
    secret: async (field) => secrets[field],
    log,
  };
}

// The ASA REST driver's own settings, normalised, with their defaults (README "Settings"). Read from the device's
// validated fields (platform.ts composes their schema); a bad value (a caller bypassing the schema) names its field.

import { parseIpv4Address } from '../../cidr/index.js';
import { ConfigError } from '../../errors.js';
import type { PlatformOptions } from '../platform.js';
import { DEFAULT_SHIM_ADDRESS } from '../shared/shim-setting.js';

export interface AsaRestOptions {
  /** Members per child group under the master (objectGroups.nestedSize). */
  readonly nestedSize: number;
  /** The address that keeps a group in use non-empty (objectGroups.shimAddress). */
  readonly shimAddress: string;
  readonly tokenAuth: boolean;
  readonly allowSelfSigned: boolean;
  /** AA:BB:.. upper case, or absent. */
  readonly certificateFingerprint?: string;
  /** The API base URL without a trailing slash, or absent (https://HOST[:PORT]/api). */
  readonly apiUrl?: string;
  readonly fallback: 'none' | 'ssh';
  readonly sshPort: number;
  readonly requestsPerSecond?: number;
  readonly concurrency: number;
  readonly requestTimeoutMs: number;
  readonly retry: { readonly attempts: number; readonly maxSeconds: number; readonly firstDelayMs: number };
  /** Members per POST/PATCH. */
  readonly chunkSize: number;
}

function bad(field: string, what: string, hint: string): ConfigError {
  return new ConfigError(`${field} must be ${what}`, hint);
}

function int(o: PlatformOptions, field: string, dflt: number, min: number, max: number): number {
  const v = o[field] ?? dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw bad(field, `an integer from ${min} to ${max}`, `for example ${dflt} (the default)`);
  }
  return v;
}

function bool(o: PlatformOptions, field: string, dflt: boolean): boolean {
  const v = o[field] ?? dflt;
  if (typeof v !== 'boolean') throw bad(field, 'true or false', `${dflt} is the default`);
  return v;
}

function retryOf(v: unknown): AsaRestOptions['retry'] {
  const d = ASA_REST_DEFAULTS.retry;
  if (v === undefined) return d;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw bad(
      'advanced.retry',
      'a mapping { attempts, maxSeconds, firstDelayMs }',
      'e.g. { attempts: 5, maxSeconds: 120 }',
    );
  }
  const r = v as { attempts?: unknown; maxSeconds?: unknown; firstDelayMs?: unknown };
  const attempts = r.attempts ?? d.attempts;
  const maxSeconds = r.maxSeconds ?? d.maxSeconds;
  const firstDelayMs = r.firstDelayMs ?? d.firstDelayMs;
  const L = ASA_REST_LIMITS;
  if (typeof attempts !== 'number' || !Number.isInteger(attempts) || attempts < 0 || attempts > L.retryAttempts) {
    throw bad(
      'advanced.retry.attempts',
      `a whole number of retries from 0 to ${L.retryAttempts}`,
      `${d.attempts} is the default`,
    );
  }
  if (typeof maxSeconds !== 'number' || !(maxSeconds > 0) || maxSeconds > L.retryMaxSeconds) {
    throw bad(
      'advanced.retry.maxSeconds',
      `a number of seconds above 0, at most ${L.retryMaxSeconds}`,
      `${d.maxSeconds} is the default`,
    );
  }
  if (
    typeof firstDelayMs !== 'number' ||
    !Number.isInteger(firstDelayMs) ||
    firstDelayMs < 1 ||
    firstDelayMs > 60_000
  ) {
    throw bad('advanced.retry.firstDelayMs', 'whole milliseconds from 1 to 60000', `${d.firstDelayMs} is the default`);
  }
  return { attempts, maxSeconds, firstDelayMs };
}

/** The defaults (platform.ts's schema descriptions quote them; a test keeps them equal). */
export const ASA_REST_DEFAULTS = {
  nestedSize: 10_000,
  shimAddress: DEFAULT_SHIM_ADDRESS,
  tokenAuth: true,
  allowSelfSigned: false,
  fallback: 'none',
  sshPort: 22,
  concurrency: 1,
  requestTimeoutMs: 30_000,
  retry: { attempts: 5, maxSeconds: 120, firstDelayMs: 500 },
  chunkSize: 500,
} as const;

export const ASA_REST_LIMITS = {
  requestsPerSecond: 1000,
  concurrency: 8,
  requestTimeoutMs: 600_000,
  retryAttempts: 20,
  retryMaxSeconds: 3600,
  // A chunk's body stays far below the agent's 1 MiB body limit [I] (about 60 bytes per member).
  chunkSize: 5000,
} as const;

/** `sha256:ab:cd...` or 64 hex digits -> `AB:CD:..` (the client's form). */
export function normaliseFingerprint(v: unknown): string {
  const hex = String(v)
    .replace(/^sha256:/i, '')
    .replace(/:/g, '')
    .toUpperCase();
  return hex.match(/../g)?.join(':') ?? hex;
}

/** Options from a device's platform options (by setting path); a bad value names its field and the fix. */
export function readAsaRestOptions(o: PlatformOptions): AsaRestOptions {
  const D = ASA_REST_DEFAULTS;
  const L = ASA_REST_LIMITS;
  const shimAddress = o['objectGroups.shimAddress'] ?? D.shimAddress;
  if (typeof shimAddress !== 'string' || parseIpv4Address(shimAddress) < 0) {
    throw bad('objectGroups.shimAddress', 'an IPv4 address', 'an unused RFC 1918 host, e.g. 10.255.255.254');
  }
  const fallback = o['advanced.fallback'] ?? D.fallback;
  if (fallback !== 'none' && fallback !== 'ssh') {
    throw bad('advanced.fallback', '"none" or "ssh"', 'none (the default) stops; ssh reconciles over SSH instead');
  }
  const rps = o['advanced.requestsPerSecond'];
  if (rps !== undefined && (typeof rps !== 'number' || !(rps > 0) || rps > L.requestsPerSecond)) {
    throw bad(
      'advanced.requestsPerSecond',
      `a number above 0, at most ${L.requestsPerSecond}`,
      'e.g. 5; omit it for no pacing',
    );
  }
  const fp = o['advanced.certificateFingerprint'];
  if (fp !== undefined && (typeof fp !== 'string' || !/^([0-9A-Fa-f]{2}:?){32}$/.test(fp.replace(/^sha256:/i, '')))) {
    throw bad(
      'advanced.certificateFingerprint',
      'a SHA-256 fingerprint (64 hex digits)',
      'copy it from `tscm lab` or openssl x509 -fingerprint -sha256',
    );
  }
  const apiUrl = o['advanced.apiUrl'];
  if (apiUrl !== undefined && (typeof apiUrl !== 'string' || !/^https:\/\/[^\s]+$/.test(apiUrl))) {
    throw bad('advanced.apiUrl', 'an https:// URL', 'e.g. https://192.0.2.30/api');
  }
  return {
    nestedSize: int(o, 'objectGroups.nestedSize', D.nestedSize, 1, 100_000),
    shimAddress,
    tokenAuth: bool(o, 'advanced.tokenAuth', D.tokenAuth),
    allowSelfSigned: bool(o, 'advanced.allowSelfSigned', D.allowSelfSigned),
    ...(fp === undefined ? {} : { certificateFingerprint: normaliseFingerprint(fp) }),
    ...(apiUrl === undefined ? {} : { apiUrl: apiUrl.replace(/\/+$/, '') }),
    fallback,
    sshPort: int(o, 'advanced.sshPort', D.sshPort, 1, 65535),
    ...(rps === undefined ? {} : { requestsPerSecond: rps }),
    concurrency: int(o, 'advanced.concurrency', D.concurrency, 1, L.concurrency),
    requestTimeoutMs: int(o, 'advanced.requestTimeoutMs', D.requestTimeoutMs, 1000, L.requestTimeoutMs),
    retry: retryOf(o['advanced.retry']),
    chunkSize: int(o, 'advanced.chunkSize', D.chunkSize, 1, L.chunkSize),
  };
}

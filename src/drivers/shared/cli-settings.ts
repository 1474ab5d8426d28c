// The YAML settings every Cisco CLI platform (IOS, ASA, PIX, and asa-rest for its SSH fallback) has: the enable
// secret, the host key check, the password prompt, SSH algorithm opt-ins, and the save and configuration-lock retries. Each CLI platform.ts spreads
// these into its own settings; the shared helpers read them back with readCliOptions.

import type { PlatformOptions, PlatformSetting } from '../platform.js';

const ALGORITHMS = { $ref: '#/$defs/algorithmList' };

function count(description: string, maximum: number): Readonly<Record<string, unknown>> {
  return { description, type: 'integer', minimum: 0, maximum };
}

function checkRegex(value: unknown): { message: string; hint: string } | undefined {
  try {
    new RegExp(String(value));
    return undefined;
  } catch {
    return { message: 'expected a valid regular expression', hint: 'e.g. "[Pp]assword:\\s*$"' };
  }
}

export const CLI_SETTINGS: Readonly<Record<string, PlatformSetting>> = {
  'credentials.enablePassword': {},
  hostKey: {},
  'advanced.passwordPrompt': {
    schema: {
      description: 'a regular expression matching a custom password prompt',
      type: 'string',
      minLength: 1,
      maxLength: 200,
      pattern: '^[^\\u0000-\\u001f\\u007f]*$',
    },
    check: checkRegex,
  },
  'advanced.ciphers': { schema: ALGORITHMS },
  'advanced.kex': { schema: ALGORITHMS },
  'advanced.hostKeyAlgorithms': { schema: ALGORITHMS },
  'advanced.saveRetries': {
    schema: count(
      'SSH platforms: retries of write memory while the device answers that NVRAM is busy (default 3)',
      100,
    ),
  },
  'advanced.saveRetryDelayMs': {
    schema: count('SSH platforms: wait in milliseconds before each write memory retry (default 3000)', 600000),
  },
  'advanced.configLockRetries': {
    schema: count(
      'SSH platforms: retries of configure terminal while another session holds configuration mode (default 5)',
      100,
    ),
  },
  'advanced.configLockRetryDelayMs': {
    schema: count(
      'SSH platforms: base wait in milliseconds before retry N of configure terminal, times N (default 2000)',
      600000,
    ),
  },
};

export interface CliOptions {
  readonly passwordPrompt?: string;
  readonly ciphers?: readonly string[];
  readonly kex?: readonly string[];
  readonly hostKeyAlgorithms?: readonly string[];
  readonly saveRetries: number;
  readonly saveRetryDelayMs: number;
  readonly configLockRetries: number;
  readonly configLockRetryDelayMs: number;
}

function list(v: unknown): readonly string[] | undefined {
  return Array.isArray(v) ? v.map(String) : undefined;
}

function num(v: unknown, fallback: number): number {
  return typeof v === 'number' ? v : fallback;
}

/** The CLI options of a device (validated by the schema already), with the built-in defaults. */
export function readCliOptions(o: PlatformOptions): CliOptions {
  const prompt = o['advanced.passwordPrompt'];
  const ciphers = list(o['advanced.ciphers']);
  const kex = list(o['advanced.kex']);
  const hostKeyAlgorithms = list(o['advanced.hostKeyAlgorithms']);
  return {
    ...(typeof prompt === 'string' ? { passwordPrompt: prompt } : {}),
    ...(ciphers === undefined ? {} : { ciphers }),
    ...(kex === undefined ? {} : { kex }),
    ...(hostKeyAlgorithms === undefined ? {} : { hostKeyAlgorithms }),
    saveRetries: num(o['advanced.saveRetries'], 3),
    saveRetryDelayMs: num(o['advanced.saveRetryDelayMs'], 3000),
    configLockRetries: num(o['advanced.configLockRetries'], 5),
    configLockRetryDelayMs: num(o['advanced.configLockRetryDelayMs'], 2000),
  };
}

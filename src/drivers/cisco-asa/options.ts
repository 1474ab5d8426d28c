// The ASA's own settings, normalised, with their defaults (README "Mapping"). Read from the device's validated
// fields; the platform module composes the schema.

import { parseIpv4Address } from '../../cidr/index.js';
import { ConfigError } from '../../errors.js';
import type { PlatformOptions } from '../platform.js';
import { DEFAULT_SHIM_ADDRESS } from '../shared/shim-setting.js';

export interface AsaOptions {
  /** Members per child group under the master (objectGroups.nestedSize). */
  readonly nestedSize: number;
  /** The address that keeps a group in use non-empty (objectGroups.shimAddress): RFC 1918, never a real target. */
  readonly shimAddress: string;
  /**
   * When `configure terminal` finds configuration held by another session: `wait` (answer no, back off, retry,
   * report who holds it) or `kill` (answer yes: the other session loses its configuration mode).
   */
  readonly configSession: 'wait' | 'kill';
}

export const ASA_DEFAULTS: AsaOptions = {
  nestedSize: 10_000,
  shimAddress: DEFAULT_SHIM_ADDRESS,
  configSession: 'wait',
};

/** Options from a device's platform options (by setting path); a bad value names its field and the fix. */
export function readAsaOptions(o: PlatformOptions): AsaOptions {
  const nestedSize = o['objectGroups.nestedSize'] ?? ASA_DEFAULTS.nestedSize;
  const shimAddress = o['objectGroups.shimAddress'] ?? ASA_DEFAULTS.shimAddress;
  const configSession = o['advanced.configSession'] ?? ASA_DEFAULTS.configSession;
  if (typeof nestedSize !== 'number' || !Number.isInteger(nestedSize) || nestedSize < 1) {
    throw new ConfigError('objectGroups.nestedSize must be a positive integer', 'for example 10000');
  }
  if (typeof shimAddress !== 'string' || parseIpv4Address(shimAddress) < 0) {
    throw new ConfigError(
      'objectGroups.shimAddress must be an IPv4 address',
      'an unused RFC 1918 host, e.g. 10.255.255.254',
    );
  }
  if (configSession !== 'wait' && configSession !== 'kill') {
    throw new ConfigError('advanced.configSession must be "wait" or "kill"', 'wait is the default and the safe choice');
  }
  return { nestedSize, shimAddress, configSession };
}

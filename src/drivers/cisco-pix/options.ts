// The PIX platform's own options as the driver reads them from DeviceSpec.options (platform.ts declares them):
// apart from platform.ts, which loads the driver, so neither imports the other.

import type { PlatformOptions } from '../platform.js';
import { DEFAULT_SHIM_ADDRESS } from '../shared/shim-setting.js';

export interface PixOptions {
  readonly transport: 'ssh' | 'telnet';
  /** Dotted IPv4 address that keeps a group non-empty (README.md "The shim"). */
  readonly shimAddress: string;
}

/** The PIX options of a device (validated by the schema already), with the defaults. */
export function readPixOptions(o: PlatformOptions): PixOptions {
  const shim = o['objectGroups.shimAddress'];
  return {
    transport: o['advanced.transport'] === 'telnet' ? 'telnet' : 'ssh',
    shimAddress: typeof shim === 'string' ? shim : DEFAULT_SHIM_ADDRESS,
  };
}

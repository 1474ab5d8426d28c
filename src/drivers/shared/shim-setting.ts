// The shim address setting of the platforms whose groups in use cannot be emptied (ASA, PIX/FWSM): one schema, so
// the composed device schema holds one definition of objectGroups.shimAddress.

import type { PlatformSetting } from '../platform.js';

/** The drivers' default too (each driver's options.ts; tests keep them equal). */
export const DEFAULT_SHIM_ADDRESS = '10.255.255.254';

export const SHIM_ADDRESS_SETTING: PlatformSetting = {
  schema: {
    description: `the IPv4 address that keeps a group an ACL uses non-empty when the policy empties it (default ${DEFAULT_SHIM_ADDRESS}, RFC 1918); never a real target, never a policy member`,
    type: 'string',
    format: 'ipv4',
    default: DEFAULT_SHIM_ADDRESS,
  },
};

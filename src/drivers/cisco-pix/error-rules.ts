// How PIX 6.x, PIX 7.x/8.0 and FWSM 3.x word a refusal (cisco-protocol.md §7: Net::Appliance::Phrasebook's
// `/(?:Type help|(?:Error|ERROR|Usage|usage):|not allowed)/`; §2 device messages; §6 rows 3, 13, 14, 15). The
// matching itself is shared (drivers/shared/cli-text.ts findDeviceError); the words are this platform's.

import type { DeviceErrorRule } from '../shared/cli-text.js';

/** FWSM over its ACE limit (§6 row 15): reported with what to do, not only the device's words. */
export const ACE_LIMIT = /access-list config limit reached|Unable to add|Insufficient memory|not enough memory/i;

export const PIX_ERROR_RULES: readonly DeviceErrorRule[] = [
  // Facts to verify by reading back, never silent success and never an error by themselves (§2, §6 row 14).
  { re: /object already exists/i, kind: 'notice' },
  { re: /does not exist in this group/i, kind: 'notice' },
  { re: ACE_LIMIT, kind: 'fatal' },
  { re: /Command authorization failed/i, kind: 'fatal' },
  { re: /Configuration mode (?:is )?locked|locked exclusively/i, kind: 'lock' },
  { re: /Type help/, kind: 'fatal' },
  { re: /(?:Error|ERROR|Usage|usage):/, kind: 'fatal' },
  { re: /not allowed/i, kind: 'fatal' },
  { re: /% ?Invalid input detected/i, kind: 'fatal' },
];

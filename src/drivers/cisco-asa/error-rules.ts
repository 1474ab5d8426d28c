// How the ASA words a refusal, a fact to verify and a saved configuration (spec §2 "Device messages", §6 rows 3,
// 13, 14, 15, 19, §7 "Replies"). The matching is shared (shared/cli-text.ts); the words are this platform's.
// Configuration commands print nothing on success; `WARNING:` and `INFO:` lines are information (no rule).

import type { DeviceErrorRule } from '../shared/cli-text.js';
import type { SaveVerdict } from '../shared/save-config.js';

export const ASA_ERROR_RULES: readonly DeviceErrorRule[] = [
  // Facts, not errors: the device's groups decide, read back after the apply (never silent success).
  { re: /failed; object already exists/i, kind: 'notice' },
  { re: /does not exist in this group/i, kind: 'notice' },
  { re: /ACE not added\. Possible duplicate entry/i, kind: 'notice' },
  // Another session is committing: retry (Cisco's NSO ASA NED retries on these).
  { re: /Command Failed\. Configuration in progress/i, kind: 'lock' },
  { re: /wait for it to complete/i, kind: 'lock' },
  // The standby unit takes configuration without replicating it: never configure it (§6 row 19).
  { re: /Configuration Replication is NOT performed/i, kind: 'fatal' },
  { re: /^ERROR:/, kind: 'fatal' },
  { re: /^Command authorization failed/i, kind: 'fatal' },
  { re: /^Removing .* not allowed, it is being used/i, kind: 'fatal' },
  { re: /^%\s*(?:Error|Invalid|Incomplete|Ambiguous)/i, kind: 'fatal' },
  {
    re: /not enough memory|Insufficient memory|table is full|Unable to add|limit (?:reached|exceeded)/i,
    kind: 'fatal',
  },
];

/**
 * `write memory`: `Building configuration...`, `Cryptochecksum: ...`, `N bytes copied in S secs`, then `[OK]`
 * (§2, §7); anything else (`[FAILED]`, `%Error copying ...`) is a failure. A configuration being committed by
 * another session is busy.
 */
export function judgeWriteMemory(output: string): SaveVerdict {
  if (/^\s*\[OK\]\s*$/m.test(output)) return 'ok';
  if (/Configuration in progress|wait for it to complete/i.test(output)) return 'busy';
  return 'failed';
}

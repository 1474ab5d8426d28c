// `write memory` on PIX/FWSM (§2): `Building configuration...`, on 7.x/FWSM a `Cryptochecksum:` line and the
// byte count, then `[OK]`; anything without `[OK]` failed. The retry loop is shared (shared/save-config.ts).

import type { Logger } from '../driver.js';
import { saveWithRetry } from '../shared/save-config.js';
import type { SaveVerdict } from '../shared/save-config.js';
import type { CliSession } from '../shared/ssh-session.js';

/** Classify the output of one `write memory` (pure). */
export function judgePixWriteMemory(output: string): SaveVerdict {
  if (/\[OK\]/.test(output)) return 'ok';
  // Another session writing flash [I]: retried; the device's own wording is unconfirmed.
  if (/busy|in use|in progress/i.test(output)) return 'busy';
  return 'failed';
}

export function writePixMemory(
  session: CliSession,
  o: { deviceLabel: string; busyRetries: number; busyDelayMs: number; timeoutMs: number; log: Logger },
): Promise<void> {
  return saveWithRetry(session, {
    ...o,
    command: 'write memory',
    judge: judgePixWriteMemory,
    answers: [{ re: /\[confirm\]\s*$/, reply: () => '' }],
  });
}

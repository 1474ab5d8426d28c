// `write memory` on IOS (spec §1, §6 row 18): `[OK]` anywhere is success (also `...bytes[OK]` with
// compress-config), `[confirm]` is answered with Enter, a busy NVRAM is retried (shared/save-config.ts), anything
// else fails with the device's words.

import type { Logger } from '../driver.js';
import { saveWithRetry } from '../shared/save-config.js';
import type { SaveVerdict } from '../shared/save-config.js';
import type { CliSession } from '../shared/ssh-session.js';

export interface WriteMemoryOptions {
  readonly deviceLabel: string;
  /** Retries after a busy NVRAM (`Device or resource busy`, `Non-Volatile memory is in use`). */
  readonly busyRetries: number;
  readonly busyDelayMs: number;
  /** Silence allowed while NVRAM is written. */
  readonly timeoutMs: number;
  readonly log: Logger;
}

/** Classify the output of one `write memory` (pure). */
export function judgeWriteMemory(output: string): SaveVerdict {
  if (/\[OK\]/.test(output)) return 'ok';
  if (/Device or resource busy|Non-Volatile memory is in use/i.test(output)) return 'busy';
  return 'failed';
}

const CONFIRM = /\[confirm\]\s*$/;

export function writeMemory(session: CliSession, o: WriteMemoryOptions): Promise<void> {
  return saveWithRetry(session, {
    ...o,
    command: 'write memory',
    judge: judgeWriteMemory,
    answers: [{ re: CONFIRM, reply: () => '' }],
  });
}

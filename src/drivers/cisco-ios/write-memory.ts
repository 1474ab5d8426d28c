// `write memory` on IOS (spec §1, §6 row 18): `[OK]` anywhere is success (also `...bytes[OK]` with
// compress-config), `[confirm]` is answered with Enter, a busy NVRAM is retried, anything else fails with the
// device's words.

import { ConfigError, TransientError } from '../../errors.js';
import type { Logger } from '../driver.js';
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

export type WriteMemoryVerdict = 'ok' | 'busy' | 'failed';

/** Classify the output of one `write memory` (pure). */
export function judgeWriteMemory(output: string): WriteMemoryVerdict {
  if (/\[OK\]/.test(output)) return 'ok';
  if (/Device or resource busy|Non-Volatile memory is in use/i.test(output)) return 'busy';
  return 'failed';
}

const CONFIRM = /\[confirm\]\s*$/;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function writeMemory(session: CliSession, o: WriteMemoryOptions): Promise<void> {
  let last = '';
  for (let attempt = 0; attempt <= o.busyRetries; attempt++) {
    if (attempt > 0) await sleep(o.busyDelayMs);
    const seg = await session.send('write memory', {
      answers: [{ re: CONFIRM, reply: () => '' }],
      timeoutMs: o.timeoutMs,
    });
    const output = seg.lines.join('\n').trim();
    const verdict = judgeWriteMemory(output);
    if (verdict === 'ok') {
      o.log.info('ios write memory ok', { device: o.deviceLabel, attempts: attempt + 1 });
      return;
    }
    last = output;
    if (verdict === 'failed') {
      throw new ConfigError(
        `device ${o.deviceLabel}: write memory failed: ${oneLine(output)}`,
        'the running configuration holds the change but it is not saved; fix the device condition and run apply again',
      );
    }
    o.log.warn('ios write memory busy', { device: o.deviceLabel, attempt: attempt + 1 });
  }
  throw new TransientError(
    `device ${o.deviceLabel}: write memory failed, NVRAM still busy after ${o.busyRetries + 1} attempts: ${oneLine(last)}`,
    'retry later; the running configuration holds the change',
  );
}

function oneLine(s: string): string {
  const t = s.replace(/\s*\n\s*/g, ' / ').trim();
  return t === '' ? '(no output)' : t.length > 400 ? t.slice(0, 400) + '...' : t;
}

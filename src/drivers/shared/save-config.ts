// Saving the running configuration (`write memory`), shared by the CLI drivers with each platform's words: the
// command, its questions, and how to read the reply (IOS `[OK]` or a busy NVRAM; ASA the Cryptochecksum lines then
// `[OK]`; PIX `[OK]`). A busy store is retried after a delay; any other failure stops with the device's words.

import { ConfigError, TransientError } from '../../errors.js';
import type { Logger } from '../driver.js';
import type { CliAnswer, CliSession } from './ssh-session.js';

export type SaveVerdict = 'ok' | 'busy' | 'failed';

export interface SaveConfigOptions {
  readonly deviceLabel: string;
  /** `write memory` on every Cisco CLI tscm drives. */
  readonly command: string;
  /** Classifies one run's output (pure, per platform). */
  readonly judge: (output: string) => SaveVerdict;
  /** Questions the command may ask (`[confirm]`), answered each time they show. */
  readonly answers?: readonly CliAnswer[];
  /** Retries after a `busy` verdict, and the wait before each. */
  readonly busyRetries: number;
  readonly busyDelayMs: number;
  /** Silence allowed while the configuration is written. */
  readonly timeoutMs: number;
  readonly log: Logger;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function saveWithRetry(session: CliSession, o: SaveConfigOptions): Promise<void> {
  let last = '';
  for (let attempt = 0; attempt <= o.busyRetries; attempt++) {
    if (attempt > 0) await sleep(o.busyDelayMs);
    const seg = await session.send(o.command, {
      ...(o.answers === undefined ? {} : { answers: o.answers }),
      timeoutMs: o.timeoutMs,
    });
    const output = seg.lines.join('\n').trim();
    const verdict = o.judge(output);
    if (verdict === 'ok') {
      o.log.info('configuration saved', { device: o.deviceLabel, attempts: attempt + 1 });
      return;
    }
    last = output;
    if (verdict === 'failed') {
      throw new ConfigError(
        `device ${o.deviceLabel}: ${o.command} failed: ${oneLine(output)}`,
        'the running configuration holds the change but it is not saved; fix the device condition and run apply again',
      );
    }
    o.log.warn('configuration store busy', { device: o.deviceLabel, attempt: attempt + 1 });
  }
  throw new TransientError(
    `device ${o.deviceLabel}: ${o.command} failed, the configuration store still busy after ${o.busyRetries + 1} attempts: ${oneLine(last)}`,
    'retry later; the running configuration holds the change',
  );
}

function oneLine(s: string): string {
  const t = s.replace(/\s*\n\s*/g, ' / ').trim();
  return t === '' ? '(no output)' : t.length > 400 ? t.slice(0, 400) + '...' : t;
}

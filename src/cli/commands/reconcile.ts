// tscm reconcile --once: one reconcile pass over the fleet (reconcile/reconcile-pass.ts), then a line per device
// with its status. The loop (schedule, watch, remote git, status server) builds on the same pass. Exit codes: 0 the
// pass ran and no device failed, 1 a device failed, 130/143 interrupted (devices mid-apply stopped truthfully).

import { ConfigError } from '../../errors.js';
import { createPassMemory, reconcilePass } from '../../reconcile/reconcile-pass.js';
import { handleInterrupts } from '../interrupt.js';
import { createLogger, type LogLevel } from '../logger.js';
import { printable } from '../../plan/message-text.js';

export interface ReconcileOptions {
  dir: string;
  once?: boolean;
  concurrency: string;
  shard?: string;
  prune?: boolean;
  logLevel: LogLevel;
  logFormat: 'text' | 'json';
}

const DRIFT_INTERVAL_MS = 6 * 3_600_000;

export async function reconcileCommand(opts: ReconcileOptions): Promise<number> {
  if (!opts.once) {
    throw new ConfigError('only one pass is available here: the loop is not built yet', 'pass --once');
  }
  const concurrency = parseConcurrency(opts.concurrency);
  const shard = opts.shard === undefined ? undefined : parseShard(opts.shard);
  const log = createLogger({ level: opts.logLevel, format: opts.logFormat });
  const interrupts = handleInterrupts();
  try {
    const result = await reconcilePass(createPassMemory(), {
      trigger: 'once',
      dir: opts.dir,
      log,
      concurrency,
      ...(shard === undefined ? {} : { shard }),
      prune: opts.prune ?? false,
      driftIntervalMs: DRIFT_INTERVAL_MS,
      signal: interrupts.signal,
    });
    for (const s of result.statuses) {
      process.stdout.write(`${s.device}  ${s.reason}  ${printable(s.message, 500)}\n`);
    }
    const { summary } = result;
    process.stdout.write(
      `Pass done in ${summary.durationMs} ms: ${summary.devices} device(s), ${summary.sessionsOpened} session(s) opened, ${summary.zoneTransfers} zone transfer(s), ${summary.failed} failed.\n`,
    );
    if (summary.interrupted) {
      process.stderr.write(
        `Interrupted by ${interrupts.received ?? 'a signal'}: what reached the devices is recorded in tscm's state; the next pass finishes the job.\n`,
      );
      return interrupts.exitCode;
    }
    return summary.failed > 0 ? 1 : 0;
  } finally {
    interrupts.dispose();
  }
}

function parseConcurrency(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) {
    throw new ConfigError(`--concurrency takes a whole number from 1 to 1000, not "${value}"`, 'e.g. --concurrency 8');
  }
  return n;
}

function parseShard(value: string): { index: number; count: number } {
  const m = /^(\d{1,4})\/(\d{1,4})$/.exec(value);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (m === null || count < 1 || index >= count) {
    throw new ConfigError(
      `--shard takes I/N with 0 <= I < N, not "${value}"`,
      'e.g. --shard 0/3 for the first of three replicas',
    );
  }
  return { index, count };
}

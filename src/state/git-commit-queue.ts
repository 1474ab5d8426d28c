// Serialises every git operation of one working copy and batches changes: each change is a function that edits
// the tree (checking what it needs first, and throwing before it writes anything); the queue applies the waiting
// changes, commits them as one commit and pushes. When the push finds that the branch moved (another runner
// pushed first), it fetches, resets the tree to the remote and re-applies only its own changes, with jittered
// exponential back-off, a bounded number of times: the other runner's commits are never overwritten, ours are
// re-checked against them (a lock taken meanwhile then refuses the change).

import { TransientError } from '../errors.js';
import type { StateLog } from './backend.js';
import type { GitWorkingCopy } from './git-working-copy.js';
import { withWorkingCopyLock } from './working-copy-lock.js';

export interface Change<T> {
  /** One line of the commit message: device, what, serial, command, revision (asked after apply). */
  readonly line: () => string;
  /** Edits the tree; runs again after a reset when the push found the branch moved. */
  readonly apply: () => Promise<T>;
}

export interface RetryPolicy {
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 10, baseDelayMs: 100, maxDelayMs: 5_000 };

interface Pending {
  readonly change: Change<unknown>;
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

export class GitCommitQueue {
  private waiting: Pending[] = [];
  private chain: Promise<void> = Promise.resolve();
  private scheduled = false;
  /** The branch exists on the remote (false until the first push creates it). */
  remoteExists = false;

  constructor(
    private readonly wc: GitWorkingCopy,
    private readonly retry: RetryPolicy,
    private readonly log: StateLog,
  ) {}

  /**
   * Runs `fn` alone (no change is applied, committed or pushed meanwhile, by this process or another one on the
   * same working copy): reads, fetches.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(() => withWorkingCopyLock(this.wc.dir, fn));
    this.chain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Fetches the branch and resets the tree to it. */
  sync(): Promise<void> {
    return this.exclusive(() => this.refresh());
  }

  /** Applies, commits and pushes the change (batched with others waiting); resolves once it is pushed. */
  submit<T>(change: Change<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ change, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        void this.exclusive(() => this.drain());
      }
    });
  }

  private async refresh(): Promise<void> {
    this.remoteExists = await this.wc.fetch();
    await this.wc.resetToRemote(this.remoteExists);
  }

  private async drain(): Promise<void> {
    this.scheduled = false;
    const batch = this.waiting;
    this.waiting = [];
    if (batch.length === 0) return;
    try {
      await this.commitBatch(batch);
    } catch (err) {
      // The tree may hold the batch's unpushed commit: back to the last fetched tip, so reads never see it.
      await this.wc.resetToRemote(this.remoteExists).catch(() => undefined);
      for (const p of batch) p.reject(err);
    }
  }

  private async commitBatch(batch: readonly Pending[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const results: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
      for (const p of batch) {
        try {
          results.push({ ok: true, value: await p.change.apply() });
        } catch (error) {
          results.push({ ok: false, error });
        }
      }
      const done = batch.filter((_, i) => results[i]?.ok === true);
      const settle = (): void =>
        batch.forEach((p, i) => {
          const r = results[i]!;
          if (r.ok) p.resolve(r.value);
          else p.reject(r.error);
        });
      if (!(await this.wc.commitAll(commitMessage(done.map((p) => p.change.line()))))) return settle();
      if ((await this.wc.push()) === 'pushed') {
        this.remoteExists = true;
        return settle();
      }
      if (attempt >= this.retry.attempts) {
        throw new TransientError(
          `state backend: ${this.wc.where} kept moving: gave up after ${attempt} attempts to push`,
          'many runners write at once; the change is retried on the next run',
        );
      }
      this.log.debug('the state branch moved meanwhile: fetching and re-applying this change', {
        branch: this.wc.where,
        attempt,
      });
      await sleep(backoff(attempt, this.retry));
      await this.refresh();
    }
  }
}

/** One change: its line. Several: a subject naming the devices (each line starts with one), then every line. */
function commitMessage(lines: readonly string[]): string {
  if (lines.length === 1) return `${lines[0]!}\n`;
  const devices = [...new Set(lines.map((l) => l.slice(0, l.indexOf(':'))))];
  const named =
    devices.length > 5 ? `${devices.slice(0, 5).join(', ')} and ${devices.length - 5} more` : devices.join(', ');
  return `tscm: ${lines.length} changes (${named})\n\n${lines.map((l) => `- ${l}`).join('\n')}\n`;
}

/** Exponential back-off with full jitter between half and all of the step. */
function backoff(attempt: number, p: RetryPolicy): number {
  const step = Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** (attempt - 1));
  return step / 2 + Math.random() * (step / 2);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

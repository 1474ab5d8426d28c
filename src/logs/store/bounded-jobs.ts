// Background jobs with a bound on how many run at once (the store's compressions: each streams through zlib on
// libuv's thread pool, so more than the pool's size only queues there). close() waits for every job it started.

export class BoundedJobs {
  private readonly jobs = new Set<Promise<unknown>>();
  private readonly waiting: (() => void)[] = [];
  private running = 0;

  constructor(private readonly limit: number) {}

  /** Starts `task` when a slot is free; the promise settles as the task does. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const job = this.slot(task);
    this.jobs.add(job);
    void job.finally(() => this.jobs.delete(job)).catch(() => undefined);
    return job;
  }

  /** Waits for every job started so far (their failures are the callers' to handle). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.jobs]);
  }

  private async slot<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}

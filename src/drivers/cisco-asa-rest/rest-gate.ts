// Pacing of the REST client: a device's agent is protected by a bound on requests in flight and a minimum spacing
// between request starts. A few lines of our own instead of p-queue: one gate, no queue features we would not use.

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** At most `concurrency` holders, and starts at least `intervalMs` apart; a freed slot passes to the next waiter. */
export class Gate {
  #held = 0;
  #next = 0;
  readonly #waiters: (() => void)[] = [];
  constructor(
    private readonly concurrency: number,
    private readonly intervalMs: number,
  ) {}
  async acquire(): Promise<void> {
    if (this.#held < this.concurrency) this.#held++;
    else await new Promise<void>((r) => this.#waiters.push(r));
    const now = Date.now();
    const wait = this.#next - now;
    this.#next = Math.max(now, this.#next) + this.intervalMs;
    if (wait > 0) await sleep(wait);
  }
  release(): void {
    const next = this.#waiters.shift();
    if (next) next();
    else this.#held--;
  }
}

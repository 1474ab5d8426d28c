// A MessageSink for receiver tests: records every message; can be made busy by hand, or drain slowly on its own
// (busy above a high-water mark of held messages, taking `drainBatch` per event-loop turn) so back-pressure really
// happens without any timer. Wait for counts with `waitFor`, never for time.

import type { MessageSink, SyslogMessage } from '../../src/logs/model.js';

export interface TestSink extends MessageSink {
  /** Every message pushed, in order (drained or not). */
  readonly messages: SyslogMessage[];
  /** Messages pushed but not yet drained (slow mode), and the most ever held. */
  readonly held: number;
  readonly peakHeld: number;
  /** Messages pushed while busy (the receiver may push what it already read; this shows how much). */
  readonly pushedWhileBusy: number;
  /** Manual mode: makes the sink busy or not (false fires the drain callbacks). */
  setBusy(busy: boolean): void;
  /** Resolves when `predicate` holds (checked on every push and every 5 ms), rejects after timeoutMs. */
  waitFor(predicate: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  texts(): string[];
}

export interface SlowDrain {
  /** Busy when this many messages are held. */
  readonly highWater: number;
  /** Not busy again when held falls to this. */
  readonly lowWater: number;
  /** Messages drained per event-loop turn. */
  readonly drainBatch: number;
}

export function createTestSink(slow?: SlowDrain): TestSink {
  const messages: SyslogMessage[] = [];
  const drains: (() => void)[] = [];
  const waiters = new Set<() => void>();
  let busy = false;
  let held = 0;
  let peakHeld = 0;
  let pushedWhileBusy = 0;
  let draining = false;

  const setBusy = (b: boolean): void => {
    const was = busy;
    busy = b;
    if (was && !b) for (const d of drains) d();
  };
  const drainSome = (): void => {
    held = Math.max(0, held - slow!.drainBatch);
    if (busy && held <= slow!.lowWater) setBusy(false);
    if (held > 0) setImmediate(drainSome);
    else draining = false;
    for (const w of waiters) w();
  };

  return {
    messages,
    get busy() {
      return busy;
    },
    get held() {
      return held;
    },
    get peakHeld() {
      return peakHeld;
    },
    get pushedWhileBusy() {
      return pushedWhileBusy;
    },
    push(message) {
      if (busy) pushedWhileBusy++;
      messages.push(message);
      if (slow !== undefined) {
        held++;
        if (held > peakHeld) peakHeld = held;
        if (held >= slow.highWater) busy = true;
        if (!draining) {
          draining = true;
          setImmediate(drainSome);
        }
      }
      for (const w of waiters) w();
    },
    onDrain(callback) {
      drains.push(callback);
    },
    setBusy,
    texts: () => messages.map((m) => m.raw.toString('utf8')),
    waitFor(predicate, what, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (!predicate()) return;
          cleanup();
          resolve();
        };
        const poll = setInterval(check, 5);
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${what} (${messages.length} messages so far)`));
        }, timeoutMs);
        const cleanup = (): void => {
          waiters.delete(check);
          clearInterval(poll);
          clearTimeout(timer);
        };
        waiters.add(check);
        check();
      });
    },
  };
}

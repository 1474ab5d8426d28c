// SIGINT and SIGTERM during a command that changes devices (a container stop, a cancelled CI job, Ctrl-C): the
// first signal aborts the run, which stops sending after the lines in flight, reads the groups back, records the
// truthful state and releases the lock; a second signal exits at once (the apply journal covers what was sent).

const SIGNAL_NUMBER: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 2, SIGTERM: 15 };

export interface InterruptHandler {
  readonly signal: AbortSignal;
  /** The first signal received, if any. */
  readonly received: 'SIGINT' | 'SIGTERM' | undefined;
  /** 130 after SIGINT, 143 after SIGTERM (128 + the signal number, as a shell reports it). */
  readonly exitCode: number;
  dispose(): void;
}

/** `say` tells what happens (stderr text by default; the commands pass one that keeps to the log format). */
export function handleInterrupts(say: (text: string) => void = (t) => process.stderr.write(t)): InterruptHandler {
  const controller = new AbortController();
  let received: 'SIGINT' | 'SIGTERM' | undefined;
  const on = (sig: 'SIGINT' | 'SIGTERM') => (): void => {
    if (received !== undefined) {
      say(`\n${sig} again: exiting now; the next run reads back what was sent.\n`);
      process.exit(128 + SIGNAL_NUMBER[sig]);
    }
    received = sig;
    say(`\n${sig}: stopping after the changes in flight, then recording what reached the device...\n`);
    controller.abort(new Error(`interrupted by ${sig}`));
  };
  const onInt = on('SIGINT');
  const onTerm = on('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    signal: controller.signal,
    get received() {
      return received;
    },
    get exitCode() {
      return received === undefined ? 1 : 128 + SIGNAL_NUMBER[received];
    },
    dispose() {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}

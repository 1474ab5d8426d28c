// A reader that stops early (`tscm plan --json | head -c 100`) closes the pipe: that ends the output, it is not an
// error. Node reports it as an 'error' event (EPIPE, then ERR_STREAM_DESTROYED for later writes) on stdout or
// stderr, and with no listener it crashes with a stack trace. The CLI shell installs this once for both streams;
// the command goes on (an apply is not cut short by its reader) with its own exit code, writing to nowhere.

export function isClosedPipe(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED';
}

export function endQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (err) => {
    // Another write error (a full disk behind a redirect) still fails the run, quietly: stderr may be the same file.
    if (!isClosedPipe(err)) process.exitCode = 1;
  });
}

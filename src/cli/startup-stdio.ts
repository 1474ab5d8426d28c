// The closed-pipe handling (closed-pipe.ts) for stdout and stderr, attached when a stream is first used rather
// than at start: Node makes process.stdout and process.stderr on first access, and each costs a stream and, for a
// pipe or terminal, the net module. A `validate` that passes never writes to stderr, and `--version` never reads it.

import { endQuietlyOnClosedPipe } from './closed-pipe.js';

/** Attaches endQuietlyOnClosedPipe to process[name] when something first reads it. */
export function endQuietlyOnClosedPipeWhenUsed(name: 'stdout' | 'stderr'): void {
  const own = Object.getOwnPropertyDescriptor(process, name);
  const get = own?.get;
  if (get === undefined || own?.configurable !== true) {
    endQuietlyOnClosedPipe(process[name]); // not Node's lazy getter (another runtime): attach now
    return;
  }
  let attached = false;
  Object.defineProperty(process, name, {
    configurable: true,
    enumerable: own?.enumerable ?? true,
    get() {
      const stream = get.call(process) as NodeJS.WriteStream;
      if (!attached) {
        attached = true;
        endQuietlyOnClosedPipe(stream);
      }
      return stream;
    },
  });
}

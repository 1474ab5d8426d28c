// tscm unlock DEVICE: break a lock left by a run that died (the error of a held lock says when that is safe), on
// whichever state backend tscm.yaml names (git: the removal is a pushed commit).

import { openBackendAt } from './state.js';

export async function unlockCommand(device: string, opts: { dir: string }): Promise<number> {
  const store = await openBackendAt(opts);
  const owner = await store.breakLock(device);
  if (owner === null) {
    process.stdout.write(`${device} was not locked.\n`);
  } else if (owner === 'unreadable') {
    process.stdout.write(`Removed an unreadable lock of ${device}.\n`);
  } else {
    process.stdout.write(
      `Removed the lock of ${device} held by pid ${owner.pid} on ${owner.hostname} since ${owner.startedAt} (${owner.command}).\n`,
    );
  }
  return 0;
}

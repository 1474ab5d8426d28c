// Two tscm processes on one host may share a working copy of the state branch (the loop, and someone running
// `tscm state show` or `tscm plan` in the same definitions folder). git itself would refuse concurrent commands
// (index.lock), but one process's reset could also wipe the other's change before it is committed. Each git
// operation of a process therefore holds <working copy>/.git/tscm.lock (O_EXCL, holding the pid); a lock whose
// process is gone is removed. Operations are short (a fetch, a commit and a push), so a waiter polls.

import { open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { TransientError } from '../errors.js';

const POLL_MS = 20;

export async function withWorkingCopyLock<T>(dir: string, fn: () => Promise<T>, waitMs = 120_000): Promise<T> {
  const path = join(dir, '.git', 'tscm.lock');
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const handle = await open(path, 'wx', 0o644);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const pid = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(pid) && pid > 0 && !alive(pid)) {
      await unlink(path).catch(() => undefined);
      continue;
    }
    if (Date.now() > deadline) {
      throw new TransientError(
        `the state working copy ${dir} is busy: process ${Number.isNaN(pid) ? '?' : pid} has held ${path} for ${Math.round(waitMs / 1000)} s`,
        'another tscm process on this host is using it; try again',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  try {
    return await fn();
  } finally {
    await unlink(path).catch(() => undefined);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// The highest rotation number a device folder has used, kept in `<dir>/<device>/.last-seq`. The files alone do not
// tell it once the uploader has sent and deleted them all: a restart would number from 1 again, and the endpoint
// would receive two different files of one name. Written (no fsync) at each rotation, fsync'd by the compression
// step, so it is durable before the uploader can see, send and delete that file. Untrusted like the rest of the
// folder: no symlink followed, anything but a number ignored (the files on disk still bound the next number).

import { constants } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

const MARKER = '.last-seq';
const MAX_SEQ = 1e15;

/** Replaces the marker by rename, so a link planted in its place is replaced, never written through. */
export async function writeSeqMarker(folder: string, seq: number): Promise<void> {
  const tmp = join(folder, `${MARKER}.tmp`);
  await rm(tmp, { force: true });
  const fh = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o640);
  try {
    await fh.write(`${seq}\n`);
  } finally {
    await fh.close();
  }
  await rename(tmp, join(folder, MARKER));
}

/** Makes the marker's content durable (its directory entry is made durable by the caller's directory fsync). */
export async function syncSeqMarker(folder: string): Promise<void> {
  let fh;
  try {
    fh = await open(join(folder, MARKER), constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return; // missing (a folder from before the marker) or not a file: the files on disk bound the number
  }
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** The number in the marker, or 0 when it is missing, not a regular file, or not a plain number. */
export async function readSeqMarker(folder: string): Promise<number> {
  let fh;
  try {
    fh = await open(join(folder, MARKER), constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return 0;
  }
  try {
    if (!(await fh.stat()).isFile()) return 0;
    const buf = Buffer.alloc(32);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const m = /^(\d{1,16})\n?$/.exec(buf.subarray(0, bytesRead).toString('latin1'));
    const n = m ? Number(m[1]) : 0;
    return n <= MAX_SEQ ? n : 0;
  } finally {
    await fh.close();
  }
}

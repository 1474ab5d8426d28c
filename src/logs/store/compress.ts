// Compression of a rotated file and the recovery of what a crash left in a device folder.
//
// A rotation goes: rename `syslog` -> `syslog.N` (fsync dir), gzip `syslog.N` -> `syslog.N.gz.tmp` (fsync),
// rename -> `syslog.N.gz` (fsync dir), unlink `syslog.N`. Whatever step a crash interrupts, the folder then holds:
//   syslog.N alone                   -> compress it now
//   syslog.N + syslog.N.gz.tmp       -> the tmp may be partial: delete it, compress again
//   syslog.N + syslog.N.gz           -> the .gz was complete before its rename: unlink the plain file
//   syslog.N.gz.tmp alone            -> not a state our steps leave (someone removed the plain file): keep it
//                                       as .gz when it gunzips whole (gzip's CRC and length trailer), else rename
//                                       it .gz.damaged and warn; either way no data is thrown away
//   syslog.N.gz.tmp + syslog.N.gz    -> a leftover: delete the tmp

import { readdir, rename, stat, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { join } from 'node:path';
import type { Logger, RotatedFile } from '../model.js';
import {
  ACTIVE_NAME,
  openAppendNoFollow,
  openExclusive,
  openReadNoFollow,
  parseRotatedName,
  rotatedName,
  syncDirectory,
  writeFully,
} from './store-files.js';
import { readSeqMarker } from './seq-marker.js';

/** Compresses `<dir>/<device>/syslog.<seq>` into `syslog.<seq>.gz`, fsync'd, and removes the plain file. */
export async function compressRotated(dir: string, device: string, seq: number): Promise<RotatedFile> {
  const folder = join(dir, device);
  const plain = join(folder, rotatedName(seq, ''));
  const tmp = join(folder, rotatedName(seq, '.gz.tmp'));
  const gz = join(folder, rotatedName(seq, '.gz'));
  await unlink(tmp).catch(ignoreMissing);
  const src = await openReadNoFollow(plain);
  try {
    const dst = await openExclusive(tmp);
    try {
      // Streamed, so a large file never sits in memory and other devices' appends go on meanwhile.
      await pipeline(src.createReadStream({ autoClose: false }), createGzip(), handleSink(dst));
      await dst.sync();
    } finally {
      await dst.close();
    }
  } finally {
    await src.close();
  }
  await rename(tmp, gz);
  await syncDirectory(folder);
  await unlink(plain);
  const bytes = (await stat(gz)).size;
  return { device, seq, path: gz, bytes };
}

/** A Writable that writes every chunk fully to an open file handle (no implicit close: the caller fsyncs). */
function handleSink(handle: FileHandle): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      writeFully(handle, chunk).then(() => done(), done);
    },
  });
}

/** True when the file gunzips completely (every member's CRC and length check out). */
async function gunzipsWhole(path: string): Promise<boolean> {
  try {
    const fh = await openReadNoFollow(path);
    await pipeline(
      fh.createReadStream(),
      createGunzip(),
      new Writable({
        write(_c, _e, done) {
          done();
        },
      }),
    );
    return true;
  } catch {
    return false;
  }
}

export interface DeviceRecovery {
  /** The next rotation number: 1 + the highest found on disk, whatever its form, or in the .last-seq marker. */
  readonly nextSeq: number;
  /** Size of the active file (0 when missing). */
  readonly activeBytes: number;
  /** The .gz files in the folder after recovery (oldest first). */
  readonly spool: readonly RotatedFile[];
  /** The .gz files made by this recovery (for the uploader). */
  readonly recovered: readonly RotatedFile[];
  /** Set when the folder cannot be written safely (a symlink or non-file where the active file goes). */
  readonly refused?: string;
}

/** Scans one device folder (it exists and is a real directory) and finishes any interrupted rotation. */
export async function recoverDeviceFolder(dir: string, device: string, log: Logger): Promise<DeviceRecovery> {
  const folder = join(dir, device);
  const entries = await readdir(folder, { withFileTypes: true });
  const bySeq = new Map<number, { plain?: boolean; gz?: boolean; tmp?: boolean }>();
  let maxSeq = 0;
  let activeBytes = 0;
  let refused: string | undefined;
  for (const e of entries) {
    if (e.name === ACTIVE_NAME) {
      if (!e.isFile()) refused = `${join(folder, ACTIVE_NAME)} is not a regular file (a symlink?)`;
      else activeBytes = await endWithNewline(join(folder, e.name), log);
      continue;
    }
    const parsed = parseRotatedName(e.name);
    if (!parsed) continue; // unknown files are left alone
    maxSeq = Math.max(maxSeq, parsed.seq);
    if (!e.isFile()) {
      log.warn('log store: a rotated file in the log folder is not a regular file; left alone', {
        path: join(folder, e.name),
      });
      continue;
    }
    const slot = bySeq.get(parsed.seq) ?? {};
    if (parsed.kind === 'plain') slot.plain = true;
    else if (parsed.kind === 'gz') slot.gz = true;
    else if (parsed.kind === 'tmp') slot.tmp = true;
    bySeq.set(parsed.seq, slot);
  }
  const recovered: RotatedFile[] = [];
  const spool: RotatedFile[] = [];
  for (const seq of [...bySeq.keys()].sort((a, b) => a - b)) {
    const slot = bySeq.get(seq)!;
    const gzPath = join(folder, rotatedName(seq, '.gz'));
    if (slot.plain && !slot.gz) {
      const file = await compressRotated(dir, device, seq);
      log.info('log store: compressed a file a previous run had rotated', { device, file: rotatedName(seq, '.gz') });
      recovered.push(file);
      spool.push(file);
      continue;
    }
    if (slot.plain) await unlink(join(folder, rotatedName(seq, ''))).catch(ignoreMissing);
    if (slot.tmp && !slot.gz && !slot.plain) {
      const tmp = join(folder, rotatedName(seq, '.gz.tmp'));
      if (await gunzipsWhole(tmp)) {
        const fh = await openReadNoFollow(tmp);
        await fh.sync().finally(() => fh.close());
        await rename(tmp, gzPath);
        await syncDirectory(folder);
        const file = { device, seq, path: gzPath, bytes: (await stat(gzPath)).size };
        recovered.push(file);
        spool.push(file);
      } else {
        const damaged = join(folder, rotatedName(seq, '.gz.damaged'));
        await rename(tmp, damaged);
        log.warn('log store: a partial compressed file without its source was kept aside, not uploaded', {
          device,
          path: damaged,
        });
      }
      continue;
    }
    if (slot.tmp) await unlink(join(folder, rotatedName(seq, '.gz.tmp'))).catch(ignoreMissing);
    if (slot.gz) spool.push({ device, seq, path: gzPath, bytes: (await stat(gzPath)).size });
  }
  // The marker remembers numbers whose files were all sent and deleted.
  const nextSeq = Math.max(maxSeq, await readSeqMarker(folder)) + 1;
  if (refused !== undefined) return { nextSeq, activeBytes: 0, spool, recovered, refused };
  return { nextSeq, activeBytes, spool, recovered };
}

/**
 * The active file's size, after ending it with an LF when a crash cut its last write short (a fatal signal can stop
 * a large write between pages): the fragment is kept, and the next message starts on a line of its own.
 */
async function endWithNewline(path: string, log: Logger): Promise<number> {
  const size = (await stat(path)).size;
  if (size === 0) return 0;
  const fh = await openAppendNoFollow(path);
  try {
    const last = Buffer.alloc(1);
    await fh.read(last, 0, 1, size - 1);
    if (last[0] === 0x0a) return size;
    await fh.write(Buffer.from('\n'));
    await fh.sync();
    log.warn('log store: the active file ended in a partial line (a crash); ended it', { path });
    return size + 1;
  } finally {
    await fh.close();
  }
}

export function ignoreMissing(err: unknown): void {
  if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
}

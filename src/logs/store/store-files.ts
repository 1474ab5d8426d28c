// The names and file primitives of the log folder: `<dir>/<device>/syslog` (active) and its rotated forms
// `syslog.<seq>` (renamed, not yet compressed), `syslog.<seq>.gz.tmp` (being compressed) and `syslog.<seq>.gz`
// (the spool). The folder is untrusted: nothing in it is followed through a symlink (lstat, O_NOFOLLOW), so a
// planted link cannot make tscm write or read elsewhere.

import { constants } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../../errors.js';

export const ACTIVE_NAME = 'syslog';
const SEQ_DIGITS = 6;

/** A rotated file's name: `syslog.000012` + suffix ('' | '.gz' | '.gz.tmp'). */
export function rotatedName(seq: number, suffix: '' | '.gz' | '.gz.tmp' | '.gz.damaged'): string {
  return `${ACTIVE_NAME}.${String(seq).padStart(SEQ_DIGITS, '0')}${suffix}`;
}

export type RotatedKind = 'plain' | 'gz' | 'tmp' | 'damaged';
const ROTATED = /^syslog\.(\d{6,15})(\.gz|\.gz\.tmp|\.gz\.damaged)?$/;

/** What a file name in a device folder is, or null for the active file and anything unknown. */
export function parseRotatedName(name: string): { seq: number; kind: RotatedKind } | null {
  const m = ROTATED.exec(name);
  if (!m) return null;
  const kind: RotatedKind =
    m[2] === '.gz' ? 'gz' : m[2] === '.gz.tmp' ? 'tmp' : m[2] === '.gz.damaged' ? 'damaged' : 'plain';
  return { seq: Number(m[1]), kind };
}

// Not starting with a dot: that rules out '.' and '..', and keeps tscm's own dot files (.owner.json,
// .control.sock) apart from device folders. Device names in definitions start with a letter or digit anyway.
const SAFE_SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

/** A device name usable as one path segment: [A-Za-z0-9._-], not starting with '.' (so never '.' or '..'). */
export function isSafeDeviceName(name: string): boolean {
  return SAFE_SEGMENT.test(name);
}

export function assertSafeDeviceName(name: string): void {
  if (!isSafeDeviceName(name)) {
    throw new ConfigError(
      `log store: device name "${name.slice(0, 64).replace(/[^\x20-\x7e]/g, '?')}" is not a safe folder name`,
      'device names for the log folder use only letters, digits, ".", "_" and "-", and do not start with "."',
    );
  }
}

/** Opens a file for appending (created 0640 when missing), refusing a symlink in its place. */
export function openAppend(path: string): Promise<FileHandle> {
  return open(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o640);
}

/** Opens an existing file for reading and appending, refusing a symlink. */
export function openAppendNoFollow(path: string): Promise<FileHandle> {
  return open(path, constants.O_RDWR | constants.O_APPEND | constants.O_NOFOLLOW);
}

/** Opens an existing file for reading, refusing a symlink. */
export function openReadNoFollow(path: string): Promise<FileHandle> {
  return open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
}

/** Creates a new file (fails when anything, a symlink included, is already there). */
export function openExclusive(path: string): Promise<FileHandle> {
  return open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o640);
}

/** What is at `path` without following a link: 'missing', 'file', 'dir', or 'other' (symlink, socket, ...). */
export async function entryKind(path: string): Promise<'missing' | 'file' | 'dir' | 'other'> {
  try {
    const st = await lstat(path);
    return st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw err;
  }
}

export { syncDirectory } from '../../plan/atomic-write.js';

export function devicePath(dir: string, device: string, name = ACTIVE_NAME): string {
  return join(dir, device, name);
}

/** Writes all of `data` (a write may take fewer bytes than asked). */
export async function writeFully(handle: FileHandle, data: Buffer): Promise<void> {
  let off = 0;
  while (off < data.length) {
    const { bytesWritten } = await handle.write(data, off, data.length - off);
    off += bytesWritten;
  }
}

export function errorCode(err: unknown): string {
  return (err as NodeJS.ErrnoException)?.code ?? (err instanceof Error ? err.message : String(err));
}

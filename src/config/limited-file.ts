// The one way tscm reads a file whose path comes from the definitions (device YAML, tscm.yaml, secret files, CIDR
// list files, known_hosts) or a flag: only a regular file, and never more than a limit for its kind. `/dev/zero` as a
// password once grew the process to 6.5 GB, and a FIFO blocked it forever. The type is checked on the open handle
// (no window between a check and the open), the open itself cannot block on a FIFO (O_NONBLOCK), and the limit
// is enforced while reading: a file that grows after fstat, or one that lies about its size (/proc), is still cut.

import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { open } from 'node:fs/promises';

export interface FileKind {
  /** How the file is named in messages: "a secret file". */
  readonly noun: string;
  readonly maxBytes: number;
}

const KIB = 1024;
const MIB = 1024 * KIB;

export const FILE_KINDS = {
  /** A password or a token. */
  secret: { noun: 'a secret file', maxBytes: 64 * KIB },
  /** A device YAML file or tscm.yaml: a definition is a few hundred bytes. */
  definition: { noun: 'a definitions file', maxBytes: 1 * MIB },
  /** PEM CA certificates (tscm.yaml logs.uploadCa): a bundle of a few hundred certificates. */
  caBundle: { noun: 'a CA certificate file', maxBytes: 4 * MIB },
  /** An OpenSSH known_hosts file: a fleet's keys, a few hundred bytes per host. */
  knownHosts: { noun: 'a known_hosts file', maxBytes: 4 * MIB },
  /** A CIDR list: millions of entries (2M IPv6 prefixes with comments fit). */
  cidrList: { noun: 'a CIDR list file', maxBytes: 256 * MIB },
  /** tscm's own decoded zone (policy/zone-cache.ts): 17 bytes per IPv6 prefix at most, 2M entries capped. */
  zoneCache: { noun: 'a zone cache file', maxBytes: 256 * MIB },
  /** A saved plan (`tscm apply FILE`, the plan history): a first-run plan of 1M entries is ~18 MB. */
  planFile: { noun: 'a plan file', maxBytes: 512 * MIB },
  /** A running-config for the lab (`tscm lab --config`): a large router's is a few MB. */
  deviceConfig: { noun: 'a device configuration file', maxBytes: 32 * MIB },
} as const satisfies Record<string, FileKind>;

/** Why a file was not read, as a phrase that follows the file's name: "... is a FIFO, not a regular file". */
export class FileReadError extends Error {
  override readonly name = 'FileReadError';
  constructor(
    readonly problem: string,
    /** `ENOENT`, `EACCES`, ... for a failed open or read; `not-regular` or `too-large` for a refusal. */
    readonly code: string,
  ) {
    super(problem);
  }
}

// O_NOCTTY: a terminal device never becomes the controlling terminal. O_NONBLOCK: opening a FIFO without a writer
// returns at once (and fstat then refuses it); it has no effect on regular files.
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY;
const CHUNK = 64 * KIB;

export function formatSize(bytes: number): string {
  return bytes % MIB === 0 ? `${bytes / MIB} MiB` : bytes % KIB === 0 ? `${bytes / KIB} KiB` : `${bytes} bytes`;
}

function describeType(s: Stats): string {
  if (s.isDirectory()) return 'a folder';
  if (s.isFIFO()) return 'a FIFO (named pipe)';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  if (s.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Refuses a handle that is not a regular file, or one whose size already says it is too large; returns the size. */
function checkStat(s: Stats, kind: FileKind): number {
  if (!s.isFile()) {
    const what = describeType(s);
    throw new FileReadError(
      what === 'not a regular file' ? `is ${what}` : `is ${what}, not a regular file`,
      'not-regular',
    );
  }
  if (s.size > kind.maxBytes) throw tooLarge(kind);
  return s.size;
}

function tooLarge(kind: FileKind): FileReadError {
  return new FileReadError(`is larger than ${formatSize(kind.maxBytes)}, the limit for ${kind.noun}`, 'too-large');
}

/** Collects chunks up to the limit; stat's size is only a hint (0 for /proc files), so the count is what counts. */
class Collector {
  private readonly chunks: Buffer[] = [];
  private total = 0;
  constructor(
    private readonly kind: FileKind,
    /** fstat's size: the first read asks for all of it (plus one byte, to see the end) in one go. */
    private readonly statSize: number,
  ) {}

  /** A buffer for the next read: one byte past the limit at most, so an over-long file is seen. */
  next(): Buffer {
    const want = this.total === 0 && this.statSize > 0 ? this.statSize + 1 : CHUNK;
    return Buffer.allocUnsafe(Math.min(want, this.kind.maxBytes + 1 - this.total));
  }

  /** Keeps what a read returned; false at end of file. */
  take(buf: Buffer, bytesRead: number): boolean {
    if (bytesRead === 0) return false;
    this.chunks.push(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead));
    this.total += bytesRead;
    if (this.total > this.kind.maxBytes) throw tooLarge(this.kind);
    // Exactly the size fstat gave, asked with one byte to spare: the end of a regular file (saves a read).
    if (this.statSize > 0 && this.total === this.statSize && bytesRead < buf.length) return false;
    return true;
  }

  result(): Buffer {
    // One read (the usual case for a regular file): no copy; a 1M-line list is ~15 MB.
    if (this.chunks.length === 1) return this.chunks[0]!;
    return Buffer.concat(this.chunks, this.total);
  }
}

function fromSystemError(err: unknown): FileReadError {
  const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
  const problem =
    code === 'ENOENT'
      ? 'does not exist'
      : code === 'EACCES' || code === 'EPERM'
        ? 'is not readable (permission denied)'
        : code === 'EISDIR'
          ? 'is a folder, not a regular file'
          : code === 'ENOTDIR'
            ? 'does not exist (a part of its path is not a folder)'
            : code === 'ELOOP'
              ? 'is a symbolic link loop'
              : `cannot be read (${code})`;
  return new FileReadError(problem, code === 'EISDIR' ? 'not-regular' : code);
}

/** The whole file, if it is a regular file within `kind.maxBytes`; a FileReadError otherwise. */
export async function readLimitedFile(path: string, kind: FileKind): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, OPEN_FLAGS);
  } catch (err) {
    throw fromSystemError(err);
  }
  try {
    const into = new Collector(kind, checkStat(await handle.stat(), kind));
    let buf = into.next();
    while (into.take(buf, (await handle.read(buf, 0, buf.length, null)).bytesRead)) buf = into.next();
    return into.result();
  } catch (err) {
    throw err instanceof FileReadError ? err : fromSystemError(err);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** Where readLimitedFileInto puts a file as it reads it. */
export interface ReadSink {
  /** fstat's size, before the first read (0 for a file that does not know it, /proc). */
  start(size: number): void;
  /** The buffer for the next read (not empty). */
  space(): Uint8Array;
  /** Takes what the last read put at the start of space(). */
  took(bytes: number): void;
}

/**
 * readLimitedFileSync into the caller's buffers: for a large file processed as it is read (a 1M-line CIDR list),
 * so no buffer of the whole file is touched. The same checks and limit.
 */
export function readLimitedFileInto(path: string, kind: FileKind, sink: ReadSink): void {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (err) {
    throw fromSystemError(err);
  }
  // Only the file's own errors are turned into FileReadErrors; the sink's pass through as they are.
  const fsCall = <T>(call: () => T): T => {
    try {
      return call();
    } catch (err) {
      throw err instanceof FileReadError ? err : fromSystemError(err);
    }
  };
  try {
    sink.start(fsCall(() => checkStat(fstatSync(fd), kind)));
    let total = 0;
    for (;;) {
      const space = sink.space();
      const bytes = fsCall(() => readSync(fd, space, 0, Math.min(space.length, kind.maxBytes + 1 - total), null));
      if (bytes === 0) return;
      total += bytes;
      if (total > kind.maxBytes) throw tooLarge(kind);
      sink.took(bytes);
    }
  } finally {
    closeSync(fd);
  }
}

/** readLimitedFile for the few synchronous callers (the SSH host key check runs inside a synchronous setup). */
export function readLimitedFileSync(path: string, kind: FileKind): Buffer {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (err) {
    throw fromSystemError(err);
  }
  try {
    const into = new Collector(kind, checkStat(fstatSync(fd), kind));
    let buf = into.next();
    while (into.take(buf, readSync(fd, buf, 0, buf.length, null))) buf = into.next();
    return into.result();
  } catch (err) {
    throw err instanceof FileReadError ? err : fromSystemError(err);
  } finally {
    closeSync(fd);
  }
}

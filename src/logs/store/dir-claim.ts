// One writer per log folder: the receiver (`tscm syslog`, the reconcile container) or `tscm logs` when no receiver
// runs. The claim is `<dir>/.owner.json`, created with O_EXCL; the other side learns who holds it and talks to it
// through the control socket the claim names. An owner provably dead on this host is taken over (the same test
// as the device lock: pid gone, or reused by a newer process); a live owner or one on another host never is.

import { createHash, randomBytes } from 'node:crypto';
import { link, lstat, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, TransientError } from '../../errors.js';
import { lockOwnerDeath } from '../../state/device-lock.js';
import type { Logger } from '../model.js';
import { syncDirectory } from './store-files.js';

export interface DirClaim {
  readonly controlSocket: string;
  release(): Promise<void>;
}
export type ClaimResult =
  { readonly claimed: DirClaim } | { readonly heldBy: { readonly pid: number; readonly controlSocket: string } };

interface OwnerRecord {
  readonly pid: number;
  readonly hostname: string;
  readonly startedAt: string;
  readonly controlSocket: string;
  readonly token: string;
}

export const OWNER_FILE = '.owner.json';
/** Unix socket paths are limited to 108 bytes (sun_path); longer ones go under the temp folder. */
const MAX_SOCKET_PATH = 100;
/** An owner file this young that cannot be read is one being written right now. */
const UNREADABLE_GRACE_MS = 10_000;

/** The control socket of a log folder: `<dir>/.control.sock`, or a short path named by a hash of the folder. */
export function controlSocketPath(dir: string): string {
  const inDir = join(resolve(dir), '.control.sock');
  if (Buffer.byteLength(inDir) <= MAX_SOCKET_PATH) return inDir;
  const hash = createHash('sha256').update(resolve(dir)).digest('hex').slice(0, 24);
  return join(tmpdir(), `tscm-logs-${hash}.sock`);
}

/** <dir>/.owner.json {pid, hostname, startedAt, controlSocket}; a stale owner (dead pid on this host) is taken over. */
export async function claimLogDir(dir: string, opts: { readonly log?: Logger } = {}): Promise<ClaimResult> {
  const root = resolve(dir);
  await mkdir(root, { recursive: true, mode: 0o750 });
  const path = join(root, OWNER_FILE);
  const record: OwnerRecord = {
    pid: process.pid,
    hostname: hostname(),
    startedAt: new Date().toISOString(),
    controlSocket: controlSocketPath(root),
    token: randomBytes(16).toString('hex'),
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await createOwnerFile(path, record)) return { claimed: await claimed(path, record) };
    const current = await readOwner(path);
    if (current === 'missing') continue; // released just now
    if (current === 'unreadable') {
      const age = await lstat(path).then(
        (st) => Date.now() - st.mtimeMs,
        () => 0,
      );
      if (age < UNREADABLE_GRACE_MS) {
        throw new TransientError(`log folder ${root} is being claimed by another tscm process`, 'try again shortly');
      }
      opts.log?.warn('log folder: taking over an unreadable owner file', { path });
      await unlink(path).catch(() => undefined);
      continue;
    }
    const why = lockOwnerDeath({ ...current, command: 'tscm logs' });
    if (why === null) return { heldBy: { pid: current.pid, controlSocket: current.controlSocket } };
    if (await removeIfStill(path, current.token)) {
      opts.log?.warn('log folder: taking over from a previous owner that is gone', { path, why });
    }
  }
  throw new TransientError(`log folder ${root}: could not claim ${OWNER_FILE}`, 'try again shortly');
}

async function createOwnerFile(path: string, record: OwnerRecord): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'wx', 0o644); // O_EXCL: also refuses a symlink in its place
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    await handle.writeFile(`${JSON.stringify(record)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return true;
}

async function claimed(path: string, record: OwnerRecord): Promise<DirClaim> {
  await syncDirectory(resolve(path, '..'));
  // A socket left by a dead owner would make listen() fail with EADDRINUSE; nothing but a socket is removed.
  await removeSocket(record.controlSocket);
  let released = false;
  return {
    controlSocket: record.controlSocket,
    async release() {
      if (released) return;
      released = true;
      if (await removeIfStill(path, record.token)) await removeSocket(record.controlSocket);
    },
  };
}

/** Removes the owner file when it still carries `token` (moved aside first, so a newer claim is never removed). */
async function removeIfStill(path: string, token: string): Promise<boolean> {
  const aside = `${path}.${randomBytes(6).toString('hex')}.old`;
  try {
    await rename(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  const moved = await readOwner(aside);
  if (typeof moved === 'object' && moved.token === token) {
    await unlink(aside).catch(() => undefined);
    return true;
  }
  // Someone else's claim: put it back unless yet another process claimed the path meanwhile.
  await link(aside, path).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
  return false;
}

async function removeSocket(path: string): Promise<void> {
  try {
    if ((await lstat(path)).isSocket()) await unlink(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

async function readOwner(path: string): Promise<OwnerRecord | 'missing' | 'unreadable'> {
  let text: string;
  try {
    if (!(await lstat(path)).isFile()) {
      throw new ConfigError(`log folder: ${path} is not a regular file`, 'remove it (tscm writes it itself)');
    }
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw err;
  }
  try {
    const v = JSON.parse(text) as Partial<OwnerRecord>;
    const ok =
      typeof v.pid === 'number' &&
      Number.isInteger(v.pid) &&
      v.pid > 0 &&
      typeof v.hostname === 'string' &&
      typeof v.startedAt === 'string' &&
      typeof v.controlSocket === 'string' &&
      typeof v.token === 'string';
    return ok ? (v as OwnerRecord) : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

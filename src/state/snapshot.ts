// A device's files as they are (state, status, plan history), to copy them between backends (`tscm state pull`,
// `tscm state push`) without changing lineage or serial. Each file is validated before it is written: a damaged
// source is refused naming it, never copied over good state. The journal and the lock are not copied: they
// belong to a run on one backend.

import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../plan/atomic-write.js';
import { planHistoryDir, stateFilePath, statusFilePath } from './device-paths.js';
import { parseStateHeader } from './state-file.js';
import { parseStatus } from './status-file.js';

export interface DeviceSnapshot {
  readonly state: Uint8Array | null;
  /** lineage and serial of `state` (null without a state). */
  readonly lineage: string | null;
  readonly serial: number | null;
  readonly status: Uint8Array | null;
  /** Plan history files by name (plans/<timestamp>-<serial>.json.gz). */
  readonly plans: readonly { readonly file: string; readonly bytes: Uint8Array }[];
}

const HISTORY_FILE = /^\d{8}T\d{9}Z-\d+(?:-\d+)?\.json(?:\.gz)?$/;

export async function exportDevice(dir: string, device: string): Promise<DeviceSnapshot> {
  const stateFile = stateFilePath(dir, device);
  const state = await readOrNull(stateFile);
  const header = state === null ? null : parseStateHeader(state, stateFile);
  const statusFile = statusFilePath(dir, device);
  const status = await readOrNull(statusFile);
  if (status !== null) parseStatus(status, statusFile);
  const plansDir = planHistoryDir(dir, device);
  const names = await readdir(plansDir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [] as string[];
    throw err;
  });
  const plans = [];
  for (const file of names.filter((n) => HISTORY_FILE.test(n)).sort()) {
    plans.push({ file, bytes: await readFile(join(plansDir, file)) });
  }
  return { state, lineage: header?.lineage ?? null, serial: header?.serial ?? null, status, plans };
}

/** Writes the snapshot's files over the device's (a plan already in the history is kept as it is). */
export async function importDevice(dir: string, device: string, snap: DeviceSnapshot): Promise<void> {
  const plansDir = planHistoryDir(dir, device);
  await mkdir(plansDir, { recursive: true });
  if (snap.state !== null) await writeFileAtomic(stateFilePath(dir, device), snap.state);
  if (snap.status !== null) await writeFileAtomic(statusFilePath(dir, device), snap.status);
  const have = new Set(await readdir(plansDir));
  for (const p of snap.plans) {
    if (HISTORY_FILE.test(p.file) && !have.has(p.file)) await writeFileAtomic(join(plansDir, p.file), p.bytes);
  }
}

/** The file's bytes, or null when it does not exist. */
export async function readOrNull(file: string): Promise<Buffer | null> {
  try {
    return await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

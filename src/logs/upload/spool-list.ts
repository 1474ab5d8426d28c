// The rotated files waiting in the log folder, as the store names them: <dir>/<device>/syslog.<6+ digits>.gz.
// The folder is untrusted: only safe device names and exact file names count (a .gz.tmp being written, a symlink
// or anything else is ignored). Kept private to the uploader until src/logs/store/ offers listSpool on main.

import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { RotatedFile } from '../model.js';

const DEVICE_NAME = /^[A-Za-z0-9._-]+$/;
const ROTATED = /^syslog\.(\d{6,15})\.gz$/;

export function isSafeDeviceName(name: string): boolean {
  return DEVICE_NAME.test(name) && name !== '.' && name !== '..';
}

async function entries(path: string): Promise<string[]> {
  try {
    return await readdir(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') {
      return [];
    }
    throw err;
  }
}

/** The device's rotated files, oldest (lowest number) first; a file that vanishes meanwhile is left out. */
export async function listDeviceSpool(dir: string, device: string): Promise<RotatedFile[]> {
  if (!isSafeDeviceName(device)) return [];
  const folder = join(dir, device);
  const found: RotatedFile[] = [];
  for (const name of await entries(folder)) {
    const m = ROTATED.exec(name);
    if (m === null) continue;
    const path = join(folder, name);
    const st = await lstat(path).catch(() => undefined);
    if (st === undefined || !st.isFile()) continue;
    found.push({ device, seq: Number(m[1]), path, bytes: st.size });
  }
  return found.sort((a, b) => a.seq - b.seq);
}

/** The devices with a folder in the log folder (safe names only, dot-files such as .owner.json skipped). */
export async function listSpoolDevices(dir: string): Promise<string[]> {
  const names = (await entries(dir)).filter((n) => !n.startsWith('.') && isSafeDeviceName(n));
  const devices: string[] = [];
  for (const name of names.sort()) {
    const st = await lstat(join(dir, name)).catch(() => undefined);
    if (st?.isDirectory() === true) devices.push(name);
  }
  return devices;
}

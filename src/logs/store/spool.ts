// The spool: the compressed rotated files waiting for the uploader, `<dir>/<device>/syslog.<seq>.gz`. Only real
// files in real device folders count (no symlink is followed); plain, tmp, damaged and unknown files are ignored.

import { lstat, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { RotatedFile } from '../model.js';
import { isSafeDeviceName, parseRotatedName } from './store-files.js';

/** The rotated files waiting, per device oldest first (by seq), devices in name order; [] when there are none. */
export async function listSpool(dir: string, device?: string): Promise<RotatedFile[]> {
  const root = resolve(dir);
  const devices = device !== undefined ? [device] : await deviceFolders(root);
  const out: RotatedFile[] = [];
  for (const name of devices.sort()) {
    if (!isSafeDeviceName(name)) continue;
    const folder = join(root, name);
    let entries;
    try {
      const st = await lstat(folder);
      if (!st.isDirectory()) continue;
      entries = await readdir(folder, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    const files: RotatedFile[] = [];
    for (const e of entries) {
      const parsed = parseRotatedName(e.name);
      if (!parsed || parsed.kind !== 'gz' || !e.isFile()) continue;
      const path = join(folder, e.name);
      try {
        files.push({ device: name, seq: parsed.seq, path, bytes: (await stat(path)).size });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err; // uploaded and deleted meanwhile
      }
    }
    out.push(...files.sort((a, b) => a.seq - b.seq));
  }
  return out;
}

/** The device folders under the log folder: real directories with a safe name (dot files are tscm's own). */
export async function deviceFolders(root: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return entries.filter((e) => e.isDirectory() && isSafeDeviceName(e.name)).map((e) => e.name);
}

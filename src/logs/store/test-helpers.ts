// What the store's tests share: a logger that records, temp folders, and reading a device's lines back from disk
// (rotated .gz files in order, then the active file).

import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Logger } from '../model.js';

export interface LogRecord {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly msg: string;
  readonly fields?: Record<string, unknown>;
}

export function recordingLogger(): Logger & { records: LogRecord[] } {
  const records: LogRecord[] = [];
  const at = (level: LogRecord['level']) => (msg: string, fields?: Record<string, unknown>) => {
    records.push({ level, msg, fields });
  };
  return { records, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export function tempDir(prefix = 'tscm-store-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** The device's rotated files (gunzipped, by seq) and its active file, as text each. */
export async function deviceFiles(dir: string, device: string): Promise<{ rotated: string[]; active: string }> {
  const folder = join(dir, device);
  const names = (await readdir(folder)).filter((n) => /^syslog\.\d+\.gz$/.test(n)).sort();
  const rotated: string[] = [];
  for (const n of names) rotated.push(gunzipSync(await readFile(join(folder, n))).toString('latin1'));
  const active = await readFile(join(folder, 'syslog'), 'latin1').catch(() => '');
  return { rotated, active };
}

/** Every line the device has on disk, oldest first. */
export async function deviceLines(dir: string, device: string): Promise<string[]> {
  const { rotated, active } = await deviceFiles(dir, device);
  return [...rotated, active].join('').split('\n').slice(0, -1);
}

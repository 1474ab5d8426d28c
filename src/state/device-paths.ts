// Where a device's files live under the state directory. Device names become path segments, so they are checked
// here: a name like "../x" must never escape the state directory.

import { join } from 'node:path';
import { ConfigError } from '../errors.js';

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** A name usable as a device's folder (listDevices skips anything else, such as `zones`' siblings). */
export function isDeviceName(name: string): boolean {
  return SAFE_NAME.test(name);
}

export function deviceDir(stateDir: string, device: string): string {
  if (!SAFE_NAME.test(device)) {
    throw new ConfigError(
      `device name ${JSON.stringify(device)} cannot be used as a state folder name`,
      'device names start with a letter or digit and hold only letters, digits, ".", "_" and "-" (at most 128)',
    );
  }
  return join(stateDir, device);
}

export const stateFilePath = (stateDir: string, device: string): string =>
  join(deviceDir(stateDir, device), 'state.json');
export const statusFilePath = (stateDir: string, device: string): string =>
  join(deviceDir(stateDir, device), 'status.json');
export const lockFilePath = (stateDir: string, device: string): string => join(deviceDir(stateDir, device), 'lock');
export const planHistoryDir = (stateDir: string, device: string): string => join(deviceDir(stateDir, device), 'plans');
export const journalFilePath = (stateDir: string, device: string): string =>
  join(deviceDir(stateDir, device), 'journal.jsonl');

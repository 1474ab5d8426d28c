// `tscm logs` when no receiver holds the log folder: the caller claims it, then this opens the store (which recovers
// a rotation cut short), rotates, uploads what waits, and closes. With a receiver running, the same work is asked of
// it over the control socket instead (service.ts).

import type { DeviceSpec, LogServiceSettings } from '../config/types.js';
import type { Logger } from './model.js';
import type { RotateUploadResult } from './service.js';
import { openLogStore } from './store/log-store.js';
import { createUploader } from './upload/uploader.js';
import { resolveUploadTargets } from './upload-targets.js';

export async function rotateAndUploadOnce(opts: {
  readonly dir: string;
  readonly settings: LogServiceSettings;
  readonly devices: readonly DeviceSpec[];
  readonly device?: string;
  readonly log: Logger;
}): Promise<RotateUploadResult> {
  const targets = await resolveUploadTargets(opts.settings, opts.devices, opts.log);
  const rotateKb = new Map(opts.devices.map((d) => [d.name, d.logs.rotateKb]));
  const store = await openLogStore({
    dir: opts.dir,
    rotateBytesFor: (device) => (rotateKb.get(device) ?? 100) * 1024,
    rotateIntervalMs: opts.settings.rotateIntervalMs,
    spoolMaxBytes: opts.settings.spoolMaxBytes,
    log: opts.log,
  });
  let rotated;
  try {
    rotated = await store.rotate(opts.device);
  } finally {
    await store.close();
  }
  const uploader = createUploader({
    dir: opts.dir,
    targetFor: (device) => targets.get(device) ?? null,
    retry: opts.settings.retry,
    log: opts.log,
  });
  try {
    return { rotated, uploads: await uploader.uploadNow(opts.device) };
  } finally {
    await uploader.close();
  }
}

// Where each device's rotated files go: tscm.yaml's endpoint (uploadUrl, uploadCa, uploadToken) with the device's
// ID and its proxy (logs.proxy). Secrets are read here, once per reload, and registered for redaction; a device
// whose secret cannot be read keeps its files (warned, naming the reference, never a value) rather than failing
// the receiver.

import { resolveSecret } from '../config/secrets.js';
import type { DeviceSpec, LogServiceSettings } from '../config/types.js';
import { FILE_KINDS, readLimitedFile } from '../config/limited-file.js';
import type { Logger, UploadTarget } from './model.js';

export async function resolveUploadTargets(
  settings: LogServiceSettings,
  devices: readonly DeviceSpec[],
  log: Logger,
): Promise<Map<string, UploadTarget | null>> {
  const targets = new Map<string, UploadTarget | null>();
  const uploading = devices.filter((d) => d.logs.upload);
  for (const d of devices) targets.set(d.name, null);
  if (settings.uploadUrl === undefined || uploading.length === 0) return targets;
  const shared = await sharedParts(settings, log);
  if (shared === null) return targets;
  for (const d of uploading) {
    try {
      const proxy = d.logs.proxy;
      targets.set(d.name, {
        url: settings.uploadUrl,
        deviceId: d.deviceId,
        ...shared,
        ...(proxy === undefined
          ? {}
          : {
              proxy: {
                url: proxy.url,
                ...(proxy.username === undefined
                  ? {}
                  : { username: await resolveSecret(proxy.username, { baseDir: process.cwd() }) }),
                ...(proxy.password === undefined
                  ? {}
                  : { password: await resolveSecret(proxy.password, { baseDir: process.cwd() }) }),
              },
            }),
      });
    } catch (err) {
      log.warn('the device keeps its log files: its proxy credentials cannot be read', {
        device: d.name,
        error: (err as Error).message,
      });
    }
  }
  return targets;
}

/** The CA and token of the endpoint; null (every device keeps its files) when one cannot be read. */
async function sharedParts(settings: LogServiceSettings, log: Logger): Promise<{ ca?: string; token?: string } | null> {
  try {
    const token =
      settings.uploadToken === undefined
        ? undefined
        : await resolveSecret(settings.uploadToken, { baseDir: process.cwd() });
    const ca =
      settings.uploadCa === undefined
        ? undefined
        : (await readLimitedFile(settings.uploadCa, FILE_KINDS.caBundle)).toString('utf8');
    return { ...(ca === undefined ? {} : { ca }), ...(token === undefined ? {} : { token }) };
  } catch (err) {
    const e = err as { message?: string; problem?: string };
    log.error('no log file is uploaded: tscm.yaml logs.uploadToken or logs.uploadCa cannot be read', {
      error: e.problem === undefined ? e.message : `${settings.uploadCa ?? 'uploadCa'} ${e.problem}`,
    });
    return null;
  }
}

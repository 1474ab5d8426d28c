// Opens a driver session to one endpoint of a device (the management address or an HA peer).
// Secrets are resolved here, at connect time, and only handed to the driver.

import path from 'node:path';
import type { DeviceSpec, Endpoint } from '../config/types.js';
import { resolveSecret } from '../config/secrets.js';
import type { Driver, Logger } from '../drivers/driver.js';
import { getDriverFactory } from '../drivers/registry.js';

export interface ConnectOptions {
  /** The definitions folder: relative `file:` secret references are read from the device file's folder. */
  readonly dir: string;
  readonly log: Logger;
  /** Told of each session opened. */
  readonly onConnect?: (device: string, endpoint: Endpoint) => void;
}

export function endpointsOf(spec: DeviceSpec): readonly Endpoint[] {
  return [spec.management, ...spec.peers];
}

export async function connectDevice(spec: DeviceSpec, endpoint: Endpoint, opts: ConnectOptions): Promise<Driver> {
  const factory = await getDriverFactory(spec.platform);
  const baseDir = path.dirname(path.resolve(opts.dir, spec.source.file));
  const log = opts.log;
  const driver = await factory({
    spec,
    endpoint,
    log,
    secret: async (field) => {
      const ref = spec.credentials[field];
      return ref ? resolveSecret(ref, { baseDir }) : undefined;
    },
  });
  opts.onConnect?.(spec.name, endpoint);
  return driver;
}

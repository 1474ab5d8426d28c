// The literal list of platforms: one line per platform, each a platform.ts of its own folder (DESIGN.md: only this
// file imports the driver folders). The config layer reads the platform data from here (settings, defaults,
// traits); a connect loads the driver code on demand.

import { ConfigError } from '../errors.js';
import { ASA_PLATFORM } from './cisco-asa/platform.js';
import { ASA_REST_PLATFORM } from './cisco-asa-rest/platform.js';
import { IOS_PLATFORM } from './cisco-ios/platform.js';
import { PIX_PLATFORM } from './cisco-pix/platform.js';
import type { DriverFactory } from './driver.js';
import type { PlatformModule } from './platform.js';

export const PLATFORMS: readonly PlatformModule[] = [IOS_PLATFORM, ASA_PLATFORM, ASA_REST_PLATFORM, PIX_PLATFORM];

/** The platform named by a device's `platform:` (validated by the schema, whose enum comes from this list). */
export function getPlatform(platform: string): PlatformModule {
  const found = PLATFORMS.find((p) => p.platform === platform);
  if (found === undefined) {
    throw new ConfigError(
      `unknown platform "${platform}"`,
      `use one of: ${PLATFORMS.map((p) => p.platform).join(', ')}`,
    );
  }
  return found;
}

/** The platform's driver factory; with a `fallback` platform, its contexts carry that platform's driver too. */
export async function getDriverFactory(platform: string): Promise<DriverFactory> {
  const module = getPlatform(platform);
  const factory = await module.load();
  if (module.fallback === undefined) return factory;
  const other = getPlatform(module.fallback);
  return (ctx) => factory({ ...ctx, fallback: async (endpoint) => (await other.load())({ ...ctx, endpoint }) });
}

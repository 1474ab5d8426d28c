// The literal map from platform to driver factory (DESIGN.md: only this file imports driver folders).

import type { Platform } from '../config/types.js';
import { ConfigError } from '../errors.js';
import { createIosDriver } from './cisco-ios/index.js';
import type { DriverFactory } from './driver.js';

const notYet =
  (platform: Platform): DriverFactory =>
  async (ctx) => {
    throw new ConfigError(
      `device ${ctx.spec.name}: platform "${platform}" is not yet supported by this tscm version`,
      'supported platforms: ios',
    );
  };

const FACTORIES: Readonly<Record<Platform, DriverFactory>> = {
  ios: (ctx) => createIosDriver(ctx),
  asa: notYet('asa'),
  'asa-rest': notYet('asa-rest'),
  pix: notYet('pix'),
};

export function getDriverFactory(platform: Platform): DriverFactory {
  const f = (FACTORIES as Partial<Record<string, DriverFactory>>)[platform];
  if (f === undefined) {
    throw new ConfigError(`unknown platform "${platform}"`, `use one of: ${Object.keys(FACTORIES).join(', ')}`);
  }
  return f;
}

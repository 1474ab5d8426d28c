import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { makeContext, makeIosSpec } from './cisco-ios/test-helpers.js';
import { getDriverFactory } from './registry.js';

describe('getDriverFactory', () => {
  it('refuses platforms without a driver yet, naming the device', async () => {
    const spec = { ...makeIosSpec('127.0.0.1', 22, {}), platform: 'asa' as const };
    const ctx = makeContext(spec, { username: 'u', password: 'p' }, { debug() {}, info() {}, warn() {}, error() {} });
    for (const p of ['asa', 'asa-rest', 'pix'] as const) {
      const err = await getDriverFactory(p)(ctx).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toMatch(new RegExp(`lab-rtr: platform "${p}" is not yet supported`));
    }
  });

  it('throws a ConfigError for an unknown platform and returns a factory for ios', () => {
    expect(() => getDriverFactory('nxos' as never)).toThrow(ConfigError);
    expect(typeof getDriverFactory('ios')).toBe('function');
  });
});

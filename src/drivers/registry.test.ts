import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { makeContext, makeIosSpec } from './cisco-ios/test-helpers.js';
import { getDriverFactory, getPlatform, PLATFORMS } from './registry.js';

describe('the platform registry', () => {
  it('refuses platforms without a driver yet, naming the device', async () => {
    const spec = { ...makeIosSpec('127.0.0.1', 22, {}), platform: 'asa' };
    const ctx = makeContext(spec, { username: 'u', password: 'p' }, { debug() {}, info() {}, warn() {}, error() {} });
    for (const p of PLATFORMS.filter((m) => m.title.length > 0 && m.platform !== 'ios')) {
      const factory = await getDriverFactory(p.platform);
      const err = await factory(ctx).catch((e: unknown) => e);
      if (!(err instanceof ConfigError)) continue; // a driver that landed connects (its own tests cover it)
      expect(err.message).toMatch(new RegExp(`lab-rtr: platform "${p.platform}" is not yet supported`));
    }
  });

  it('throws a ConfigError for an unknown platform and loads the ios driver on demand', async () => {
    expect(() => getPlatform('nxos')).toThrow(ConfigError);
    expect(typeof (await getDriverFactory('ios'))).toBe('function');
  });

  it('holds each platform once, with defaults and traits the config layer reads', () => {
    const ids = PLATFORMS.map((p) => p.platform);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(['ios', 'asa', 'asa-rest', 'pix']));
    for (const p of PLATFORMS) {
      expect(p.defaults.port).toBeGreaterThan(0);
      expect(p.traits.maxNameLength).toBeGreaterThan(p.groupNames.longestSuffix.length);
      expect(p.traits.families.length).toBeGreaterThan(0);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { getDriverFactory, getPlatform, PLATFORMS } from './registry.js';

describe('the platform registry', () => {
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

// The committed schemas/device.schema.json is exactly the composition of the base and the registry's platforms.

import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PLATFORMS } from '../drivers/registry.js';
import type { PlatformModule } from '../drivers/platform.js';
import { composeDeviceSchema } from './device-schema.js';

const BASE = new URL('./device-schema-base.json', import.meta.url);
const COMPOSED = new URL('../../schemas/device.schema.json', import.meta.url);

function composed(platforms: readonly PlatformModule[] = PLATFORMS): string {
  const base = JSON.parse(readFileSync(BASE, 'utf8')) as Record<string, unknown>;
  return JSON.stringify(composeDeviceSchema(base, platforms), null, 2) + '\n';
}

describe('schemas/device.schema.json', () => {
  it('is the base composed with every platform of the registry (UPDATE_SCHEMA=1 rewrites it)', () => {
    const text = composed();
    if (process.env['UPDATE_SCHEMA'] === '1') writeFileSync(COMPOSED, text);
    expect(JSON.parse(readFileSync(COMPOSED, 'utf8'))).toEqual(JSON.parse(text));
  });

  it("adds a new platform's setting and refuses it on the others, touching nothing else", () => {
    const extra: PlatformModule = {
      ...PLATFORMS[0]!,
      platform: 'nxos',
      title: 'Cisco NX-OS',
      settings: { 'advanced.vrf': { schema: { type: 'string' } } },
    };
    const doc = JSON.parse(composed([...PLATFORMS, extra])) as {
      properties: { platform: { enum: string[] } };
      $defs: { advanced: { properties: Record<string, unknown> } };
      allOf: { if: { properties: { platform: { const: string } } }; then: { properties: Record<string, unknown> } }[];
    };
    expect(doc.properties.platform.enum).toContain('nxos');
    expect(doc.$defs.advanced.properties['vrf']).toEqual({ type: 'string' });
    const ios = doc.allOf.find((a) => a.if.properties.platform.const === 'ios')!;
    expect(ios.then.properties['advanced']).toMatchObject({ properties: { vrf: false } });
    const nxos = doc.allOf.find((a) => a.if.properties.platform.const === 'nxos')!;
    expect(nxos.then.properties['hostKey']).toBe(false);
  });

  it('refuses two platforms defining one setting differently', () => {
    const a: PlatformModule = {
      ...PLATFORMS[0]!,
      platform: 'a',
      settings: { 'advanced.x': { schema: { type: 'string' } } },
    };
    const b: PlatformModule = { ...a, platform: 'b', settings: { 'advanced.x': { schema: { type: 'integer' } } } };
    expect(() => composed([a, b])).toThrow(/advanced.x differently/);
  });
});

// schemas/device.schema.json, composed: the base (device-schema-base.json: the fields every platform shares) plus
// each platform's own settings (src/drivers/*/platform.ts), with an if/then per platform refusing the settings it
// does not have. The composed file is committed (the public contract, read at run time without composing); a test
// keeps it equal to this composition, and platform-rules.ts derives its hints from the same platform data.

import type { PlatformModule } from '../drivers/platform.js';

type Json = Record<string, unknown>;

function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every setting path some platform has, in a stable order (first platform first). */
export function settingPaths(platforms: readonly PlatformModule[]): string[] {
  return [...new Set(platforms.flatMap((p) => Object.keys(p.settings)))];
}

/** The object whose `properties` hold the field at `path`: a top-level field, or one inside a $defs section. */
function propertiesFor(schema: Json, path: readonly string[]): Json {
  const defs = schema['$defs'] as Json;
  const holder = path.length === 1 ? schema : (defs[path[0] as string] as Json | undefined);
  if (!isRecord(holder) || !isRecord(holder['properties'])) {
    throw new Error(`device schema base has no section for the setting ${path.join('.')}`);
  }
  return holder['properties'];
}

/** `{ properties: { advanced: { type: object, properties: { x: false } } } }` for the paths a platform lacks. */
function refusalsFor(lacking: readonly string[]): Json {
  const properties: Json = {};
  for (const p of lacking) {
    const [first, second] = p.split('.') as [string, string | undefined];
    if (second === undefined) {
      properties[first] = false;
      continue;
    }
    const section = (properties[first] ??= { type: 'object', properties: {} }) as { properties: Json };
    section.properties[second] = false;
  }
  return { properties };
}

function listByPlatform(platforms: readonly PlatformModule[], section: string): string {
  return platforms
    .map((p) => {
      const own = Object.keys(p.settings)
        .filter((k) => k.startsWith(section + '.'))
        .map((k) => k.slice(section.length + 1));
      return `${p.platform}: ${own.length === 0 ? 'none' : own.join(', ')}`;
    })
    .join('; ');
}

export function composeDeviceSchema(base: Json, platforms: readonly PlatformModule[]): Json {
  const schema = structuredClone(base);
  schema['$comment'] =
    'Composed from src/config/device-schema-base.json and the platforms (src/drivers/*/platform.ts) by src/config/device-schema.ts: do not edit; UPDATE_SCHEMA=1 npx vitest run src/config/device-schema.test.ts writes it. allOf: settings a platform does not have are refused.';
  const props = schema['properties'] as Json;
  props['platform'] = {
    description: platforms.map((p) => `${p.platform}: ${p.title}`).join('; ') + '.',
    enum: platforms.map((p) => p.platform),
  };
  for (const p of platforms) {
    for (const [path, setting] of Object.entries(p.settings)) {
      if (setting.schema === undefined) continue;
      const segments = path.split('.');
      const field = segments.at(-1) as string;
      const holder = propertiesFor(schema, segments);
      const existing = holder[field];
      if (existing !== undefined && JSON.stringify(existing) !== JSON.stringify(setting.schema)) {
        throw new Error(`platforms define the setting ${path} differently; one schema per path`);
      }
      holder[field] = setting.schema;
    }
  }
  const defs = schema['$defs'] as Record<string, Json>;
  const adv = defs['advanced'] as Json;
  adv['description'] =
    `Connection and apply settings (connectTimeoutMs, commandTimeoutMs, applyWindow), and each platform's own: ${listByPlatform(platforms, 'advanced')}.`;
  const og = defs['objectGroups'] as Json;
  og['description'] = `Object-group names and sizes (maxEntries default 10000). Default names: ${platforms
    .map((p) => `${p.defaults.groups.block} / ${p.defaults.groups.allow} (${p.platform})`)
    .join(', ')}. Each platform's own: ${listByPlatform(platforms, 'objectGroups')}.`;
  const all = settingPaths(platforms);
  schema['allOf'] = platforms.map((p) => ({
    if: { required: ['platform'], properties: { platform: { const: p.platform } } },
    then: refusalsFor(all.filter((path) => !(path in p.settings))),
  }));
  return schema;
}

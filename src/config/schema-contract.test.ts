// The public contract: schemas/ compile with a plain ajv 2020 + ajv-formats (default strict options, as any
// external tool would use them), the examples validate with it, and the schema's per-platform if/then agrees
// with PLATFORM_RULES (which only adds the hints).

import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parseAllDocuments } from 'yaml';
import { describe, expect, test, vi } from 'vitest';
import { PLATFORM_RULES } from './platform-rules.js';
import type { Platform } from './types.js';

const schemaUrl = (name: string) => new URL(`../../schemas/${name}`, import.meta.url);
const readJson = (name: string): object => JSON.parse(readFileSync(schemaUrl(name), 'utf8')) as object;

function compile() {
  const warn = vi.fn();
  const ajv = new Ajv2020({ logger: { log: warn, warn, error: warn } });
  (addFormatsModule as unknown as (a: Ajv2020) => void)(ajv);
  ajv.addSchema(readJson('device.schema.json'));
  ajv.addSchema(readJson('settings.schema.json'));
  const device = ajv.getSchema('device.schema.json');
  const settings = ajv.getSchema('settings.schema.json');
  if (device === undefined || settings === undefined) throw new Error('schemas did not compile');
  return { device, settings, warn };
}

const PLATFORMS: readonly Platform[] = ['ios', 'asa', 'asa-rest', 'pix'];

const SAMPLE_VALUES: Record<string, unknown> = {
  'credentials.enablePassword': { env: 'ENABLE' },
  hostKey: { knownHosts: 'known_hosts' },
  'objectGroups.nestedSize': 100,
  'advanced.passwordPrompt': 'Password:',
  'advanced.ciphers': ['aes128-ctr'],
  'advanced.kex': ['curve25519-sha256'],
  'advanced.hostKeyAlgorithms': ['ssh-ed25519'],
  'advanced.compressConfig': 'leave',
  'advanced.tokenAuth': true,
  'advanced.allowSelfSigned': false,
  'advanced.certificateFingerprint': 'ab'.repeat(32),
  'advanced.apiUrl': 'https://192.0.2.30/api',
  'advanced.saveRetries': 2,
  'advanced.saveRetryDelayMs': 100,
  'advanced.configLockRetries': 2,
  'advanced.configLockRetryDelayMs': 100,
  'advanced.transport': 'telnet',
  'objectGroups.shimAddress': '10.255.255.253',
  'advanced.configSession': 'kill',
  'advanced.fallback': 'ssh',
  'advanced.sshPort': 2222,
  'advanced.requestsPerSecond': 5,
  'advanced.concurrency': 2,
  'advanced.requestTimeoutMs': 20000,
  'advanced.retry': { attempts: 3, maxSeconds: 60 },
  'advanced.chunkSize': 250,
};

function baseDevice(platform: Platform): Record<string, unknown> {
  return {
    name: 'd1',
    platform,
    deviceId: 'tdid_1',
    management: { host: '192.0.2.1' },
    credentials: { username: { env: 'U' }, password: { env: 'P' } },
    policy: { blockList: 'block.example' },
  };
}

describe('schemas/ as a public contract', () => {
  test('compile under default strict options without warnings', () => {
    const { warn } = compile();
    expect(warn).not.toHaveBeenCalled();
  });

  test('examples/devices validate with the bare schema', () => {
    const { device, settings } = compile();
    const read = (f: string) =>
      parseAllDocuments(readFileSync(new URL(`../../examples/devices/${f}`, import.meta.url), 'utf8')).map((d) =>
        d.toJS(),
      );
    for (const f of ['ios.yaml', 'asa.yaml', 'asa-rest.yaml', 'pix.yaml']) {
      for (const doc of read(f)) expect(device(doc), `${f}: ${JSON.stringify(device.errors)}`).toBe(true);
    }
    expect(settings(read('tscm.yaml')[0])).toBe(true);
  });

  test('per-platform if/then agrees with PLATFORM_RULES', () => {
    const { device } = compile();
    expect(Object.keys(SAMPLE_VALUES).sort()).toEqual(PLATFORM_RULES.map((r) => r.path.join('.')).sort());
    for (const rule of PLATFORM_RULES) {
      for (const platform of PLATFORMS) {
        const doc = baseDevice(platform);
        const [first, second] = rule.path;
        const value = SAMPLE_VALUES[rule.path.join('.')];
        if (second === undefined) doc[first] = value;
        else doc[first] = { ...(doc[first] as object | undefined), [second]: value };
        const label = `${rule.path.join('.')} on ${platform}`;
        expect(device(doc), label).toBe(rule.platforms.includes(platform));
      }
    }
  });

  test('a literal credential fails the bare schema too', () => {
    const { device } = compile();
    const doc = baseDevice('ios');
    doc['credentials'] = { username: { env: 'U' }, password: 'literal' };
    expect(device(doc)).toBe(false);
  });
});

// Valid trees: the shipped examples, built-in defaults, tscm.yaml defaults and path normalisation.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { formatDiagnostic } from './diagnostic.js';
import { loadDefinitions } from './load.js';
import { feedsFrom, NO_PROTECT } from './policy-feeds.js';
import type { DeviceSpec } from './types.js';

/** tscm.yaml `logs` when it sets nothing. */
const DEFAULT_LOG_SETTINGS = {
  udp: [{ host: '0.0.0.0', port: 514 }],
  tcp: [
    { host: '0.0.0.0', port: 514 },
    { host: '0.0.0.0', port: 1470 },
  ],
  rotateIntervalMs: 900_000,
  spoolMaxBytes: 1024 * 1024 * 1024,
  retry: { firstDelayMs: 5000, maxDelayMs: 600_000 },
};

const EXAMPLES = resolve(dirname(fileURLToPath(import.meta.url)), '../../examples/devices');

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function writeTree(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tscm-config-'));
  dirs.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, rel)), { recursive: true });
    await writeFile(join(dir, rel), text);
  }
  return dir;
}

function byName(devices: DeviceSpec[], name: string): DeviceSpec {
  const d = devices.find((x) => x.name === name);
  if (d === undefined) throw new Error(`no device ${name}`);
  return d;
}

test('examples/devices: every file validates, one device per platform at least', async () => {
  const r = await loadDefinitions(EXAMPLES);
  expect(r.diagnostics.map(formatDiagnostic)).toEqual([]);
  expect(new Set(r.devices.map((d) => d.platform))).toEqual(new Set(['ios', 'asa', 'asa-rest', 'pix']));
  expect(r.devices.map((d) => d.name).sort()).toEqual([
    'branch-isr-01',
    'dc-asa-01',
    'dr-asa-01',
    'hq-asa-rest',
    'lab-pix-01',
  ]);
  expect(r.settings.settingsFile).toBe('tscm.yaml');
  expect(r.settings.stateDir).toBe(join(EXAMPLES, '.tscm'));
  const asa = byName(r.devices, 'dc-asa-01');
  expect(asa.policy.allowList).toEqual(feedsFrom({ kind: 'file', path: join(EXAMPLES, 'lists/allow.txt') }));
  expect(asa.peers).toEqual([{ host: '192.0.2.21', port: 22 }]);
  expect(asa.hostKey).toEqual({ knownHosts: join(EXAMPLES, 'known_hosts') });
  const rest = byName(r.devices, 'hq-asa-rest');
  // The fleet known_hosts default reaches an HTTPS device too: its SSH fallback checks the host key with it.
  expect(rest.hostKey).toEqual({ knownHosts: join(EXAMPLES, 'known_hosts') });
  expect(rest.options['advanced.certificateFingerprint']).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
});

const MINIMAL = (name: string, platform: string, extra = ''): string =>
  `name: ${name}\nplatform: ${platform}\ndeviceId: tdid_${name}\nmanagement: { host: 192.0.2.1 }\npolicy:\n  blockList: Block.Example.\n${extra}`;

describe('defaults', () => {
  test('built-in defaults per platform', async () => {
    const creds = 'credentials: { username: { env: U }, password: { env: P } }\n';
    const server = 'policy:\n  blockList: Block.Example.\n  server: { host: ns.example }\n';
    const dir = await writeTree({
      'ios.yaml': MINIMAL('i', 'ios', creds).replace(/policy:\n.*\n/, server),
      'rest.yaml': MINIMAL('r', 'asa-rest', creds).replace(/policy:\n.*\n/, server),
    });
    const r = await loadDefinitions(dir);
    expect(r.diagnostics).toEqual([]);
    const ios = byName(r.devices, 'i');
    expect(ios).toEqual({
      name: 'i',
      platform: 'ios',
      deviceId: 'tdid_i',
      management: { host: '192.0.2.1', port: 22 },
      peers: [],
      credentials: { username: { env: 'U' }, password: { env: 'P' } },
      hostKey: {},
      policy: {
        blockList: feedsFrom({ kind: 'zone', zone: 'block.example', server: { host: 'ns.example', port: 53 } }),
        allowList: [],
      },
      protect: NO_PROTECT,
      objectGroups: { block: 'threatstop-block', allow: 'threatstop-allow', maxEntries: 10000 },
      policyUpdates: true,
      safety: { maxRemoveShare: 0.5 },
      logs: { upload: false, rotateKb: 100, sources: [] },
      advanced: { connectTimeoutMs: 15000, commandTimeoutMs: 60000, applyWindow: 5000 },
      // The platform's own settings as written (none here): its driver applies their defaults.
      options: {},
      source: { file: 'ios.yaml', line: 1 },
    });
    const rest = byName(r.devices, 'r');
    expect(rest.management.port).toBe(443);
    expect(rest.objectGroups).toMatchObject({ block: 'ThreatSTOP-Block', allow: 'ThreatSTOP-Allow' });
    expect(r.settings).toEqual({
      definitionsDir: dir,
      stateDir: join(dir, '.tscm'),
      state: { backend: 'local' },
      schedule: { windows: [] },
      drift: 'heal',
      logs: DEFAULT_LOG_SETTINGS,
    });
  });

  test('tscm.yaml defaults: device wins, platform-specific defaults reach only their platforms', async () => {
    const dir = await writeTree({
      'tscm.yaml': [
        'stateDir: ../state',
        'policyServer: { host: 192.0.2.53, port: 5353 }',
        'defaults:',
        '  credentials:',
        '    username: { env: FLEET_USER }',
        '    password: { file: secrets/fleet-password }',
        '  hostKey: { knownHosts: ssh/known_hosts }',
        '  objectGroups: { maxEntries: 2000, nestedSize: 500 }',
        '  logs: { rotateKb: 64, forward: { host: 198.51.100.9 } }',
        '  advanced: { tokenAuth: true, compressConfig: compress, connectTimeoutMs: 5000 }',
        '',
      ].join('\n'),
      'site/ios.yaml': MINIMAL(
        'i',
        'ios',
        'credentials: { password: { file: ../pw } }\nobjectGroups: { maxEntries: 3000 }\nlogs: { rotateKb: 80 }\n',
      ),
      'rest.yaml': MINIMAL('r', 'asa-rest', 'peers: [{ host: 192.0.2.2 }]\nadvanced: { tokenAuth: false }\n'),
      'asa.yaml': MINIMAL('a', 'asa'),
    });
    const r = await loadDefinitions(dir);
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(r.settings).toEqual({
      definitionsDir: dir,
      settingsFile: 'tscm.yaml',
      stateDir: resolve(dir, '../state'),
      policyServer: { host: '192.0.2.53', port: 5353 },
      state: { backend: 'local' },
      schedule: { windows: [] },
      drift: 'heal',
      logs: DEFAULT_LOG_SETTINGS,
    });
    const ios = byName(r.devices, 'i');
    expect(ios.credentials).toEqual({
      username: { env: 'FLEET_USER' },
      password: { file: join(dir, 'pw') }, // relative to site/, where the device file is
    });
    expect(ios.hostKey).toEqual({ knownHosts: join(dir, 'ssh/known_hosts') });
    expect(ios.objectGroups).toEqual({
      block: 'threatstop-block',
      allow: 'threatstop-allow',
      maxEntries: 3000,
    });
    expect(ios.options['objectGroups.nestedSize']).toBeUndefined(); // the ASA-only default does not reach IOS
    expect(ios.logs).toEqual({
      upload: false,
      rotateKb: 80,
      sources: [],
      forward: { host: '198.51.100.9', port: 514, protocol: 'udp' },
    });
    expect(ios.advanced).toMatchObject({ connectTimeoutMs: 5000 });
    expect(ios.options).toEqual({ 'advanced.compressConfig': 'compress' }); // tokenAuth is asa-rest's
    expect(ios.policy.blockList).toEqual(
      feedsFrom({ kind: 'zone', zone: 'block.example', server: { host: '192.0.2.53', port: 5353 } }),
    );

    const rest = byName(r.devices, 'r');
    expect(rest.credentials.password).toEqual({ file: join(dir, 'secrets/fleet-password') });
    expect(rest.hostKey).toEqual({ knownHosts: join(dir, 'ssh/known_hosts') }); // for its SSH fallback
    expect(rest.options).toMatchObject({ 'advanced.tokenAuth': false, 'objectGroups.nestedSize': 500 });
    expect(rest.options['advanced.compressConfig']).toBeUndefined();
    expect(rest.peers).toEqual([{ host: '192.0.2.2', port: 443 }]);

    const asa = byName(r.devices, 'a');
    expect(asa.options['advanced.tokenAuth']).toBeUndefined();
    expect(asa.objectGroups).toMatchObject({ block: 'ThreatSTOP-Block', maxEntries: 2000 });
    expect(asa.options['objectGroups.nestedSize']).toBe(500);
  });

  test('a file zone source is relative to its YAML file and needs no policy server', async () => {
    const dir = await writeTree({
      'east/fw.yaml': MINIMAL('f', 'pix', 'credentials: { username: { env: U }, password: { env: P } }\n').replace(
        'blockList: Block.Example.',
        'blockList: { file: lists/block.txt }',
      ),
    });
    const r = await loadDefinitions(dir);
    expect(r.diagnostics).toEqual([]);
    expect(r.devices[0]?.policy.blockList).toEqual(
      feedsFrom({ kind: 'file', path: join(dir, 'east/lists/block.txt') }),
    );
  });
});

describe('tscm.yaml reconcile settings', () => {
  test('reads the git state backend, change windows and drift, with their defaults', async () => {
    const dir = await writeTree({
      'tscm.yaml': [
        'state: { backend: git, repo: "https://git.example.org/net/defs.git", token: { env: STATE_TOKEN } }',
        'schedule:',
        '  windows:',
        '    - { kind: allow, schedule: "0 22 * * 1-5", duration: 1h30m, devices: ["edge-*"] }',
        '    - { kind: deny, schedule: "0 0 24 12 *", duration: 48h, timeZone: Europe/Paris }',
        'drift: report',
        'policyServer: { host: 192.0.2.53 }',
        'defaults: { credentials: { username: { env: U }, password: { env: P } } }',
      ].join('\n'),
      'ios.yaml': MINIMAL('i', 'ios'),
    });
    const r = await loadDefinitions(dir);
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(r.settings.state).toEqual({
      backend: 'git',
      repo: 'https://git.example.org/net/defs.git',
      branch: 'tscm-state',
      lockTtlSeconds: 3600,
      token: { env: 'STATE_TOKEN' },
    });
    expect(r.settings.schedule.windows).toEqual([
      { kind: 'allow', schedule: '0 22 * * 1-5', durationMs: 90 * 60_000, timeZone: 'UTC', devices: ['edge-*'] },
      { kind: 'deny', schedule: '0 0 24 12 *', durationMs: 48 * 3_600_000, timeZone: 'Europe/Paris', devices: [] },
    ]);
    expect(r.settings.drift).toBe('report');
  });

  test('state.dir of the local backend wins over stateDir', async () => {
    const dir = await writeTree({
      'tscm.yaml': 'stateDir: old\nstate: { backend: local, dir: ../new }\n',
      'ios.yaml': MINIMAL('i', 'ios'),
    });
    const r = await loadDefinitions(dir);
    expect(r.settings.stateDir).toBe(resolve(dir, '../new'));
  });

  test('refuses a git backend without a repo, a bad branch and a bad duration, naming the field', async () => {
    const dir = await writeTree({
      'tscm.yaml':
        'state: { backend: git, branch: "-x" }\nschedule: { windows: [{ kind: allow, schedule: "* * * * *", duration: 3 }] }\n',
      'ios.yaml': MINIMAL('i', 'ios'),
    });
    const r = await loadDefinitions(dir);
    const text = r.diagnostics.map(formatDiagnostic).join('\n');
    expect(text).toMatch(/tscm\.yaml/);
    expect(text).toMatch(/state/);
    expect(text).toMatch(/duration/);
  });
});

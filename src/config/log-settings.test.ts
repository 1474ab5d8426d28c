// tscm.yaml `logs`: defaults, paths, every problem named with file:line, field and fix; the log folder's choice.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { formatDiagnostic } from './diagnostic.js';
import { loadDefinitions } from './load.js';
import { logDirOf, parseListenAddress } from './log-settings.js';

const DEVICE = (extra = '') => `name: r1
platform: ios
deviceId: tdid_1
management: { host: 192.0.2.10 }
credentials:
  username: { env: U }
  password: { env: P }
policy:
  blockList: block.example
  server: { host: 192.0.2.53 }
${extra}`;

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function writeTree(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tscm-logset-'));
  dirs.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, rel)), { recursive: true });
    await writeFile(join(dir, rel), text);
  }
  return dir;
}

describe('tscm.yaml logs', () => {
  test('every setting read, paths relative to the root, durations with seconds', async () => {
    const dir = await writeTree({
      'tscm.yaml': [
        'logs:',
        '  dir: var/logs',
        '  uploadUrl: https://logs.example.net/upload',
        '  uploadCa: ca.pem',
        '  uploadToken: { file: secrets/token }',
        '  udp: ["127.0.12.1:5514", "[::1]:5514"]',
        '  tcp: []',
        '  rotateInterval: 1m30s',
        '  spoolMb: 2',
        '  retry: { firstDelay: 1s, maxDelay: 2m }',
        '',
      ].join('\n'),
      'r1.yaml': DEVICE('logs: { upload: true }\n'),
    });
    const r = await loadDefinitions(dir);
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(r.settings.logs).toEqual({
      dir: join(dir, 'var/logs'),
      uploadUrl: 'https://logs.example.net/upload',
      uploadCa: join(dir, 'ca.pem'),
      uploadToken: { file: join(dir, 'secrets/token') },
      udp: [
        { host: '127.0.12.1', port: 5514 },
        { host: '::1', port: 5514 },
      ],
      tcp: [],
      rotateIntervalMs: 90_000,
      spoolMaxBytes: 2 * 1024 * 1024,
      retry: { firstDelayMs: 1000, maxDelayMs: 120_000 },
    });
    expect(r.devices[0]?.logs.upload).toBe(true);
  });

  test('problems: file:line, field, fix; every one at once', async () => {
    const dir = await writeTree({
      'tscm.yaml': [
        'logs:',
        '  uploadUrl: http://logs.example.net/upload',
        '  udp: ["300.1.1.1:514", "[::]:70000", "::1:514"]',
        '  rotateInterval: 15x',
        '',
      ].join('\n'),
    });
    const r = await loadDefinitions(dir);
    const text = r.diagnostics.map(formatDiagnostic);
    expect(text.some((t) => t.startsWith('tscm.yaml:2:') && t.includes('/logs/uploadUrl'))).toBe(true);
    expect(text.some((t) => t.startsWith('tscm.yaml:4:') && t.includes('/logs/rotateInterval'))).toBe(true);

    // Shapes right, values wrong: the checks after the schema.
    const dir2 = await writeTree({
      'tscm.yaml': [
        'logs:',
        '  udp: ["300.1.1.1:514", "[::]:70000", "[10.0.0.1]:514"]',
        '  rotateInterval: 0s',
        '  retry: { firstDelay: 20m }',
        '',
      ].join('\n'),
    });
    const r2 = await loadDefinitions(dir2);
    expect(r2.diagnostics.map(formatDiagnostic)).toEqual([
      expect.stringMatching(/^tscm\.yaml:2:\d+: \/logs\/udp\/0: "300\.1\.1\.1:514" is not a listen address.*\(e\.g\./),
      expect.stringMatching(/^tscm\.yaml:2:\d+: \/logs\/udp\/1: "\[::\]:70000" is not a listen address/),
      expect.stringMatching(/^tscm\.yaml:2:\d+: \/logs\/udp\/2: "\[10\.0\.0\.1\]:514" is not a listen address/),
      'tscm.yaml:3:19: /logs/rotateInterval: the rotation interval must be at least 1s (e.g. 15m (the default), 1h or 30s)',
      expect.stringMatching(
        /^tscm\.yaml:4:\d+: \/logs\/retry\/firstDelay: the first retry delay \(20m\) is longer than the longest \(10m\)/,
      ),
    ]);
  });

  test('logs.upload without an uploadUrl: a diagnostic at the device (own or from defaults); the device still loads', async () => {
    const dir = await writeTree({
      'tscm.yaml': 'defaults:\n  logs: { upload: true }\n',
      'r1.yaml': DEVICE(),
      'r2.yaml': DEVICE('logs: { upload: true }\n').replace('r1', 'r2'),
      'r3.yaml': DEVICE('logs: { upload: false }\n').replace('r1', 'r3'),
    });
    const r = await loadDefinitions(dir);
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      'r1.yaml:1:7: /name: logs.upload is true (from tscm.yaml defaults) but tscm.yaml names no logs.uploadUrl (set logs.uploadUrl in tscm.yaml (an https:// endpoint), or logs.upload: false to keep the files)',
      'r2.yaml:11:17: /logs/upload: logs.upload is true but tscm.yaml names no logs.uploadUrl (set logs.uploadUrl in tscm.yaml (an https:// endpoint), or logs.upload: false to keep the files)',
    ]);
    expect(r.devices.map((d) => d.name).sort()).toEqual(['r1', 'r2', 'r3']);
  });
});

describe('logDirOf', () => {
  const logs = { udp: [], tcp: [], rotateIntervalMs: 1, spoolMaxBytes: 1, retry: { firstDelayMs: 1, maxDelayMs: 1 } };
  test('TSCM_LOG_DIR, then tscm.yaml, then beside a clone, then under the definitions', () => {
    const defs = { definitionsDir: '/defs', logs };
    expect(logDirOf(defs, { env: { TSCM_LOG_DIR: '/var/log/tscm' } })).toBe('/var/log/tscm');
    expect(logDirOf({ ...defs, logs: { ...logs, dir: '/srv/logs' } }, { env: {}, cloneWorkDir: '/w/c' })).toBe(
      '/srv/logs',
    );
    expect(logDirOf(defs, { env: {}, cloneWorkDir: '/w/checkout' })).toBe('/w/checkout.logs');
    expect(logDirOf(defs, { env: { TSCM_LOG_DIR: '' } })).toBe('/defs/.tscm-logs');
  });
});

test('parseListenAddress', () => {
  expect(parseListenAddress('0.0.0.0:514')).toEqual({ host: '0.0.0.0', port: 514 });
  expect(parseListenAddress('[::]:1470')).toEqual({ host: '::', port: 1470 });
  expect(parseListenAddress('127.0.12.7:0')).toEqual({ host: '127.0.12.7', port: 0 });
  for (const bad of ['::1:514', '[1.2.3.4]:1', '1.2.3.4', '1.2.3.4:65536', 'host:514', '[::1]', ':514'])
    expect(parseListenAddress(bad), bad).toBeNull();
});

// Each class of definition error is reported with file:line:column, the field path and a useful hint.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { formatDiagnostic } from './diagnostic.js';
import type { Diagnostic } from './diagnostic.js';
import { loadDefinitions } from './load.js';

const VALID = `name: r1
platform: ios
deviceId: tdid_1
management: { host: 192.0.2.10 }
credentials:
  username: { env: U }
  password: { env: P }
policy:
  blockList: block.example
  server: { host: 192.0.2.53 }
`;

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

/** Load one device file and return its diagnostics (no device must load). */
async function diagnose(text: string): Promise<Diagnostic[]> {
  const r = await loadDefinitions(await writeTree({ 'd.yaml': text }));
  expect(r.devices).toEqual([]);
  return r.diagnostics;
}

const at = (d: Diagnostic | undefined) => (d === undefined ? undefined : `${d.file}:${d.line}:${d.column} ${d.path}`);

describe('error classes', () => {
  test('the base document is valid (so each case below fails for its own reason)', async () => {
    const r = await loadDefinitions(await writeTree({ 'd.yaml': VALID }));
    expect(r.diagnostics).toEqual([]);
    expect(r.devices.map((d) => d.name)).toEqual(['r1']);
  });

  test('YAML syntax error with its position', async () => {
    const ds = await diagnose('name: r1\nplatform: [ios\nfoo: bar\n');
    expect(ds).toHaveLength(1);
    expect(at(ds[0])).toBe('d.yaml:3:1 ');
    expect(ds[0]?.message).toMatch(/^YAML syntax error: Flow sequence/);
  });

  test('duplicate key is a syntax error at the second key', async () => {
    const ds = await diagnose(VALID + 'name: r2\n');
    expect(at(ds[0])).toBe('d.yaml:11:1 ');
    expect(ds[0]?.message).toMatch(/unique/);
  });

  test('a syntax error never quotes the source text', async () => {
    const ds = await diagnose('name: r1\npassword: "hunter2secret\n');
    expect(ds.length).toBeGreaterThan(0);
    for (const d of ds) expect(formatDiagnostic(d)).not.toContain('hunter2secret');
  });

  test('unknown field, with the closest known name as hint, at the key', async () => {
    const ds = await diagnose(VALID + 'objectGroup: { block: x }\n');
    expect(ds).toEqual([
      {
        file: 'd.yaml',
        line: 11,
        column: 1,
        path: '/objectGroup',
        message: 'unknown field "objectGroup"',
        hint: 'did you mean "objectGroups"?',
      },
    ]);
  });

  test('unknown nested field far from any name lists the known fields', async () => {
    const ds = await diagnose(VALID + 'logs:\n  zzzzzzzz: 1\n');
    expect(at(ds[0])).toBe('d.yaml:12:3 /logs/zzzzzzzz');
    expect(ds[0]?.hint).toBe('known fields: upload, rotateKb, sources, forward, proxy');
  });

  test('literal password: refused, with the fix, without echoing the value', async () => {
    const ds = await diagnose(VALID.replace('password: { env: P }', 'password: hunter2secret'));
    expect(ds).toHaveLength(1);
    expect(at(ds[0])).toBe('d.yaml:7:13 /credentials/password');
    expect(ds[0]?.message).toBe('a literal secret is not allowed here');
    expect(ds[0]?.hint).toContain('{ env: VARIABLE }');
    expect(JSON.stringify(ds)).not.toContain('hunter2secret');
  });

  test('literal numeric enable password is refused too', async () => {
    const ds = await diagnose(VALID.replace('password: { env: P }', 'password: { env: P }\n  enablePassword: 123456'));
    expect(at(ds[0])).toBe('d.yaml:8:19 /credentials/enablePassword');
    expect(JSON.stringify(ds)).not.toContain('123456');
  });

  test('bad IP address', async () => {
    const ds = await diagnose(VALID.replace('192.0.2.10', '192.0.2.999'));
    expect(ds).toHaveLength(1);
    expect(at(ds[0])).toBe('d.yaml:4:21 /management/host');
    expect(ds[0]?.message).toBe('expected an IPv4 or IPv6 address or a DNS hostname');
  });

  test('bad hostname and bad IPv6 in peers', async () => {
    const ds = await diagnose(VALID + 'peers:\n  - { host: "fw 2" }\n  - { host: "2001:db8::zz" }\n');
    expect(ds.map(at)).toEqual(['d.yaml:12:13 /peers/0/host', 'd.yaml:13:13 /peers/1/host']);
  });

  test('port out of range, and a quoted port', async () => {
    const ds = await diagnose(VALID.replace('{ host: 192.0.2.10 }', '{ host: 192.0.2.10, port: 70000 }'));
    expect(at(ds[0])).toBe('d.yaml:4:39 /management/port');
    expect(ds[0]?.message).toBe('expected a port number from 1 to 65535');
    const quoted = await diagnose(VALID.replace('{ host: 192.0.2.10 }', '{ host: 192.0.2.10, port: "22" }'));
    expect(at(quoted[0])).toBe('d.yaml:4:39 /management/port');
  });

  test('object-group names that would break a command line', async () => {
    for (const bad of ['threat stop', '"a\\nb"', 'x'.repeat(65), '"a;b"']) {
      const ds = await diagnose(VALID + `objectGroups: { block: ${bad} }\n`);
      expect(ds.map(at)).toEqual(['d.yaml:11:24 /objectGroups/block']);
      expect(ds[0]?.message).toMatch(/object-group name/);
    }
  });

  test('control characters in a zone name are refused', async () => {
    const ds = await diagnose(VALID.replace('blockList: block.example', 'blockList: "block.example\\r\\nexit"'));
    expect(at(ds[0])).toBe('d.yaml:9:14 /policy/blockList');
  });

  test('platform field on the wrong platform, at the key, with a hint', async () => {
    const ds = await diagnose(VALID + 'advanced:\n  tokenAuth: true\n');
    expect(ds).toEqual([
      {
        file: 'd.yaml',
        line: 12,
        column: 3,
        path: '/advanced/tokenAuth',
        message: 'advanced.tokenAuth does not apply to platform ios',
        hint: 'advanced.tokenAuth is for asa-rest only: remove it from this device',
      },
    ]);
    // asa-rest takes the SSH settings for its fallback to the ASA driver; the REST ones stay its own.
    const asa = await diagnose(VALID.replace('platform: ios', 'platform: asa') + 'advanced: { chunkSize: 100 }\n');
    expect(asa.map((d) => `${d.path}: ${d.message} (${d.hint})`)).toEqual([
      '/advanced/chunkSize: advanced.chunkSize does not apply to platform asa (advanced.chunkSize is for asa-rest only: remove it from this device)',
    ]);
  });

  test('policy server port other than 53/5353', async () => {
    const ds = await diagnose(VALID.replace('{ host: 192.0.2.53 }', '{ host: 192.0.2.53, port: 54 }'));
    expect(ds).toEqual([
      {
        file: 'd.yaml',
        line: 10,
        column: 37,
        path: '/policy/server/port',
        message: 'not an allowed value',
        hint: 'allowed values: 53, 5353',
      },
    ]);
  });

  test('rotate size below 50 KB', async () => {
    const ds = await diagnose(VALID + 'logs:\n  rotateKb: 10\n');
    expect(at(ds[0])).toBe('d.yaml:12:13 /logs/rotateKb');
    expect(ds[0]?.message).toBe('must be >= 50');
  });

  test('wrong enum: allowed values and the closest one', async () => {
    const ds = await diagnose(VALID.replace('platform: ios', 'platform: asa_rest'));
    expect(at(ds[0])).toBe('d.yaml:2:11 /platform');
    expect(ds[0]?.hint).toBe('allowed values: ios, asa, asa-rest, pix; did you mean "asa-rest"?');
  });

  test('missing required fields point at the document', async () => {
    const ds = await diagnose('name: r1\nplatform: ios\n');
    expect(ds.map((d) => d.path)).toEqual(['/deviceId', '/management', '/policy']);
    expect(ds.every((d) => d.line === 1 && d.column === 1)).toBe(true);
  });

  test('a zone without any policy server', async () => {
    const ds = await diagnose(VALID.replace('  server: { host: 192.0.2.53 }\n', ''));
    expect(at(ds[0])).toBe('d.yaml:9:14 /policy/blockList');
    expect(ds[0]?.hint).toContain('policyServer in tscm.yaml');
  });

  test('missing credentials (no defaults)', async () => {
    const ds = await diagnose(VALID.replace('  password: { env: P }\n', ''));
    expect(ds[0]?.message).toBe('missing credentials.password');
  });

  test('same block and allow group names; bad prompt regex; duplicate peer', async () => {
    const ds = await diagnose(
      VALID +
        'objectGroups: { block: TS, allow: ts }\nadvanced: { passwordPrompt: "([" }\npeers: [{ host: 192.0.2.10 }]\n',
    );
    expect(ds.map(at)).toEqual([
      'd.yaml:11:35 /objectGroups/allow',
      'd.yaml:12:29 /advanced/passwordPrompt',
      'd.yaml:13:9 /peers/0',
    ]);
  });

  test('every problem of a document is reported at once', async () => {
    const ds = await diagnose(
      VALID.replace('192.0.2.10', '10.0.0.300').replace('platform: ios', 'platform: ios\ncolour: red') +
        'logs: { rotateKb: 1 }\nadvanced: { apiUrl: "https://x" }\n',
    );
    expect(ds.map((d) => d.path)).toEqual(['/colour', '/management/host', '/logs/rotateKb', '/advanced/apiUrl']);
  });
});

describe('across files and documents', () => {
  test('duplicate nickname across two files names both places; the devices do not load', async () => {
    const dir = await writeTree({
      'a.yaml': VALID,
      'site/b.yml': VALID.replace('name: r1', 'name: R1'),
      'c.yaml': VALID.replace('name: r1', 'name: r3'),
    });
    const r = await loadDefinitions(dir);
    expect(r.devices.map((d) => d.name)).toEqual(['r3']);
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      'a.yaml:1:7: /name: duplicate device name "r1", also defined at site/b.yml:1:7 (device nicknames must be unique across the definitions (ignoring case): rename one)',
      'site/b.yml:1:7: /name: duplicate device name "R1", also defined at a.yaml:1:7 (device nicknames must be unique across the definitions (ignoring case): rename one)',
    ]);
  });

  test('multi-document file: the valid document loads, the broken one reports its own lines', async () => {
    const second = VALID.replace('name: r1', 'name: r2').replace('192.0.2.10', '192.0.2.300');
    const dir = await writeTree({ 'pair.yaml': `${VALID}---\n${second}---\n# only a comment\n` });
    const r = await loadDefinitions(dir);
    expect(r.devices.map((d) => [d.name, d.source])).toEqual([['r1', { file: 'pair.yaml', line: 1 }]]);
    expect(r.diagnostics.map(at)).toEqual(['pair.yaml:15:21 /management/host']);
  });

  test('a syntax error in one document does not hide the others', async () => {
    const dir = await writeTree({ 'm.yaml': `${VALID}---\nname: [\n---\n${VALID.replace('r1', 'r2')}` });
    const r = await loadDefinitions(dir);
    expect(r.devices.map((d) => d.name)).toEqual(['r1', 'r2']);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]?.line).toBe(13);
  });

  test('skips hidden folders and node_modules; tscm.yaml below the root is refused', async () => {
    const dir = await writeTree({
      'a.yaml': VALID,
      '.tscm/x.yaml': 'junk: [',
      '.git/y.yaml': 'junk: [',
      'node_modules/z/z.yaml': 'junk: [',
      'lists/block.txt': '198.51.100.0/24\n',
      'site/tscm.yaml': 'stateDir: x\n',
    });
    const r = await loadDefinitions(dir);
    expect(r.devices).toHaveLength(1);
    expect(r.diagnostics.map(at)).toEqual(['site/tscm.yaml:1:1 ']);
  });

  test('errors in tscm.yaml are reported and no device loads on broken defaults', async () => {
    const dir = await writeTree({
      'tscm.yaml': 'policyServer: { host: 192.0.2.53, port: 99 }\ndefault: {}\n',
      'a.yaml': VALID,
      'b.yaml': VALID.replace('r1', 'r2').replace('rotateKb', 'x') + 'logs: { rotateKb: 3 }\n',
    });
    const r = await loadDefinitions(dir);
    expect(r.devices).toEqual([]);
    expect(r.diagnostics.map(at)).toEqual([
      'b.yaml:11:19 /logs/rotateKb',
      'tscm.yaml:1:41 /policyServer/port',
      'tscm.yaml:2:1 /default',
    ]);
    expect(r.diagnostics[2]?.hint).toBe('did you mean "defaults"?');
  });

  test('a missing definitions folder is a ConfigError', async () => {
    await expect(loadDefinitions(join(tmpdir(), 'tscm-no-such-dir-x'))).rejects.toThrow(/does not exist/);
  });
});

test('formatDiagnostic', () => {
  expect(formatDiagnostic({ file: 'a.yaml', line: 3, column: 5, path: '/x', message: 'bad', hint: 'fix it' })).toBe(
    'a.yaml:3:5: /x: bad (fix it)',
  );
  expect(formatDiagnostic({ file: 'a.yaml', line: 1, column: 1, path: '', message: 'bad' })).toBe('a.yaml:1:1: bad');
});

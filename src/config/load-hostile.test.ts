// Hostile definitions: nothing secret is echoed (keys under secret references, YAML syntax errors), deep nesting is
// one clear error, empty and unreadable files are named as such, odd files are refused by type and size, and no
// file name or key can forge an extra `file:line` line in the output.

import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { formatDiagnostic } from './diagnostic.js';
import type { Diagnostic } from './diagnostic.js';
import { loadDefinitions } from './load.js';

const SECRET = 'hunter2zz';

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

async function writeTree(files: Record<string, string | Buffer>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tscm-hostile-'));
  dirs.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, rel)), { recursive: true });
    await writeFile(join(dir, rel), text);
  }
  return dir;
}

async function diagnose(files: Record<string, string | Buffer>): Promise<Diagnostic[]> {
  const r = await loadDefinitions(await writeTree(files));
  expect(r.devices).toEqual([]);
  return r.diagnostics;
}

const lines = (ds: Diagnostic[]) => ds.map(formatDiagnostic);

describe('nothing secret is echoed', () => {
  test.each([
    ['a key typed inside a secret reference', VALID.replace('password: { env: P }', `password: { ${SECRET} }`)],
    ['a key beside env', VALID.replace('password: { env: P }', `password: { env: P, ${SECRET}: 1 }`)],
    ['a key under credentials', VALID.replace('credentials:\n', `credentials:\n  ${SECRET}: { env: X }\n`)],
    [
      'a key under logs.proxy.password',
      `${VALID}logs:\n  proxy: { url: "http://192.0.2.1:3128", password: { ${SECRET}: x } }\n`,
    ],
  ])('%s: "an unknown key" at the parent path', async (_what, text) => {
    const ds = await diagnose({ 'd.yaml': text });
    expect(ds.length).toBeGreaterThan(0);
    const d = ds.find((x) => x.message.startsWith('an unknown key'));
    expect(d?.message).toBe('an unknown key (not shown: it may be a secret)');
    expect(d?.path.endsWith(SECRET)).toBe(false);
    expect(JSON.stringify(ds)).not.toContain(SECRET);
  });

  test('tscm.yaml defaults.credentials too', async () => {
    const dir = await writeTree({
      'tscm.yaml': `defaults:\n  credentials:\n    password: { ${SECRET} }\n`,
      'd.yaml': VALID,
    });
    const r = await loadDefinitions(dir);
    expect(r.diagnostics.map((d) => `${d.file} ${d.path} ${d.message}`)).toEqual([
      'tscm.yaml /defaults/credentials/password an unknown key (not shown: it may be a secret)',
    ]);
    expect(JSON.stringify(r.diagnostics)).not.toContain(SECRET);
  });

  test('a key elsewhere is still named, with its closest known field', async () => {
    const ds = await diagnose({ 'd.yaml': VALID + 'policyUpdate: true\n' });
    expect(ds[0]?.message).toBe('unknown field "policyUpdate"');
  });

  // yaml's own messages quote the source in places; the secret sits exactly where each would quote it.
  test.each([
    ['a directive', `%${SECRET} x\n---\n${VALID}`],
    ['a YAML version', `%YAML ${SECRET}\n---\n${VALID}`],
    ['a tag', VALID.replace('{ env: P }', `!${SECRET} { env: P }`)],
    ['a verbatim tag', VALID.replace('{ env: P }', `!<${SECRET}> { env: P }`)],
    ['a tag with no suffix', VALID.replace('{ env: P }', `!${SECRET}! { env: P }`)],
    ['a block scalar header', VALID.replace('{ env: P }', `|${SECRET}\n    x`)],
    ['an escape', VALID.replace('{ env: P }', `"\\q${SECRET}"`)],
    ['an unterminated quote', VALID.replace('{ env: P }', `"${SECRET}`)],
    ['an unknown alias', VALID.replace('{ env: P }', `*${SECRET}`)],
    ['stray text after a flow map', VALID.replace('{ env: P }', `{ env: P } ${SECRET}`)],
    ['text at the wrong indent', VALID.replace('  password: { env: P }', ` ${SECRET}`)],
    ['a plain scalar starting with an indicator', VALID.replace('{ env: P }', `@${SECRET}`)],
    ['a flow sequence with a secret', VALID.replace('{ env: P }', `[${SECRET}, {]`)],
    ['a key over 1024 characters', `${SECRET.repeat(120)}: 1\n`],
    ['a document marker followed by text', `--- ${SECRET}: [\n`],
    ['a !!binary value', VALID.replace('{ env: P }', `!!binary ${Buffer.from(SECRET).toString('base64')}`)],
  ])('a YAML problem in %s does not quote the source', async (_what, text) => {
    // Some of these are only warnings to yaml (an unknown directive or tag): the device may load; nothing leaks.
    const { diagnostics: ds, notes } = await loadDefinitions(await writeTree({ 'd.yaml': text }));
    expect(JSON.stringify([ds, notes])).not.toContain(SECRET);
    expect(JSON.stringify(ds)).not.toContain(Buffer.from(SECRET).toString('base64'));
  });
});

describe('keys that are not text', () => {
  test('a list or mapping as a key is refused, and yaml prints no warning quoting it', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      const ds = await diagnose({
        'd.yaml': VALID.replace(
          'password: { env: P }',
          `password: { env: P }
  ? [${SECRET}]
  : x`,
        ),
      });
      expect(ds.map((d) => `${d.line}:${d.column} ${d.message}`)).toEqual([
        '8:5 a key that is not plain text (a list, a mapping or an alias)',
      ]);
      await new Promise((r) => setImmediate(r));
      expect(warnings.join('\n')).not.toContain(SECRET);
    } finally {
      process.off('warning', onWarning);
    }
  });
});

describe('nesting and broken files', () => {
  test.each([
    ['1,000 nested brackets', `name: ${'['.repeat(1000)}${']'.repeat(1000)}\n`],
    ['1,000 unclosed brackets', `name: ${'['.repeat(1000)}\n`],
    ['1,000 nested flow maps', `${'{a: '.repeat(1000)}1${'}'.repeat(1000)}\n`],
    ['1,000 compact sequences', `${'- '.repeat(1000)}x\n`],
    ['1,000 indented mappings', Array.from({ length: 1000 }, (_, i) => `${' '.repeat(i)}k:`).join('\n') + ' 1\n'],
  ])('%s: one "nesting too deep" error at file:line:col', async (_what, text) => {
    const ds = await diagnose({ 'd.yaml': text });
    expect(lines(ds)).toHaveLength(1);
    expect(formatDiagnostic(ds[0]!)).toMatch(/^d\.yaml:\d+:\d+: YAML nesting too deep \(more than 64 levels/);
  });

  test('an alias cycle and an alias bomb: one clear error each, no crash', async () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]']
      .concat(['b', 'c', 'd', 'e', 'f', 'g'].map((k, i) => `${k}: &${k} [${`*${'abcdefg'[i]}, `.repeat(10)}]`))
      .join('\n');
    for (const text of ['a: &x [*x]\n', bomb + '\n']) {
      const ds = await diagnose({ 'd.yaml': text });
      expect(ds).toHaveLength(1);
      expect(ds[0]?.message).toMatch(/nesting too deep|resource exhaustion/);
    }
  });

  test('an empty file and a comments-only file are named as such, not "no definitions"', async () => {
    const ds = await diagnose({ 'empty.yaml': '', 'comments.yaml': '# to do\n', 'marker.yaml': '---\n' });
    expect(ds.map((d) => `${d.file}: ${d.message}`)).toEqual([
      'comments.yaml: no device definition in this file: it is empty or holds only comments',
      'empty.yaml: no device definition in this file: it is empty or holds only comments',
      'marker.yaml: no device definition in this file: it is empty or holds only comments',
    ]);
  });

  test('binary content and another encoding are named, with the position of the first bad byte', async () => {
    const ds = await diagnose({
      'binary.yaml': Buffer.from([0x6e, 0x3a, 0x20, 0x31, 0x0a, 0x00, 0x01, 0x02]),
      'latin1.yaml': Buffer.from('name: caf\xe9\n', 'latin1'),
    });
    expect(lines(ds)).toEqual([
      'binary.yaml:2:1: a control character YAML does not allow (is this a binary file?) (save it as UTF-8 text)',
      'latin1.yaml:1:1: the file is not UTF-8 text (save it as UTF-8)',
    ]);
  });

  test('a YAML file that is a FIFO, a link to /dev/zero, or over 1 MiB is refused by name', async () => {
    const dir = await writeTree({ 'big.yaml': `# ${'x'.repeat(1024 * 1024)}\n`, 'ok.yaml': VALID });
    execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
    await symlink('/dev/zero', join(dir, 'zero.yaml'));
    const r = await loadDefinitions(dir);
    expect(r.devices.map((d) => d.name)).toEqual(['r1']);
    expect(r.diagnostics.map((d) => `${d.file}: ${d.message}`)).toEqual([
      'big.yaml: the file is larger than 1 MiB, the limit for a definitions file',
      'pipe.yaml: the file is a FIFO (named pipe), not a regular file',
      'zero.yaml: the file is a character device, not a regular file',
    ]);
  });
});

describe('no forged lines', () => {
  test('a file name with a newline stays on one line', async () => {
    const forged = 'a.yaml\nb.yaml:1:1: all good';
    const ds = await diagnose({ [`${forged}.yaml`]: 'name: [\n' });
    const out = lines(ds).join('\n');
    expect(out.split('\n')).toHaveLength(ds.length);
    expect(out).toContain('a.yaml\\nb.yaml:1:1: all good.yaml:');
  });

  test('a key with a newline or an escape sequence stays on one line', async () => {
    const ds = await diagnose({ 'd.yaml': `${VALID}"x\\nd.yaml:1:1: forged \\e[31m": 1\n` });
    expect(lines(ds)).toEqual([
      'd.yaml:11:1: /x\\nd.yaml:1:1: forged \\u001b[31m: unknown field "x\\nd.yaml:1:1: forged \\u001b[31m" ' +
        '(known fields: name, platform, deviceId, management, peers, credentials, hostKey, policy, protect, objectGroups, ' +
        'policyUpdates, safety, logs, advanced)',
    ]);
  });
});

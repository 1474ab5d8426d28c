// Secret references: env and file resolution, errors that name the reference only, and redaction.

import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { ConfigError } from '../errors.js';
import { clearSecrets, redactSecrets, registerSecret, resolveSecret } from './secrets.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tscm-secrets-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => clearSecrets());

async function rejection(p: Promise<unknown>): Promise<ConfigError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  return err as ConfigError;
}

describe('resolveSecret', () => {
  test('env variable', async () => {
    process.env['TSCM_TEST_SECRET_A'] = 's3cret-env-value';
    try {
      expect(await resolveSecret({ env: 'TSCM_TEST_SECRET_A' }, { baseDir: dir })).toBe('s3cret-env-value');
    } finally {
      delete process.env['TSCM_TEST_SECRET_A'];
    }
  });

  test('file: one trailing newline is trimmed (LF or CRLF), relative paths use baseDir', async () => {
    await writeFile(join(dir, 'lf'), 'pass word \n');
    await writeFile(join(dir, 'crlf'), 'crlf-pass\r\n');
    await writeFile(join(dir, 'none'), 'no-newline');
    expect(await resolveSecret({ file: join(dir, 'lf') }, { baseDir: '/' })).toBe('pass word ');
    expect(await resolveSecret({ file: 'crlf' }, { baseDir: dir })).toBe('crlf-pass');
    expect(await resolveSecret({ file: 'none' }, { baseDir: dir })).toBe('no-newline');
  });

  test('a missing env variable names the reference', async () => {
    const err = await rejection(resolveSecret({ env: 'TSCM_TEST_SECRET_UNSET' }, { baseDir: dir }));
    expect(err.message).toBe('secret env:TSCM_TEST_SECRET_UNSET is not set');
  });

  test('a missing file names the reference', async () => {
    const err = await rejection(resolveSecret({ file: 'nope' }, { baseDir: dir }));
    expect(err.message).toBe('secret file:nope does not exist');
  });

  test.skipIf(process.getuid?.() === 0)('an unreadable file', async () => {
    await writeFile(join(dir, 'locked'), 'x');
    await chmod(join(dir, 'locked'), 0o000);
    const err = await rejection(resolveSecret({ file: 'locked' }, { baseDir: dir }));
    expect(err.message).toMatch(/is not readable/);
  });

  test('/dev/zero, a FIFO and an oversized file are refused at once, with the limit named', async () => {
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    await writeFile(join(dir, 'huge'), 'x'.repeat(64 * 1024 + 1));
    const zero = await rejection(resolveSecret({ file: '/dev/zero' }, { baseDir: dir }));
    expect(zero.message).toBe('secret file:/dev/zero is a character device, not a regular file');
    expect(zero.hint).toBe('point it at a file holding only the secret value');
    const fifo = await rejection(resolveSecret({ file: 'pipe' }, { baseDir: dir }));
    expect(fifo.message).toBe('secret file:pipe is a FIFO (named pipe), not a regular file');
    const huge = await rejection(resolveSecret({ file: 'huge' }, { baseDir: dir }));
    expect(huge.message).toBe('secret file:huge is larger than 64 KiB, the limit for a secret file');
  });

  test('empty values and embedded newlines are refused without echoing the value', async () => {
    await writeFile(join(dir, 'empty'), '\n');
    await writeFile(join(dir, 'two-lines'), 'line-one-secret\nexit\n');
    expect((await rejection(resolveSecret({ file: 'empty' }, { baseDir: dir }))).message).toMatch(/is empty/);
    const err = await rejection(resolveSecret({ file: 'two-lines' }, { baseDir: dir }));
    expect(err.message).toMatch(/newline or control character/);
    expect(`${err.message} ${err.hint}`).not.toContain('line-one-secret');
    // Even a refused value is scrubbed from later output.
    expect(redactSecrets('sent line-one-secret\nexit')).toBe('sent ***');
  });
});

describe('redactSecrets', () => {
  test('every resolved value is redacted', async () => {
    process.env['TSCM_TEST_SECRET_B'] = 'hunter2';
    await writeFile(join(dir, 'enable'), 'en@ble.pw*\n');
    try {
      await resolveSecret({ env: 'TSCM_TEST_SECRET_B' }, { baseDir: dir });
      await resolveSecret({ file: 'enable' }, { baseDir: dir });
    } finally {
      delete process.env['TSCM_TEST_SECRET_B'];
    }
    expect(redactSecrets('login hunter2 then enable en@ble.pw* ok; hunter2!')).toBe(
      'login *** then enable *** ok; ***!',
    );
    expect(redactSecrets('en@ble-pw is not the secret')).toBe('en@ble-pw is not the secret');
  });

  test('longest value first, so no fragment of a longer secret survives', () => {
    registerSecret('abc');
    registerSecret('abcdef');
    expect(redactSecrets('x abcdef y abc')).toBe('x *** y ***');
  });

  test('nothing registered: text unchanged; clearSecrets forgets', () => {
    expect(redactSecrets('plain')).toBe('plain');
    registerSecret('plain');
    expect(redactSecrets('plain')).toBe('***');
    clearSecrets();
    expect(redactSecrets('plain')).toBe('plain');
  });
});

test('property: no registered value survives redaction', () => {
  // Values made of `*` would trivially re-appear inside the `***` marker; they are left out.
  const secretArb = fc.string({ minLength: 1 }).filter((s) => !s.includes('*'));
  fc.assert(
    fc.property(secretArb, fc.string(), fc.string(), (secret, before, after) => {
      clearSecrets();
      registerSecret(secret);
      expect(redactSecrets(before + secret + after)).not.toContain(secret);
    }),
  );
});

// The shared reader of files named in definitions: regular files only, size limit enforced while reading.

import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FILE_KINDS, FileReadError, readLimitedFile, readLimitedFileSync } from './limited-file.js';
import type { FileKind } from './limited-file.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tscm-limited-'));
  await writeFile(join(dir, 'small'), 'hello\n');
  await writeFile(join(dir, 'exact'), 'x'.repeat(16));
  await writeFile(join(dir, 'over'), 'x'.repeat(17));
  await mkdir(join(dir, 'folder'));
  execFileSync('mkfifo', [join(dir, 'fifo')]);
  await symlink('/dev/zero', join(dir, 'zero-link'));
  await symlink(join(dir, 'fifo'), join(dir, 'fifo-link'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const TINY: FileKind = { noun: 'a test file', maxBytes: 16 };

const readers = {
  async: (path: string, kind: FileKind) => readLimitedFile(path, kind),
  sync: async (path: string, kind: FileKind) => readLimitedFileSync(path, kind),
};

async function failure(p: Promise<unknown>): Promise<FileReadError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FileReadError);
  return err as FileReadError;
}

describe.each(Object.entries(readers))('%s reader', (_name, read) => {
  test('reads a regular file whole, up to and including the limit', async () => {
    expect((await read(join(dir, 'small'), TINY)).toString()).toBe('hello\n');
    expect((await read(join(dir, 'exact'), TINY)).length).toBe(16);
  });

  test('refuses a file over the limit, naming the limit and the kind', async () => {
    const err = await failure(read(join(dir, 'over'), TINY));
    expect(err.code).toBe('too-large');
    expect(err.problem).toBe('is larger than 16 bytes, the limit for a test file');
  });

  test('enforces the limit while reading: /proc/self/environ says size 0 and holds more', async () => {
    const err = await failure(read('/proc/self/environ', TINY));
    expect(err.code).toBe('too-large');
  });

  test('/dev/zero (directly or through a symlink) is refused at once, not read', async () => {
    for (const path of ['/dev/zero', join(dir, 'zero-link')]) {
      const err = await failure(read(path, FILE_KINDS.secret));
      expect(err.code).toBe('not-regular');
      expect(err.problem).toBe('is a character device, not a regular file');
    }
  });

  test('a FIFO with no writer is refused without blocking (also through a symlink)', async () => {
    for (const path of [join(dir, 'fifo'), join(dir, 'fifo-link')]) {
      const err = await failure(read(path, FILE_KINDS.cidrList));
      expect(err.problem).toBe('is a FIFO (named pipe), not a regular file');
    }
  });

  test('a folder and a missing file', async () => {
    expect((await failure(read(join(dir, 'folder'), TINY))).problem).toBe('is a folder, not a regular file');
    expect((await failure(read(join(dir, 'nope'), TINY))).problem).toBe('does not exist');
  });
});

test('the limits per kind', () => {
  expect(FILE_KINDS.secret.maxBytes).toBe(64 * 1024);
  expect(FILE_KINDS.definition.maxBytes).toBe(1024 * 1024);
  expect(FILE_KINDS.cidrList.maxBytes).toBe(256 * 1024 * 1024);
});

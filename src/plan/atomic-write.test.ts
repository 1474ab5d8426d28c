import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './atomic-write.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tscm-atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('replaces a file and leaves no temp file behind', async () => {
    const path = join(dir, 'state.json');
    await writeFileAtomic(path, 'one');
    await writeFileAtomic(path, 'two');
    expect(await readFile(path, 'utf8')).toBe('two');
    expect(await readdir(dir)).toEqual(['state.json']);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('never lets a concurrent reader see a torn file', async () => {
    const path = join(dir, 'state.json');
    const docs = Array.from({ length: 6 }, (_, i) => JSON.stringify({ i, pad: String(i).repeat(400_000) }));
    await writeFileAtomic(path, docs[0]!);
    let writing = true;
    const writer = (async () => {
      for (let round = 0; round < 4; round++) for (const d of docs) await writeFileAtomic(path, d);
      writing = false;
    })();
    let reads = 0;
    while (writing) {
      const doc = JSON.parse(await readFile(path, 'utf8'));
      expect(doc.pad).toHaveLength(400_000);
      reads++;
    }
    await writer;
    expect(reads).toBeGreaterThan(0);
  });

  it('keeps the old file and cleans up when the rename fails', async () => {
    const target = join(dir, 'taken');
    await mkdir(join(target, 'child'), { recursive: true });
    await expect(writeFileAtomic(target, 'x')).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['taken']);
    expect(await readdir(target)).toEqual(['child']);
  });
});

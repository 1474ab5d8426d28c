import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { readSourceHealth, sourceHealthPath, writeSourceHealth } from './source-health.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('source health (since when each source of a device fails)', () => {
  it('round-trips, lives under .local/<device>/, and rewrites nothing when unchanged', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tscm-health-'));
    dirs.push(dir);
    expect(await readSourceHealth(dir, 'edge-1')).toEqual([]);
    const failing = [
      { role: 'block' as const, source: 'b.rpz @ 127.0.0.1:53', failingSince: '2026-11-30T00:00:00.000Z' },
    ];
    await writeSourceHealth(dir, 'edge-1', failing, []);
    const file = sourceHealthPath(dir, 'edge-1');
    expect(file).toBe(path.join(dir, '.local', 'edge-1', 'source-health.json'));
    expect(await readSourceHealth(dir, 'edge-1')).toEqual(failing);
    const written = (await stat(file)).mtimeMs;
    await writeFile(file, JSON.stringify({ formatVersion: 1, sources: failing }));
    const rewritten = (await stat(file)).mtimeMs;
    await writeSourceHealth(dir, 'edge-1', failing, failing);
    expect((await stat(file)).mtimeMs).toBe(rewritten);
    expect(rewritten).toBeGreaterThanOrEqual(written);
    expect(() => sourceHealthPath(dir, '../x')).toThrow(ConfigError);
  });

  it('a damaged file is a ConfigError naming it, with the fix, and quoting none of it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tscm-health-'));
    dirs.push(dir);
    await writeSourceHealth(dir, 'edge-1', [], [{ role: 'block', source: 'x', failingSince: 'y' }]);
    const file = sourceHealthPath(dir, 'edge-1');
    for (const bad of [
      '{"formatVersion":1,"sources":[{"role":"block","source":"s","failingSince":"soon"}]}',
      'secret-ish text',
      '{"formatVersion":2,"sources":[]}',
    ]) {
      await writeFile(file, bad);
      const err = await readSourceHealth(dir, 'edge-1').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).message).toBe(`source health file ${file} is damaged`);
      expect((err as ConfigError).hint).toContain('delete it');
    }
  });
});

// The lab's policy inputs: list files (every bad line reported as file:line), the generated feed, the zones.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import {
  LAB_ALLOW_ZONE,
  LAB_BLOCK_ZONE,
  labZones,
  loadLabPolicy,
  parseHostPort,
  readCidrListFile,
} from './lab-policy.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tscm-lab-policy-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

async function file(name: string, text: string): Promise<string> {
  const p = path.join(dir, name);
  await writeFile(p, text);
  return p;
}

describe('lab policy', () => {
  it('reads a list file with comments, ranges and IPv6 into canonical CIDRs', async () => {
    const p = await file('ok.txt', '# c\r\n203.0.113.7\r\n10.0.0.0 - 10.0.0.3\n2001:db8::/32 # x\n');
    expect(await readCidrListFile(p, '--block-list')).toEqual(['10.0.0.0/30', '203.0.113.7/32', '2001:db8::/32']);
  });

  it('reports every bad line as file:line, and refuses an empty list', async () => {
    const p = await file('bad.txt', '10.0.0.1\nnope\n10.0.0.0/33\n');
    const err = await readCidrListFile(p, '--block-list').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain(`${p}:2`);
    expect((err as Error).message).toContain(`${p}:3`);
    const empty = await file('empty.txt', '# nothing\n\n');
    await expect(readCidrListFile(empty, '--allow-list')).rejects.toThrow(/has no entries/);
    await expect(readCidrListFile(path.join(dir, 'missing'), '--block-list')).rejects.toThrow(
      /--block-list .*missing does not exist/,
    );
    await expect(readCidrListFile('/dev/zero', '--block-list')).rejects.toThrow(
      /is a character device, not a regular file/,
    );
  });

  it('generates the feed by default, and serves no allow zone for a block file alone', async () => {
    const generated = await loadLabPolicy({ policySize: 500 });
    expect(generated.block).toHaveLength(500);
    expect(labZones(generated, 7).map((z) => [z.name, z.serial])).toEqual([
      [LAB_BLOCK_ZONE, 7],
      [LAB_ALLOW_ZONE, 7],
    ]);
    const own = await loadLabPolicy({ policySize: 500, blockList: await file('b.txt', '192.0.2.0/24\n') });
    expect(own.allow).toBeUndefined();
    expect(labZones(own).map((z) => z.name)).toEqual([LAB_BLOCK_ZONE]);
    await expect(loadLabPolicy({ policySize: 0 })).rejects.toThrow(/--policy-size/);
  });

  it('parses host:port and [v6]:port', () => {
    expect(parseHostPort('127.0.0.1:5353', '--dns-listen', 'x')).toEqual({ host: '127.0.0.1', port: 5353 });
    expect(parseHostPort('[::1]:53', '--dns-listen', 'x')).toEqual({ host: '::1', port: 53 });
    expect(() => parseHostPort('::1:53', '--dns-listen', 'x')).toThrow(/not host:port/);
    expect(() => parseHostPort('h:70000', '--listen', 'x')).toThrow(/not host:port/);
  });
});

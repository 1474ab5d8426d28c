// changedDefinitionFiles / devicesTouched against a real git repository whose definitions sit in a subfolder.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedsFrom } from '../config/policy-feeds.js';
import type { DeviceSpec } from '../config/types.js';
import { ConfigError } from '../errors.js';
import { changedDefinitionFiles, devicesTouched } from './changed-devices.js';

let repo: string;
let defs: string;
const revs: string[] = [];

async function commit(files: Record<string, string>, message: string): Promise<string> {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(repo, name)), { recursive: true });
    writeFileSync(path.join(repo, name), text);
  }
  const git = simpleGit({ baseDir: repo });
  await git.add('.');
  await git.raw(['-c', 'user.name=t', '-c', 'user.email=t@example.org', 'commit', '-q', '-m', message]);
  return (await git.revparse(['HEAD'])).trim();
}

beforeAll(async () => {
  repo = mkdtempSync(path.join(tmpdir(), 'tscm-changed-'));
  defs = path.join(repo, 'defs');
  await simpleGit({ baseDir: repo }).init();
  revs.push(
    await commit({ 'defs/a.yaml': 'a1', 'defs/sub/b.yaml': 'b1', 'defs/lists/b.txt': '1', README: 'x' }, 'one'),
  );
  revs.push(await commit({ 'defs/sub/b.yaml': 'b2', README: 'y' }, 'two'));
  revs.push(await commit({ 'defs/lists/b.txt': '2' }, 'three'));
  revs.push(await commit({ 'defs/tscm.yaml': 'drift: report' }, 'four'));
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

function spec(name: string, file: string, list?: string): DeviceSpec {
  return {
    name,
    source: { file, line: 1 },
    policy: {
      blockList: feedsFrom(
        list
          ? { kind: 'file', path: path.join(defs, list) }
          : { kind: 'zone', zone: 'z', server: { host: '127.0.0.1', port: 53 } },
      ),
      allowList: [],
    },
    hostKey: {},
  } as unknown as DeviceSpec;
}

const fleetOf = (): DeviceSpec[] => [spec('a', 'a.yaml'), spec('b', 'sub/b.yaml', 'lists/b.txt')];

describe('changed devices', () => {
  it('lists the changed definitions files relative to the definitions folder, nothing outside it', async () => {
    expect(await changedDefinitionFiles(defs, revs[0]!, revs[1]!)).toEqual(['sub/b.yaml']);
  });

  it("maps a device's own file and a list file it reads to that device only", async () => {
    const own = devicesTouched(await changedDefinitionFiles(defs, revs[0]!, revs[1]!), fleetOf(), defs);
    expect([...own.names]).toEqual(['b']);
    const list = devicesTouched(await changedDefinitionFiles(defs, revs[1]!, revs[2]!), fleetOf(), defs);
    expect([...list.names]).toEqual(['b']);
    expect(list.all).toBe(false);
  });

  it('tscm.yaml touches every device', async () => {
    const all = devicesTouched(await changedDefinitionFiles(defs, revs[2]!, revs[3]!), fleetOf(), defs);
    expect(all.all).toBe(true);
    expect([...all.names].sort()).toEqual(['a', 'b']);
  });

  it('refuses an unknown revision with the fix, and an option-looking one is not an option', async () => {
    await expect(changedDefinitionFiles(defs, 'deadbeef')).rejects.toThrow(ConfigError);
    await expect(changedDefinitionFiles(defs, '--output=/tmp/x')).rejects.toThrow(/not a commit/);
  });
});

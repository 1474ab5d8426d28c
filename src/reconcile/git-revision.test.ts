// readGitRevision against real git repositories in temp folders: the state folder never makes a clean checkout
// dirty, a real edit does, and a repository git refuses to read (dubious ownership) is a warning, not a silence.

import { chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../drivers/driver.js';
import { formatRevision, readGitRevision } from './git-revision.js';

let tmp: string;
const savedEnv = { ...process.env };

beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'tscm-gitrev-'));
  // The machine's own git settings (a global `safe.directory = *`, a system config) must not decide the outcome.
  const emptyConfig = path.join(tmp, 'empty-gitconfig');
  writeFileSync(emptyConfig, '');
  process.env.GIT_CONFIG_GLOBAL = emptyConfig;
  process.env.GIT_CONFIG_NOSYSTEM = '1';
  delete process.env.SUDO_UID; // root under sudo: git would trust the invoking user's repositories
});
afterAll(() => {
  process.env = savedEnv;
  rmSync(tmp, { recursive: true, force: true });
});

let n = 0;
/** A repository with the definitions in `defs/` (one committed device file); returns the repo root. */
async function makeRepo(): Promise<string> {
  const repo = path.join(tmp, `repo-${n++}`);
  mkdirSync(path.join(repo, 'defs'), { recursive: true });
  writeFileSync(path.join(repo, 'defs', 'rtr.yaml'), 'name: rtr\n');
  const git = simpleGit({ baseDir: repo });
  await git.init();
  await git.add('.');
  await git.raw(['-c', 'user.name=t', '-c', 'user.email=t@example.org', 'commit', '-q', '-m', 'defs']);
  return repo;
}

/** What tscm writes into its state folder before a plan asks git. */
function writeState(stateDir: string): void {
  mkdirSync(path.join(stateDir, 'rtr', 'plans'), { recursive: true });
  mkdirSync(path.join(stateDir, 'zones'), { recursive: true });
  writeFileSync(path.join(stateDir, 'rtr', 'state.json'), '{}\n');
  writeFileSync(path.join(stateDir, 'rtr', 'lock'), '{}\n');
  writeFileSync(path.join(stateDir, 'zones', 'block.example.json'), '{}\n');
}

describe('readGitRevision', () => {
  it('a clean checkout stays clean after tscm writes its state folder inside the definitions', async () => {
    const repo = await makeRepo();
    const defs = path.join(repo, 'defs');
    const sha = (await simpleGit({ baseDir: repo }).revparse(['HEAD'])).trim();
    writeState(path.join(defs, '.tscm'));
    const log = createRecordingLogger();
    const rev = await readGitRevision(defs, { stateDir: path.join(defs, '.tscm'), log });
    expect(rev).toEqual({ sha, dirty: false });
    expect(formatRevision(rev)).toBe(sha);
    expect(log.records.filter((r) => r.level === 'warn')).toEqual([]);
    // Without the state folder named, the same checkout reads as dirty: the exclusion is what keeps it clean.
    expect((await readGitRevision(defs))?.dirty).toBe(true);
  });

  it('a real edit under the definitions is dirty, with the state folder present', async () => {
    const repo = await makeRepo();
    const defs = path.join(repo, 'defs');
    writeState(path.join(defs, '.tscm'));
    writeFileSync(path.join(defs, 'rtr.yaml'), 'name: rtr2\n');
    const rev = await readGitRevision(defs, { stateDir: '.tscm' });
    expect(rev?.dirty).toBe(true);
    expect(formatRevision(rev)).toMatch(/^[0-9a-f]{40}\+dirty$/);
  });

  it('a new untracked definition is dirty; a file named like the state folder elsewhere is not excluded', async () => {
    const repo = await makeRepo();
    const defs = path.join(repo, 'defs');
    writeState(path.join(defs, 'state'));
    mkdirSync(path.join(defs, 'site'));
    writeFileSync(path.join(defs, 'site', 'state'), 'x\n');
    const rev = await readGitRevision(defs, { stateDir: path.join(defs, 'state') });
    expect(rev?.dirty).toBe(true);
  });

  it('a state folder with glob characters in its name is excluded literally', async () => {
    const repo = await makeRepo();
    const defs = path.join(repo, 'defs');
    writeState(path.join(defs, 'st*'));
    expect((await readGitRevision(defs, { stateDir: 'st*' }))?.dirty).toBe(false);
    mkdirSync(path.join(defs, 'stx'));
    writeFileSync(path.join(defs, 'stx', 'new.yaml'), 'name: x\n');
    expect((await readGitRevision(defs, { stateDir: 'st*' }))?.dirty).toBe(true);
  });

  it('the definitions at the repository root, state folder nested two levels down', async () => {
    const repo = await makeRepo();
    const stateDir = path.join(repo, 'var', 'tscm');
    writeState(stateDir);
    expect((await readGitRevision(repo, { stateDir }))?.dirty).toBe(false);
  });

  it('a state folder outside the definitions (elsewhere in the repo, or outside it) needs no exclusion', async () => {
    const repo = await makeRepo();
    const defs = path.join(repo, 'defs');
    writeState(path.join(repo, 'state'));
    expect((await readGitRevision(defs, { stateDir: '../state' }))?.dirty).toBe(false);
    const outside = path.join(tmp, `outside-${n++}`);
    writeState(outside);
    expect((await readGitRevision(defs, { stateDir: outside }))?.dirty).toBe(false);
    writeFileSync(path.join(defs, 'rtr.yaml'), 'name: rtr3\n');
    expect((await readGitRevision(defs, { stateDir: outside }))?.dirty).toBe(true);
  });

  it('a folder that is not in a git repository is a silent null', async () => {
    const plain = path.join(tmp, `plain-${n++}`);
    mkdirSync(plain);
    const log = createRecordingLogger();
    expect(await readGitRevision(plain, { stateDir: '.tscm', log })).toBeNull();
    expect(log.records.filter((r) => r.level !== 'debug')).toEqual([]);
  });

  it('a folder with no .git at or above it is a null without starting git (no git on PATH: still silent)', async () => {
    const plain = path.join(tmp, `plain-${n++}`, 'defs');
    mkdirSync(plain, { recursive: true });
    const log = createRecordingLogger();
    const savedPath = process.env.PATH;
    process.env.PATH = path.join(tmp, 'no-such-bin'); // had git been started, its absence would be warned
    try {
      expect(await readGitRevision(plain, { log })).toBeNull();
    } finally {
      process.env.PATH = savedPath;
    }
    expect(log.records).toEqual([]);
  });

  it('a linked work tree (`.git` is a file) and GIT_DIR are still read', async () => {
    const repo = await makeRepo();
    const sha = (await simpleGit({ baseDir: repo }).revparse(['HEAD'])).trim();
    const linked = path.join(tmp, `linked-${n++}`);
    await simpleGit({ baseDir: repo }).raw(['worktree', 'add', '-q', '--detach', linked]);
    expect(statSync(path.join(linked, '.git')).isFile()).toBe(true);
    expect(await readGitRevision(path.join(linked, 'defs'))).toEqual({ sha, dirty: false });

    const plain = path.join(tmp, `plain-${n++}`);
    mkdirSync(plain);
    process.env.GIT_DIR = path.join(repo, '.git');
    process.env.GIT_WORK_TREE = plain;
    try {
      expect((await readGitRevision(plain))?.sha).toBe(sha);
    } finally {
      delete process.env.GIT_DIR;
      delete process.env.GIT_WORK_TREE;
    }
  });

  it('a detached HEAD and refs packed into packed-refs: the commit checked out', async () => {
    const repo = await makeRepo();
    const git = simpleGit({ baseDir: repo });
    const first = (await git.revparse(['HEAD'])).trim();
    writeFileSync(path.join(repo, 'defs', 'rtr.yaml'), 'name: rtr2\n');
    await git.raw(['-c', 'user.name=t', '-c', 'user.email=t@example.org', 'commit', '-q', '-am', 'next']);
    const second = (await git.revparse(['HEAD'])).trim();
    await git.raw(['pack-refs', '--all', '--prune']);
    expect(await readGitRevision(path.join(repo, 'defs'))).toEqual({ sha: second, dirty: false });
    await git.raw(['checkout', '-q', '--detach', first]);
    expect(await readGitRevision(path.join(repo, 'defs'))).toEqual({ sha: first, dirty: false });
  });

  it('inside `.git` or a bare repository (no work tree) is a silent null', async () => {
    const repo = await makeRepo();
    const bare = path.join(tmp, `bare-${n++}.git`);
    await simpleGit({ baseDir: tmp }).raw(['clone', '-q', '--bare', repo, bare]);
    for (const dir of [path.join(repo, '.git'), bare]) {
      const log = createRecordingLogger();
      expect(await readGitRevision(dir, { log })).toBeNull();
      expect(log.records.filter((r) => r.level !== 'debug')).toEqual([]);
    }
  });

  it('so many changes that git says more than is kept: dirty', async () => {
    const repo = await makeRepo();
    const defs = path.join(repo, 'defs');
    // ~100 KB of untracked paths, past the 64 KB of output kept.
    for (let i = 0; i < 400; i++) writeFileSync(path.join(defs, `${String(i).padStart(250, 'x')}.yaml`), '');
    expect((await readGitRevision(defs))?.dirty).toBe(true);
  });

  it('git not installed, in a repository: a warning and no pin', async () => {
    const repo = await makeRepo();
    const log = createRecordingLogger();
    const savedPath = process.env.PATH;
    process.env.PATH = path.join(tmp, 'no-such-bin');
    try {
      expect(await readGitRevision(path.join(repo, 'defs'), { log })).toBeNull();
    } finally {
      process.env.PATH = savedPath;
    }
    const warns = log.records.filter((r) => r.level === 'warn');
    expect(warns.map((w) => w.msg)).toEqual(['git revision not read; plans get no git revision pin']);
    expect(warns[0]?.fields?.reason).toMatch(/ENOENT/);
  });

  it('a repository without commits has no pin and no warning', async () => {
    const repo = path.join(tmp, `empty-${n++}`);
    mkdirSync(repo);
    await simpleGit({ baseDir: repo }).init();
    const log = createRecordingLogger();
    expect(await readGitRevision(repo, { log })).toBeNull();
    expect(log.records.filter((r) => r.level !== 'debug')).toEqual([]);
  });

  describe('a repository owned by another user (dubious ownership)', () => {
    const isRoot = process.getuid?.() === 0;
    let owned: string | undefined;
    afterEach(() => {
      // Give it back so the temp folder can be removed whatever git did.
      if (owned !== undefined) chownTree(owned, 0, 0);
      owned = undefined;
    });

    // Making a folder that belongs to another user needs root; without it the case cannot be built for real.
    it.skipIf(!isRoot)('is a warning naming the repository and the safe.directory fix, and no pin', async () => {
      const repo = await makeRepo();
      owned = repo;
      chownTree(repo, 12345, 12345);
      const log = createRecordingLogger();
      const rev = await readGitRevision(path.join(repo, 'defs'), { stateDir: '.tscm', log });
      expect(rev).toBeNull();
      const warns = log.records.filter((r) => r.level === 'warn');
      expect(warns).toHaveLength(1);
      expect(warns[0]?.msg).toMatch(/dubious ownership/);
      expect(warns[0]?.fields).toEqual({ dir: repo, fix: `git config --global --add safe.directory ${repo}` });
      // The fix it names works.
      await simpleGit({ baseDir: tmp }).raw(['config', '--global', '--add', 'safe.directory', repo]);
      const after = createRecordingLogger();
      expect((await readGitRevision(path.join(repo, 'defs'), { log: after }))?.dirty).toBe(false);
      expect(after.records.filter((r) => r.level === 'warn')).toEqual([]);
    });
  });
});

interface LogRecord {
  readonly level: string;
  readonly msg: string;
  readonly fields: Record<string, unknown> | undefined;
}

function createRecordingLogger(): Logger & { records: LogRecord[] } {
  const records: LogRecord[] = [];
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) =>
    void records.push({ level, msg, fields });
  return { records, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

function chownTree(p: string, uid: number, gid: number): void {
  chownSync(p, uid, gid);
  if (!statSync(p).isDirectory()) return;
  for (const e of readdirSync(p)) chownTree(path.join(p, e), uid, gid);
}

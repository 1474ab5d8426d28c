// The remote definitions source against real git: a bare repository over file:// and over `git daemon` on
// loopback; each pull fetches and hard-resets to the branch; bad settings are refused before git runs.

import { randomInt } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, silentLogger } from '../cli/logger.js';
import { ConfigError, TransientError } from '../errors.js';
import { gitEnv, resolveGitAuth } from '../state/git-auth.js';
import { startGitDaemon, startGitHttp, type GitServer } from '../../test/helpers/git-servers.js';
import { displayUrl, remoteSource } from './definitions-source.js';

let base: string;
let bare: string;
let author: string;
let work: string;

async function commitFile(name: string, text: string): Promise<string> {
  await mkdir(path.dirname(path.join(author, name)), { recursive: true });
  await writeFile(path.join(author, name), text);
  const git = simpleGit({ baseDir: author });
  await git.add('.');
  await git.raw(['-c', 'user.name=t', '-c', 'user.email=t@example.org', 'commit', '-q', '-m', `edit ${name}`]);
  await git.raw(['push', '-q', 'origin', 'HEAD:main']);
  return (await git.revparse(['HEAD'])).trim();
}

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'tscm-remote-'));
  bare = path.join(base, 'defs.git');
  author = path.join(base, 'author');
  work = path.join(base, 'work');
  await simpleGit().raw(['init', '-q', '--bare', '--initial-branch=main', bare]);
  await simpleGit().raw(['clone', '-q', bare, author]);
  await commitFile('fleet/devices/edge.yaml', 'name: edge-01\n');
});
afterAll(() => rm(base, { recursive: true, force: true }));

const source = (over: Partial<Parameters<typeof remoteSource>[0]> = {}) =>
  remoteSource({
    url: `file://${bare}`,
    branch: 'main',
    path: 'fleet',
    workDir: path.join(work, 'a'),
    gitEnv: {},
    log: silentLogger,
    ...over,
  });

describe('remote definitions source', () => {
  it('clones, then each pull follows the branch and drops local edits', async () => {
    const s = source();
    expect(s.watchDir).toBeNull();
    const dir = await s.pull();
    expect(dir).toBe(path.join(work, 'a', 'fleet'));
    expect(await readFile(path.join(dir, 'devices', 'edge.yaml'), 'utf8')).toBe('name: edge-01\n');

    const rev = await commitFile('fleet/devices/edge.yaml', 'name: edge-02\n');
    await writeFile(path.join(dir, 'devices', 'edge.yaml'), 'edited in the work folder\n');
    expect(await s.pull()).toBe(dir);
    expect(await readFile(path.join(dir, 'devices', 'edge.yaml'), 'utf8')).toBe('name: edge-02\n');
    expect((await simpleGit({ baseDir: dir }).revparse(['HEAD'])).trim()).toBe(rev);
  });

  it('follows a force-pushed (rewritten) branch', async () => {
    const s = source({ workDir: path.join(work, 'b') });
    await s.pull();
    const git = simpleGit({ baseDir: author });
    await git.raw([
      '-c',
      'user.name=t',
      '-c',
      'user.email=t@example.org',
      'commit',
      '-q',
      '--amend',
      '-m',
      'rewritten',
    ]);
    await git.raw(['push', '-q', '--force', 'origin', 'HEAD:main']);
    const dir = await s.pull();
    expect((await simpleGit({ baseDir: dir }).raw(['log', '-1', '--format=%s'])).trim()).toBe('rewritten');
  });

  it('clones over git:// from a git daemon on loopback', async () => {
    const daemon: GitServer = await startGitDaemon(base, `127.0.73.${randomInt(10, 250)}`);
    try {
      const s = source({ url: daemon.url('defs.git'), workDir: path.join(work, 'daemon') });
      const dir = await s.pull();
      expect(await readFile(path.join(dir, 'devices', 'edge.yaml'), 'utf8')).toMatch(/^name: edge-0\d\n$/);
      await commitFile('fleet/devices/new.yaml', 'name: new-01\n');
      expect(await readFile(path.join(await s.pull(), 'devices', 'new.yaml'), 'utf8')).toBe('name: new-01\n');
    } finally {
      await daemon.close();
    }
  });

  it('a path that is not on the branch, a missing repository, another clone in the work folder: clear errors', async () => {
    await expect(source({ path: 'nope', workDir: path.join(work, 'c') }).pull()).rejects.toThrow(
      /--path "nope" is not a folder on branch main/,
    );
    const missing = source({ url: `file://${base}/missing.git`, workDir: path.join(work, 'd') }).pull();
    await expect(missing).rejects.toThrow(TransientError);
    await expect(missing).rejects.toThrow(/could not update the definitions from file:\/\/.*missing\.git/);
    await simpleGit().raw(['clone', '-q', bare, path.join(work, 'e')]);
    const other = source({ url: `file://${base}/other.git`, workDir: path.join(work, 'e') }).pull();
    await expect(other).rejects.toThrow(/holds a clone of another repository/);
  });

  it('refuses a password in the URL, odd branches and paths that leave the repository, naming no secret', () => {
    const withPassword = () => source({ url: 'https://bot:s3cr3t-token@git.example.test/defs.git' });
    expect(withPassword).toThrow(ConfigError);
    try {
      withPassword();
    } catch (err) {
      expect(String((err as Error).message)).not.toContain('s3cr3t');
      expect((err as ConfigError).hint).toMatch(/TSCM_GIT_TOKEN/);
    }
    expect(() => source({ url: '--upload-pack=touch /tmp/x' })).toThrow(ConfigError);
    expect(() => source({ url: 'ext::sh -c touch% /tmp/x' })).toThrow(ConfigError);
    expect(() => source({ branch: '--force' })).toThrow(/--branch/);
    expect(() => source({ branch: 'a..b' })).toThrow(/--branch/);
    expect(() => source({ path: '../..' })).toThrow(/leaves the repository/);
    expect(displayUrl('https://user@git.example.test/x.git')).toBe('https://git.example.test/x.git');
  });
});

/** Every file under `dir` as text (to look for a leaked secret). */
async function allText(dir: string): Promise<string> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const texts = await Promise.all(
    entries.filter((e) => e.isFile()).map((e) => readFile(path.join(e.parentPath, e.name), 'latin1')),
  );
  return texts.join('\n');
}

describe('credentials reach git through the environment only', () => {
  it('an HTTPS token (TSCM_GIT_TOKEN): the server gets it by Basic auth; no file, URL, message or log holds it', async () => {
    const token = `tok-${randomInt(1e9, 2e9)}-${randomInt(1e9, 2e9)}`;
    const server = await startGitHttp(base, `127.0.73.${randomInt(10, 250)}`, token);
    const logs: string[] = [];
    const log = createLogger({ level: 'debug', format: 'json', write: (l) => logs.push(l) });
    process.env.TSCM_GIT_TOKEN_UNDER_TEST = token;
    try {
      const env = gitEnv(await resolveGitAuth({ token: { env: 'TSCM_GIT_TOKEN_UNDER_TEST' } }, base), {});
      const workDir = path.join(work, 'http');
      const dir = await source({ url: server.url('defs.git'), workDir, gitEnv: env, log }).pull();
      expect(await readFile(path.join(dir, 'devices', 'edge.yaml'), 'utf8')).toMatch(/^name: /);
      const basic = `Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`;
      expect(server.authorizations).toContain(basic);
      expect(await allText(path.join(workDir, '.git'))).not.toContain(token);
      expect(logs.join('\n')).not.toContain(token);

      const wrong = gitEnv({ token: 'not-the-token' }, {});
      const refused = source({
        url: server.url('defs.git'),
        workDir: path.join(work, 'http-wrong'),
        gitEnv: wrong,
        log,
      });
      const err = await refused.pull().then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(err).toBeInstanceOf(TransientError);
      expect(err!.message).toMatch(/could not update the definitions from http:\/\/127\.0\.73\.\d+:\d+\/defs\.git/);
      expect(`${err!.message} ${(err as TransientError).hint}`).not.toContain('not-the-token');
    } finally {
      delete process.env.TSCM_GIT_TOKEN_UNDER_TEST;
      await server.close();
    }
  });

  it('an SSH key file: ssh is run with that key only (IdentitiesOnly), the key never on its command line', async () => {
    // A stand-in `ssh` first on PATH: it notes its arguments and runs the git command it was given locally, as the
    // server's shell would (no network, no sshd); the real ssh client is not needed to check the plumbing.
    const bin = path.join(base, 'bin');
    await mkdir(bin, { recursive: true });
    const argsFile = path.join(base, 'ssh-args.txt');
    await writeFile(
      path.join(bin, 'ssh'),
      `#!/bin/sh\nprintf '%s\\n' "$@" > '${argsFile}'\nfor last; do :; done\nexec sh -c "$last"\n`,
    );
    await chmod(path.join(bin, 'ssh'), 0o755);
    const keyFile = path.join(base, 'id_ed25519');
    const keyText = '-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-real-key-body\n-----END OPENSSH PRIVATE KEY-----\n';
    await writeFile(keyFile, keyText, { mode: 0o600 });
    const savedPath = process.env.PATH;
    process.env.PATH = `${bin}:${savedPath ?? ''}`;
    try {
      const env = gitEnv(await resolveGitAuth({ sshKey: { file: keyFile } }, base), {});
      const dir = await source({
        url: `ssh://git@127.0.73.9${bare}`,
        workDir: path.join(work, 'ssh'),
        gitEnv: env,
      }).pull();
      expect(await readFile(path.join(dir, 'devices', 'edge.yaml'), 'utf8')).toMatch(/^name: /);
      const args = (await readFile(argsFile, 'utf8')).split('\n');
      expect(args.slice(0, 2)).toEqual(['-i', keyFile]);
      expect(args).toContain('IdentitiesOnly=yes');
      expect(args).toContain('git@127.0.73.9');
      expect(args.join('\n')).not.toContain('not-a-real-key-body');

      // The operator's own GIT_SSH_COMMAND (deploy/: a mounted key and pinned known hosts) is honoured too.
      process.env.GIT_SSH_COMMAND = `ssh -o UserKnownHostsFile=/run/secrets/known-hosts -i ${keyFile}`;
      await source({ url: `ssh://git@127.0.73.10${bare}`, workDir: path.join(work, 'ssh-operator') }).pull();
      const operatorArgs = (await readFile(argsFile, 'utf8')).split('\n');
      expect(operatorArgs).toContain('UserKnownHostsFile=/run/secrets/known-hosts');
      expect(operatorArgs).toContain('git@127.0.73.10');
    } finally {
      process.env.PATH = savedPath;
      delete process.env.GIT_SSH_COMMAND;
    }
  });
});

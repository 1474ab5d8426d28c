// Where the loop reads the definitions: a local folder (a checkout something else keeps up to date) or a remote git
// repository, cloned once into a work folder and fetched + hard-reset to the branch before every pass (the remote
// is the truth: a local edit in the work folder never survives a pass). Credentials reach git only through the
// environment the caller builds (state/git-auth.ts: an askpass helper or an SSH command with a key file), never a
// URL, an argument or a log line.

import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../drivers/driver.js';
import { ConfigError, TransientError } from '../errors.js';
import { GIT_ENV_UNSAFE_OPTIONS } from '../state/git-auth.js';

export interface DefinitionsSource {
  /** For logs: the folder, or the repository URL without any user information. */
  readonly description: string;
  /** The folder to watch for edits (a local checkout), or null (a remote repository is pulled, not watched). */
  readonly watchDir: string | null;
  /** Brings the definitions up to date; resolves with the folder to reconcile. */
  pull(signal?: AbortSignal): Promise<string>;
}

export function localSource(dir: string): DefinitionsSource {
  const root = path.resolve(dir);
  return { description: root, watchDir: root, pull: async () => root };
}

export interface RemoteSourceOptions {
  readonly url: string;
  readonly branch: string;
  /** The definitions folder inside the repository ('' or '.': its root). */
  readonly path: string;
  /** Where the clone lives between passes. */
  readonly workDir: string;
  /** Extra environment for git (auth from state/git-auth.ts's gitEnv). */
  readonly gitEnv: Readonly<Record<string, string>>;
  readonly log: Logger;
  /** git is stopped when it prints nothing for this long (a hung server). */
  readonly timeoutMs?: number;
}

export function remoteSource(opts: RemoteSourceOptions): DefinitionsSource {
  checkRepositoryUrl(opts.url);
  checkBranch(opts.branch);
  const workDir = path.resolve(opts.workDir);
  const defsDir = path.resolve(workDir, opts.path || '.');
  const rel = path.relative(workDir, defsDir);
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new ConfigError(
      `--path "${opts.path}" leaves the repository`,
      'name a folder inside the repository, e.g. --path devices',
    );
  }
  const description = `${displayUrl(opts.url)} (branch ${opts.branch}${rel ? `, path ${rel}` : ''})`;
  return {
    description,
    watchDir: null,
    async pull(signal) {
      try {
        if (!(await isDirectory(path.join(workDir, '.git')))) {
          await mkdir(path.dirname(workDir), { recursive: true });
          const git = await gitIn(path.dirname(workDir), opts, signal);
          opts.log.info('cloning the definitions repository', { repo: description, workDir });
          await git.clone(opts.url, workDir, ['--branch', opts.branch, '--single-branch', '--no-tags']);
        }
        const repo = await gitIn(workDir, opts, signal);
        const origin = (await repo.raw(['remote', 'get-url', 'origin'])).trim();
        if (origin !== opts.url) {
          throw new ConfigError(
            `the work folder ${workDir} holds a clone of another repository (${displayUrl(origin)})`,
            'give this repository its own --work-dir, or delete the folder',
          );
        }
        const ref = `refs/remotes/origin/${opts.branch}`;
        await repo.raw(['fetch', '--no-tags', '--prune', 'origin', `+refs/heads/${opts.branch}:${ref}`]);
        await repo.raw(['checkout', '--force', '-B', opts.branch, ref]);
        await repo.raw(['reset', '--hard', ref]);
      } catch (err) {
        throw asSourceError(err, description);
      }
      if (!(await isDirectory(defsDir))) {
        throw new ConfigError(
          `--path "${opts.path}" is not a folder on branch ${opts.branch} of ${displayUrl(opts.url)}`,
          'name the folder of the device definitions inside the repository',
        );
      }
      return defsDir;
    },
  };
}

async function gitIn(baseDir: string, opts: RemoteSourceOptions, signal: AbortSignal | undefined) {
  const { simpleGit } = await import('simple-git');
  return simpleGit({
    baseDir,
    abort: signal,
    timeout: { block: opts.timeoutMs ?? 120_000 },
    // Our own askpass helper, SSH command and "no credential helper" come from gitEnv (state/git-auth.ts);
    // simple-git refuses such variables unless told.
    unsafe: GIT_ENV_UNSAFE_OPTIONS,
  }).env(childEnv(opts.gitEnv));
}

/**
 * The environment of a git child: what it needs to run and reach a server, and the operator's own git and SSH
 * settings (a GIT_SSH_COMMAND pinning known hosts, an agent, a git config file); nothing else of ours. What gitEnv
 * made (`extra`) wins over them.
 */
export function childEnv(extra: Readonly<Record<string, string>>): Record<string, string> {
  const keep = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TMPDIR', 'GIT_SSL_CAINFO', 'SSL_CERT_FILE', 'SSL_CERT_DIR'];
  const proxies = ['HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY', 'https_proxy', 'http_proxy', 'no_proxy'];
  const operator = [
    'GIT_SSH_COMMAND',
    'GIT_SSH',
    'SSH_AUTH_SOCK',
    'GIT_CONFIG_GLOBAL',
    'GIT_CONFIG_SYSTEM',
    'GIT_CONFIG_NOSYSTEM',
  ];
  const env: Record<string, string> = {};
  for (const name of [...keep, ...proxies, ...operator]) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, GIT_TERMINAL_PROMPT: '0', ...extra };
}

/** The URL with any user information removed, for logs and messages. */
export function displayUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

function checkRepositoryUrl(url: string): void {
  if (url === '' || url.startsWith('-') || /[\s\0]/.test(url)) {
    throw new ConfigError(
      `--repo "${displayUrl(url).slice(0, 80)}" is not a repository URL`,
      'e.g. --repo https://git.example.com/netops/firewalls.git',
    );
  }
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/@]*:[^/@]*@/i.test(url)) {
    throw new ConfigError(
      `--repo ${displayUrl(url)} carries a password in the URL`,
      'remove it from the URL and give the token with TSCM_GIT_TOKEN or --git-token-file (it never appears in a URL or a log)',
    );
  }
  if (/^ext::/i.test(url))
    throw new ConfigError(
      '--repo: the ext:: transport runs commands and is refused',
      'use https://, ssh:// or file://',
    );
}

function checkBranch(branch: string): void {
  if (!/^[A-Za-z0-9._/-]+$/.test(branch) || branch.startsWith('-') || branch.includes('..')) {
    throw new ConfigError(`--branch "${branch.slice(0, 80)}" is not a branch name`, 'e.g. --branch main');
  }
}

async function isDirectory(p: string): Promise<boolean> {
  return stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/** A git failure as a transient error (the next pass tries again) naming the repository and git's own reason. */
function asSourceError(err: unknown, description: string): Error {
  if (err instanceof ConfigError) return err;
  const text = err instanceof Error ? err.message : String(err);
  // git's reason is its last "fatal:" line; anything else (progress, hints) is left out.
  const fatal = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^(fatal|error):/.test(l))
    .pop();
  const reason = (fatal ?? text.split('\n')[0] ?? '').replace(/[^\x20-\x7e]/g, '?').slice(0, 200);
  return new TransientError(
    `could not update the definitions from ${description}: ${displayUrlsIn(reason)}`,
    'check the URL, the branch and the credentials (TSCM_GIT_TOKEN / --git-ssh-key); the next pass tries again',
  );
}

function displayUrlsIn(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s']*@/gi, '$1');
}

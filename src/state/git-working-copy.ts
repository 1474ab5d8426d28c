// The local working copy of the state branch: fetch (shallow: the state history can be long, a runner needs only
// the tip), reset to the remote, commit everything changed, push. A push the remote rejects because the branch
// moved is reported as 'moved' (the caller fetches, resets and re-applies its change); any other failure is an
// error naming the repository and git's reason, with secrets redacted. Paths outside the tree the branch tracks
// (the local journal, the zone cache) are listed in .git/info/exclude, so neither commits nor resets touch them.

import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SimpleGit } from 'simple-git';
import { redactSecrets } from '../config/secrets.js';
import { ConfigError, TransientError } from '../errors.js';
import { isDeviceName } from './device-paths.js';
import { GIT_ENV_UNSAFE_OPTIONS } from './git-auth.js';

/** Folders of the state folder that stay local (never committed): the git backend's journal and the zone cache. */
export const LOCAL_ONLY = ['.local', 'zones'] as const;

export interface WorkingCopyOptions {
  readonly dir: string;
  readonly repo: string;
  readonly branch: string;
  /** Variables added to git's environment (gitEnv: credentials). */
  readonly env: Record<string, string>;
}

export class GitWorkingCopy {
  private git: SimpleGit | undefined;

  constructor(private readonly opts: WorkingCopyOptions) {}

  get dir(): string {
    return this.opts.dir;
  }

  /** Where messages say the state lives: the repository (without any user information) and the branch. */
  get where(): string {
    return `${displayRepo(this.opts.repo)} (branch ${this.opts.branch})`;
  }

  /** Makes `dir` a working copy of the branch, refusing a folder that holds something else. */
  async open(): Promise<void> {
    const { dir, repo, branch } = this.opts;
    await mkdir(dir, { recursive: true });
    const isRepo = await stat(join(dir, '.git')).then(
      () => true,
      () => false,
    );
    if (!isRepo) await refuseForeignFiles(dir);
    const { simpleGit } = await import('simple-git');
    this.git = simpleGit({
      baseDir: dir,
      // Our own fixed arguments; the variables are the operator's environment (a proxy, a config path) and the
      // credentials gitEnv made (askpass, ssh command, no credential helper).
      unsafe: GIT_ENV_UNSAFE_OPTIONS,
    }).env({
      ...withoutInteractive(process.env),
      ...this.opts.env,
      GIT_AUTHOR_NAME: 'tscm',
      GIT_AUTHOR_EMAIL: 'tscm@localhost',
      GIT_COMMITTER_NAME: 'tscm',
      GIT_COMMITTER_EMAIL: 'tscm@localhost',
    });
    if (!isRepo) {
      await this.run(['init', '--quiet'], 'init');
      await this.run(['remote', 'add', 'origin', repo], 'init');
    } else {
      const url = (await this.run(['config', '--get', 'remote.origin.url'], 'open').catch(() => '')).trim();
      if (url !== repo) {
        throw new ConfigError(
          `the state folder ${dir} is a working copy of ${displayRepo(url) || 'another repository'}, not of ${displayRepo(repo)}`,
          'point state.dir (or stateDir) at another folder, or remove this one: it is a copy, the branch holds the state',
        );
      }
    }
    // On the branch named now (state.branch may have changed): a reset must never carry another branch's history.
    await this.run(['symbolic-ref', 'HEAD', `refs/heads/${branch}`], 'open');
    const exclude = join(dir, '.git', 'info', 'exclude');
    await mkdir(join(dir, '.git', 'info'), { recursive: true });
    await writeFile(exclude, `# tscm: local only\n${LOCAL_ONLY.map((p) => `/${p}/`).join('\n')}\n`);
  }

  /** Fetches the branch's tip; false when the branch does not exist yet (it is created by the first push). */
  async fetch(): Promise<boolean> {
    const { branch } = this.opts;
    try {
      await this.run(
        ['fetch', '--quiet', '--depth=1', '--no-tags', 'origin', `+refs/heads/${branch}:refs/remotes/origin/${branch}`],
        'fetch',
      );
      return true;
    } catch (err) {
      if (/couldn't find remote ref/i.test((err as Error).message)) return false;
      throw err;
    }
  }

  /**
   * Puts the working copy at the last fetched tip, dropping anything not pushed (no network). Without the branch on
   * the remote, the tree is empty: the branch is the truth, a local copy never outlives it.
   */
  async resetToRemote(exists: boolean): Promise<void> {
    if (exists) {
      await this.run(['reset', '--quiet', '--hard', `refs/remotes/origin/${this.opts.branch}`], 'reset');
    } else {
      // Back to an unborn branch: no commit, nothing staged.
      await this.run(['update-ref', '-d', `refs/heads/${this.opts.branch}`], 'reset');
      await this.run(['rm', '-r', '--quiet', '--cached', '--ignore-unmatch', '.'], 'reset');
    }
    // Untracked files (a change that failed half-way, files of an unborn branch); .git/info/exclude keeps the
    // local-only folders.
    await this.run(['clean', '--quiet', '-d', '--force'], 'reset');
  }

  /** Commits every change of the tree; false when nothing changed. */
  async commitAll(message: string): Promise<boolean> {
    const changed = await this.run(['status', '--porcelain', '--untracked-files=all'], 'commit');
    if (changed.trim() === '') return false;
    await this.run(['add', '--all', '.'], 'commit');
    await this.run(['-c', 'commit.gpgsign=false', 'commit', '--quiet', '--no-verify', '-F', '-'], 'commit', message);
    return true;
  }

  /** Pushes HEAD to the branch: 'moved' when the remote branch moved since the fetch (someone else pushed first). */
  async push(): Promise<'pushed' | 'moved'> {
    try {
      await this.run(['push', '--quiet', '--porcelain', 'origin', `HEAD:refs/heads/${this.opts.branch}`], 'push');
      return 'pushed';
    } catch (err) {
      if (err instanceof GitCommandError && MOVED.test(err.detail)) return 'moved';
      throw err;
    }
  }

  private async run(args: string[], step: string, input?: string): Promise<string> {
    const git = this.git;
    if (git === undefined) throw new Error('GitWorkingCopy.open() was not called');
    try {
      if (input === undefined) return await git.raw(args);
      // `commit -F -` reads the message from stdin: simple-git has no stdin, so the message goes in a file.
      const file = join(this.opts.dir, '.git', 'TSCM_COMMIT_MSG');
      await writeFile(file, input);
      return await git.raw(args.map((a) => (a === '-' ? file : a)));
    } catch (err) {
      throw new GitCommandError(step, this.where, (err as Error).message);
    }
  }
}

/**
 * Not for tscm's private working copy: editors, pagers, templates and external diffs (nothing is interactive), and
 * variables that point git at another repository (set when tscm runs inside a git hook, say).
 */
const INTERACTIVE =
  /^(EDITOR|VISUAL|PAGER|GIT_EDITOR|GIT_SEQUENCE_EDITOR|GIT_PAGER|GIT_EXTERNAL_DIFF|GIT_TEMPLATE_DIR|GIT_DIR|GIT_WORK_TREE|GIT_INDEX_FILE|GIT_OBJECT_DIRECTORY|GIT_ALTERNATE_OBJECT_DIRECTORIES|GIT_COMMON_DIR|GIT_NAMESPACE|GIT_PREFIX)$/i;

function withoutInteractive(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && !INTERACTIVE.test(k)) out[k] = v;
  return out;
}

/** A rejected push because the branch moved (not auth, not network): fetch, reset and re-apply. */
const MOVED =
  /\[rejected\]|non-fast-forward|fetch first|cannot lock ref|failed to update ref|incorrect old value|stale info/i;

export class GitCommandError extends TransientError {
  constructor(
    readonly step: string,
    where: string,
    raw: string,
    readonly detail: string = redactSecrets(raw),
  ) {
    super(`state backend: git ${step} of ${where} failed: ${firstLines(detail)}`, hintFor(detail));
  }
}

function hintFor(detail: string): string {
  if (/authentication|permission denied|could not read username|403|401|access denied|publickey/i.test(detail)) {
    return 'check the credentials of state.token or state.sshKey in tscm.yaml and their access to the repository';
  }
  if (/could not resolve host|connection|timed out|unable to access/i.test(detail)) {
    return 'the state repository is unreachable; tscm retries on the next run';
  }
  return 'check state.repo and state.branch in tscm.yaml';
}

function firstLines(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('hint:'));
  const shown = lines.slice(0, 3).join(' / ');
  return shown.length > 400 ? `${shown.slice(0, 400)}...` : shown || 'no message';
}

/** A repository URL without its user information (`https://user:secret@host/x` -> `https://host/x`). */
export function displayRepo(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

/** A plain state folder (device folders, state files) must not be swallowed by a first commit or a reset. */
async function refuseForeignFiles(dir: string): Promise<void> {
  const names = (await readdir(dir)).filter((n) => !(LOCAL_ONLY as readonly string[]).includes(n));
  const devices: string[] = [];
  for (const name of names) {
    if (!isDeviceName(name)) continue;
    const held = await readFile(join(dir, name, 'state.json')).then(
      () => true,
      () => false,
    );
    if (held) devices.push(name);
  }
  if (names.length > 0) {
    const what = devices.length > 0 ? `the local state of ${devices.join(', ')}` : `${names.length} other file(s)`;
    throw new ConfigError(
      `the state folder ${dir} holds ${what} but is not a working copy of the git state branch`,
      devices.length > 0
        ? `move it aside, then publish it with \`tscm state push --from-dir DIR\`; the git backend keeps its copy in ${dir}`
        : 'point state.dir (or stateDir) at an empty folder, or empty this one',
    );
  }
}

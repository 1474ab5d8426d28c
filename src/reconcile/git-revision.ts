// The git revision of the definitions, pinned in every plan. null when the folder is not in a git work tree.
// tscm's own state folder (state, plan history, zone cache, lock) is left out of the dirty check: it is written
// before git is asked, so a clean checkout would otherwise always pin `sha+dirty`.

import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../drivers/driver.js';

export interface GitRevision {
  readonly sha: string;
  /** Uncommitted changes under the definitions folder: the plan does not match any commit exactly. */
  readonly dirty: boolean;
}

export interface GitRevisionOptions {
  /** tscm's state folder (absolute, or relative to dir); ignored by the dirty check when it lies under dir. */
  readonly stateDir?: string;
  /** Where a repository git refuses to read is reported; without it, that case is a silent null as well. */
  readonly log?: Logger;
}

export async function readGitRevision(dir: string, opts: GitRevisionOptions = {}): Promise<GitRevision | null> {
  // No `.git` in the folder or above it: no work tree git could find, and no git process (40-60 ms of CPU) to start.
  if (!mayBeInWorkTree(dir)) return null;
  // Loaded on use: commands that pin no revision (policy, validate) do not pay for it.
  const { simpleGit } = await import('simple-git');
  const git = simpleGit({ baseDir: dir });
  try {
    if (!(await git.checkIsRepo())) return null;
  } catch (err) {
    reportUnreadable(dir, err, opts.log);
    return null;
  }
  try {
    const sha = (await git.revparse(['HEAD'])).trim();
    const status = await git.raw(['status', '--porcelain', '--', '.', ...stateExclude(dir, opts.stateDir)]);
    return { sha, dirty: status.trim() !== '' };
  } catch (err) {
    // A repository without commits: the plan simply has no revision pin.
    opts.log?.debug('git revision not read', { dir, reason: firstLine(err) });
    return null;
  }
}

/**
 * False only when git's own discovery cannot find a work tree: no `.git` (folder, file of a linked work tree or
 * submodule, or symlink) in `dir` or any folder above it, and no GIT_DIR / GIT_WORK_TREE telling git where to look.
 */
function mayBeInWorkTree(dir: string): boolean {
  if (process.env.GIT_DIR !== undefined || process.env.GIT_WORK_TREE !== undefined) return true;
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (existsSync(path.join(d, '.git'))) return true;
    if (path.dirname(d) === d) return false;
  }
}

/** A pathspec that leaves out the state folder when it lies under dir (git pathspecs are relative to dir). */
function stateExclude(dir: string, stateDir: string | undefined): string[] {
  if (stateDir === undefined) return [];
  const rel = path.relative(path.resolve(dir), path.resolve(dir, stateDir));
  // Outside dir (`..`, another drive), or dir itself (nothing would be left to check): nothing to leave out.
  if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return [];
  // `literal`: a folder name with `*` or `?` is not a glob.
  return [`:(exclude,literal)${rel.split(path.sep).join('/')}`];
}

function reportUnreadable(dir: string, err: unknown, log: Logger | undefined): void {
  const text = err instanceof Error ? err.message : String(err);
  // Git names the fix itself; its `safe.directory` line is not translated, unlike the sentence before it.
  const safe = /safe\.directory\s+'?([^'\n]+?)'?\s*$/m.exec(text);
  if (safe !== null) {
    const repo = safe[1] ?? dir;
    log?.warn(
      'git refuses to read the definitions repository: it is owned by another user (dubious ownership); plans get no git revision pin',
      {
        dir: repo,
        fix: `git config --global --add safe.directory ${repo}`,
      },
    );
    return;
  }
  // git missing or another failure: the plan has no revision pin; say why for whoever looks.
  log?.warn('git revision not read; plans get no git revision pin', { dir, reason: firstLine(err) });
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n').find((l) => l.trim() !== '') ?? 'unknown error';
}

export function formatRevision(rev: GitRevision | null): string | null {
  if (!rev) return null;
  return rev.dirty ? `${rev.sha}+dirty` : rev.sha;
}

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
  // One git process answers it all: `--branch` heads the status with the commit (`# branch.oid`). (Three, through
  // simple-git, were ~40 ms of a short plan's wall time, and loading simple-git ~10 ms of CPU.)
  let out: GitOutput;
  try {
    out = await runGit(dir, [
      'status',
      '--porcelain=v2',
      '--branch',
      '--no-ahead-behind',
      '-z',
      '--',
      '.',
      ...stateExclude(dir, opts.stateDir),
    ]);
  } catch (err) {
    reportUnreadable(dir, err, opts.log);
    return null;
  }
  // Not in a work tree after all (a `.git` above that is not this folder's repository, a bare repository, inside
  // `.git` itself): no pin, as for a folder without `.git`.
  if (out.code !== 0 && NOT_A_WORK_TREE.test(out.stderr)) return null;
  if (out.code !== 0) {
    reportUnreadable(dir, new Error(out.stderr.trim() || `git exited with code ${out.code}`), opts.log);
    return null;
  }
  const records = out.stdout.split('\0');
  const oid = records.find((r) => r.startsWith('# branch.oid '))?.slice('# branch.oid '.length);
  if (oid === undefined || !/^[0-9a-f]{40,64}$/.test(oid)) {
    // `(initial)`: a repository without commits. The plan simply has no revision pin.
    opts.log?.debug('git revision not read', { dir, reason: `no commit (${oid ?? 'no branch.oid'})` });
    return null;
  }
  // Headers start with `#`; any other record is a changed or untracked path.
  return { sha: oid, dirty: records.some((r) => r !== '' && !r.startsWith('# ')) };
}

/** git's words (in the C locale it is run with) for a folder that is not in a work tree. */
const NOT_A_WORK_TREE = /not a git repository|must be run in a work tree/i;

/**
 * The most of git's standard output kept (at least this much, in whole reads): the headers come first, and one
 * changed path is enough to say dirty, however many follow.
 */
const MAX_OUTPUT = 64 * 1024;

interface GitOutput {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs git in `dir`; rejects only when it cannot be started (not installed, `dir` gone). */
async function runGit(dir: string, args: string[]): Promise<GitOutput> {
  const { spawn } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    // LC_ALL=C: git's messages are matched above (not a repository; safe.directory), so they must not be translated.
    const child = spawn('git', args, {
      cwd: dir,
      env: { ...process.env, LC_ALL: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let kept = 0;
    child.stdout.on('data', (b: Buffer) => {
      if (kept >= MAX_OUTPUT) return;
      stdout.push(b);
      kept += b.length;
    });
    child.stderr.on('data', (b: Buffer) => {
      if (stderr.length < 64) stderr.push(b);
    });
    child.once('error', reject);
    child.once('close', (code, signal) =>
      resolve({
        code: code ?? (signal === null ? 1 : 128),
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      }),
    );
  });
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

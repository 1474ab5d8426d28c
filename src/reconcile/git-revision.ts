// The git revision of the definitions, pinned in every plan. null when the folder is not in a git work tree.

export interface GitRevision {
  readonly sha: string;
  /** Uncommitted changes under the definitions folder: the plan does not match any commit exactly. */
  readonly dirty: boolean;
}

export async function readGitRevision(dir: string): Promise<GitRevision | null> {
  // Loaded on use: commands that pin no revision (policy, validate) do not pay for it.
  const { simpleGit } = await import('simple-git');
  const git = simpleGit({ baseDir: dir });
  try {
    if (!(await git.checkIsRepo())) return null;
    const sha = (await git.revparse(['HEAD'])).trim();
    const status = await git.status(['--porcelain', '--', '.']);
    return { sha, dirty: !status.isClean() };
  } catch {
    // A repository without commits, or git missing: the plan simply has no revision pin.
    return null;
  }
}

export function formatRevision(rev: GitRevision | null): string | null {
  if (!rev) return null;
  return rev.dirty ? `${rev.sha}+dirty` : rev.sha;
}

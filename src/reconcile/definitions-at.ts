// The device definitions as they were at a git revision, read into a temporary folder: a device whose definition
// was deleted can still be reached (its address, credentials references, host key) to take tscm's groups off it
// (`tscm reconcile --prune`). The repository's own index and work tree are never touched: git reads the tree into
// a private index file and checks it out under the temporary folder.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadDefinitions } from '../config/index.js';
import type { DeviceSpec } from '../config/types.js';
import type { Logger } from '../drivers/driver.js';

/**
 * Calls `use` with the definition of `device` at `revision` (null when git does not have it there), then removes
 * the temporary copy: files the definition names (a known_hosts file, a `file:` secret reference committed beside
 * it) exist while `use` runs.
 */
export async function withDefinitionAt<T>(
  dir: string,
  revision: string,
  device: string,
  log: Logger,
  use: (spec: DeviceSpec | null) => Promise<T>,
): Promise<T> {
  const sha = revision.replace(/\+dirty$/, '');
  if (!/^[0-9a-f]{40,64}$/.test(sha)) return use(null);
  const tmp = await mkdtemp(path.join(tmpdir(), 'tscm-definitions-'));
  try {
    const spec = await checkout(dir, sha, tmp).then(
      async (root) => (await loadDefinitions(root)).devices.find((d) => d.name === device) ?? null,
      (err: unknown) => {
        log.warn('the definitions at a revision could not be read', { revision, reason: (err as Error).message });
        return null;
      },
    );
    return await use(spec);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Checks the definitions folder's tree at `sha` out under `tmp`; returns the folder. */
async function checkout(dir: string, sha: string, tmp: string): Promise<string> {
  const { simpleGit } = await import('simple-git');
  const here = simpleGit({ baseDir: dir });
  const top = (await here.revparse(['--show-toplevel'])).trim();
  const prefix = (await here.revparse(['--show-prefix'])).trim().replace(/\/$/, '');
  // Only what git needs: simple-git refuses an environment that could run programs (EDITOR, PAGER...).
  const env: Record<string, string> = { GIT_INDEX_FILE: path.join(tmp, 'index') };
  for (const name of ['PATH', 'HOME', 'XDG_CONFIG_HOME', 'GIT_CONFIG_GLOBAL']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  const git = simpleGit({ baseDir: top }).env(env);
  const out = path.join(tmp, 'definitions');
  await git.raw(['read-tree', `${sha}:${prefix}`]);
  await git.raw(['checkout-index', '--all', `--prefix=${out}${path.sep}`]);
  return out;
}

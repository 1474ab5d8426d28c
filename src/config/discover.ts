// Finds the definition files under a definitions root: every *.yaml / *.yml, skipping hidden folders and files
// (.git, .tscm), node_modules, and symlinked folders (no loops, nothing outside the tree by surprise). A YAML name
// that is not a regular file (a FIFO, a device, a dangling link) is still listed: the loader refuses it by name
// rather than skipping it in silence.

import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

const SKIPPED_DIRS = new Set(['node_modules']);

/** Relative, `/`-separated paths of the YAML files under `root`, sorted for stable output. */
export async function findDefinitionFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(join(root, rel), { withFileTypes: true });
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const childRel = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) await walk(childRel);
        continue;
      }
      if (!/\.ya?ml$/i.test(entry.name)) continue;
      if (entry.isSymbolicLink()) {
        // A symlinked file is followed; a symlinked folder is not.
        const target = await stat(join(root, childRel)).catch(() => undefined);
        if (target?.isDirectory() === true) continue;
      }
      found.push(childRel);
    }
  };
  await walk('');
  return found.sort();
}

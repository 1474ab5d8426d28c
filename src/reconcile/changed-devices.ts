// Which devices a change of the definitions touches: the files git says changed between two revisions, mapped to
// the devices defined in them or reading them (a list file, a known_hosts file). tscm.yaml touches every device.
// Used by the loop (a new revision reconciles only the devices it touched) and `tscm plan --changed-since REV`.

import path from 'node:path';
import { sourcesOf } from '../config/policy-feeds.js';
import type { DeviceSpec } from '../config/types.js';
import { ConfigError } from '../errors.js';

/**
 * Files under `dir` (relative to it, `/`-separated) that differ between revisions `from` and `to`, renames counted
 * on both sides. A revision git does not know is a ConfigError naming it (the caller decides whether to re-plan all).
 */
export async function changedDefinitionFiles(dir: string, from: string, to: string = 'HEAD'): Promise<string[]> {
  const { simpleGit } = await import('simple-git');
  const git = simpleGit({ baseDir: dir });
  for (const rev of [from, to]) {
    // `--end-of-options` keeps a revision that starts with `-` from being read as an option.
    // simple-git resolves a failing command with no stderr (`--quiet`): an empty answer is "no such commit".
    const sha = await git.raw(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`]).then(
      (out) => out.trim(),
      () => '',
    );
    const ok = /^[0-9a-f]{40,64}$/.test(sha);
    if (!ok) {
      throw new ConfigError(
        `git revision "${rev}" is not a commit of the definitions repository`,
        'fetch enough history (e.g. actions/checkout with fetch-depth: 0) or name an existing revision',
      );
    }
  }
  const out = await git.raw(['diff', '--name-only', '--no-renames', '--relative', '-z', from, to, '--', '.']);
  return out.split('\0').filter((f) => f !== '');
}

export interface TouchedDevices {
  /** A shared file changed (tscm.yaml): every device is touched. */
  readonly all: boolean;
  readonly names: ReadonlySet<string>;
}

/** The devices `files` (relative to `dir`) touch: their own YAML, or a file they read. */
export function devicesTouched(
  files: readonly string[],
  devices: readonly DeviceSpec[],
  dir: string,
  settingsFile: string = 'tscm.yaml',
): TouchedDevices {
  const changed = new Set(files.map((f) => f.split(path.sep).join('/')));
  if (changed.has(settingsFile)) return { all: true, names: new Set(devices.map((d) => d.name)) };
  const names = new Set<string>();
  for (const spec of devices) {
    if (filesOf(spec, dir).some((f) => changed.has(f))) names.add(spec.name);
  }
  return { all: false, names };
}

/** The definitions files a device depends on, relative to `dir`. */
function filesOf(spec: DeviceSpec, dir: string): string[] {
  const files = [spec.source.file];
  for (const source of sourcesOf(spec)) {
    if (source.kind === 'file') files.push(path.relative(dir, source.path));
  }
  if (spec.hostKey.knownHosts !== undefined) files.push(path.relative(dir, spec.hostKey.knownHosts));
  return files.map((f) => f.split(path.sep).join('/'));
}

// `tscm plan --changed-since REV`: the devices whose definitions changed between REV and HEAD (their YAML, or a
// file they read; tscm.yaml touches every device), and the devices defined at REV whose definitions are gone, named
// so a review sees them (their groups stay on the device: nothing here removes them).

import { parseYamlText } from '../config/yaml-document.js';
import type { DeviceSpec } from '../config/types.js';
import { ConfigError } from '../errors.js';
import { printable } from '../plan/message-text.js';
import { changedDefinitionFiles, devicesTouched } from './changed-devices.js';

export interface ChangedSince {
  /** The revision as given and the commit it names. */
  readonly ref: string;
  readonly commit: string;
  /** The devices to plan, in the fleet's order. */
  readonly devices: readonly DeviceSpec[];
  /** Defined at REV, not now. */
  readonly removed: readonly string[];
}

/** Longest revision accepted: a branch name, a tag, a sha, `origin/main~3`. */
const MAX_REF = 256;
/** A definitions file older than this at REV is not read for the names it held (the loader's own limit). */
const MAX_OLD_FILE = 1024 * 1024;
const DEVICE_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export async function devicesChangedSince(
  dir: string,
  ref: string,
  devices: readonly DeviceSpec[],
  isGitWorkTree: boolean,
): Promise<ChangedSince> {
  // No whitespace, control or bidi character, nothing longer than a revision needs (printable leaves those alone).
  if (ref === '' || /\s/.test(ref) || printable(ref, MAX_REF) !== ref) {
    throw new ConfigError(
      '--changed-since takes a git revision (a branch, tag or commit)',
      'e.g. --changed-since origin/main',
    );
  }
  if (!isGitWorkTree) {
    throw new ConfigError(
      `--changed-since needs the definitions in a git work tree; ${dir} is not in one (or git cannot read it)`,
      'run it in a clone of the definitions repository, or plan without --changed-since',
    );
  }
  // Refuses a revision git does not know, with the fetch-depth fix (a shallow CI clone has no history).
  const files = await changedDefinitionFiles(dir, ref, 'HEAD');
  const { simpleGit } = await import('simple-git');
  const git = simpleGit({ baseDir: dir });
  const commit = (await git.raw(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`])).trim();
  const touched = devicesTouched(files, devices, dir);
  const now = new Set(devices.map((d) => d.name.toLowerCase()));
  const removed = new Set<string>();
  for (const file of files.filter(isDefinitionFile)) {
    for (const name of await namesAt(git, commit, file)) if (!now.has(name.toLowerCase())) removed.add(name);
  }
  return {
    ref,
    commit,
    devices: devices.filter((d) => touched.names.has(d.name)),
    removed: [...removed].sort(),
  };
}

/** A device YAML as the loader finds them: not tscm.yaml, not under a hidden folder or node_modules. */
function isDefinitionFile(file: string): boolean {
  const parts = file.split('/');
  if (parts.some((p) => p.startsWith('.') || p === 'node_modules')) return false;
  return /\.ya?ml$/i.test(file) && !(parts.length === 1 && /^tscm\.ya?ml$/.test(file));
}

/** The device names a definitions file held at `commit` (none when it did not exist or cannot be read). */
async function namesAt(git: { raw(args: string[]): Promise<string> }, commit: string, file: string): Promise<string[]> {
  const spec = `${commit}:./${file}`;
  const size = Number(await git.raw(['cat-file', '-s', spec]).catch(() => '-1'));
  if (!(size >= 0 && size <= MAX_OLD_FILE)) return [];
  const text = await git.raw(['cat-file', 'blob', spec]).catch(() => '');
  const { documents } = parseYamlText(text, file);
  return documents
    .map((doc) => (doc.value as { name?: unknown } | null)?.name)
    .filter((n): n is string => typeof n === 'string' && DEVICE_NAME.test(n));
}

// --watch: edits in a local checkout reconcile the devices they touch, without waiting for the interval. Changes
// are gathered for a quiet period (debounce: an editor or a `git pull` writes several files), then mapped to devices
// with the definitions as they were before and as they are now (a deleted or renamed device is touched too).
// The state folder and .git are not watched: tscm's own writes and git's bookkeeping are not edits.

import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { loadDefinitions } from '../config/index.js';
import type { DeviceSpec } from '../config/types.js';
import type { Logger } from '../drivers/driver.js';
import { devicesTouched } from '../reconcile/changed-devices.js';

export interface WatchChange {
  /** null: every device (tscm.yaml changed); otherwise the devices touched. */
  readonly devices: ReadonlySet<string> | null;
  readonly files: readonly string[];
}

export interface DefinitionsWatcher {
  /** Resolves once the initial scan is done: edits after it are seen. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

export interface WatchOptions {
  readonly dir: string;
  readonly debounceMs: number;
  readonly log: Logger;
  readonly onChange: (change: WatchChange) => void;
}

export async function watchDefinitions(opts: WatchOptions): Promise<DefinitionsWatcher> {
  const root = path.resolve(opts.dir);
  const initial = await loadDefinitions(root);
  let known: readonly DeviceSpec[] = initial.devices;
  const stateDir = path.resolve(root, initial.settings.stateDir);
  const settingsFile = initial.settings.settingsFile ?? 'tscm.yaml';
  const ignored = (p: string): boolean => {
    const abs = path.resolve(root, p);
    const rel = path.relative(root, abs);
    if (rel.split(path.sep).includes('.git')) return true;
    return abs === stateDir || abs.startsWith(stateDir + path.sep);
  };
  const watcher: FSWatcher = watch(root, { ignored, ignoreInitial: true, persistent: true });
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let flushing = Promise.resolve();

  const flush = async (): Promise<void> => {
    const files = [...pending].sort();
    pending.clear();
    const now = await loadDefinitions(root).catch((err: unknown) => {
      opts.log.warn('watch: the definitions could not be read after a change', { error: String(err) });
      return null;
    });
    const before = devicesTouched(files, known, root, settingsFile);
    const after = now ? devicesTouched(files, now.devices, root, settingsFile) : before;
    if (now) known = now.devices;
    if (closed) return;
    if (before.all || after.all) return opts.onChange({ devices: null, files });
    const names = new Set([...before.names, ...after.names]);
    if (names.size === 0) {
      opts.log.debug('watch: changed files touch no device', { files: files.length });
      return;
    }
    opts.onChange({ devices: names, files });
  };

  watcher.on('all', (_event, changed) => {
    const rel = path.relative(root, path.resolve(root, changed)).split(path.sep).join('/');
    if (rel === '' || rel.startsWith('..')) return;
    pending.add(rel);
    clearTimeout(timer);
    timer = setTimeout(() => {
      flushing = flushing.then(flush);
    }, opts.debounceMs);
  });
  watcher.on('error', (err) => opts.log.warn('watch: the file watcher reported an error', { error: String(err) }));
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    ready,
    async close() {
      closed = true;
      clearTimeout(timer);
      await watcher.close();
      await flushing;
    },
  };
}

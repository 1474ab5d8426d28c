// Runs the CLI's CommonJS scripts (dist/cli/tscm-validate.cjs, tscm-program.cjs and its chunk-*.cjs, the cached
// validators; scripts/build-cli.mjs) with V8's code cache.
// Node 20 has no compile cache for modules, and compiling the code a short command runs (yaml, the config loader)
// was a large part of its start-up; a vm.Script given the cached data skips it. The cache is made at build time by
// a warm run and made again by any run that finds it missing or rejected by V8 (another Node version or V8 flags, a
// rebuilt bundle): written at exit to a temporary file and renamed, so concurrent runs never read half a file, and
// never an error when the folder is read-only. The cache starts with the bundle's id (the hash of its content,
// which the build writes on its first line) and its path: a bundle changed in place is never run with another
// bundle's compiled code (V8's own check looks at the source's length only), and a cache made elsewhere (the build's
// folder, before an install copied it) is made again, as V8 would keep that folder's path in every stack trace.

import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import vm from 'node:vm';

const ID_LINE = /^\/\/ tscm-bundle ([0-9a-f]{64})\n/;

type CommonJsMain = (exports: object, require: NodeJS.Require, module: object, filename: string, dir: string) => void;

// The scripts run in this process by path: a chunk that several others require runs once. The module is kept
// before it runs, so a chunk required again while it runs (a cycle) gets its exports as they stand, as Node's
// require does; esbuild's CommonJS output sets them first.
const modules = new Map<string, { exports: Record<string, unknown> }>();
const unsaved: { cacheFile: string; stamp: Buffer; script: vm.Script }[] = [];

/**
 * Runs the CommonJS bundle at `file` with the code cache beside it (once per process); returns its module.exports.
 * A `require('./NAME.cjs')` in it (the commander program's chunks) runs that sibling script the same way.
 */
export function runCachedBundle(file: string): Record<string, unknown> {
  const known = modules.get(file);
  if (known !== undefined) return known.exports;
  const cacheFile = `${file}.v8-cache`;
  // The build keeps the bundle ASCII, and latin1 makes it a one-byte string: as UTF-8 a single non-ASCII byte made
  // V8 hold a two-byte copy of the whole source (1.6 MB then), and decoding it took longer than running the command.
  const source = readFileSync(file).toString('latin1');
  const id = ID_LINE.exec(source)?.[1];
  const stamp = id === undefined ? undefined : Buffer.from(`${id}${file}\0`);
  const cached = stamp === undefined ? undefined : readCache(cacheFile, stamp);
  // The file is the module wrapper (a function expression), so V8 compiles this very string, not a joined copy.
  const script = new vm.Script(source, { filename: file, ...(cached === undefined ? {} : { cachedData: cached }) });
  // At exit the cache holds every function this run compiled, not only the top level.
  if (stamp !== undefined && (cached === undefined || script.cachedDataRejected === true)) {
    // One exit listener for them all (a first run of the program makes the caches of tens of chunks).
    if (unsaved.length === 0)
      process.once('exit', () => unsaved.forEach((u) => writeCache(u.cacheFile, u.stamp, u.script)));
    unsaved.push({ cacheFile, stamp, script });
  }
  const module = { exports: {} as Record<string, unknown> };
  modules.set(file, module);
  const dir = dirname(file);
  (script.runInThisContext() as CommonJsMain)(module.exports, requireIn(dir), module, file, dir);
  return module.exports;
}

// One require per folder (the chunks all sit in dist/cli): Node's createRequire makes a module and its list of
// node_modules folders each time, for every one of the tens of chunks a command runs.
const requires = new Map<string, NodeJS.Require>();

/** The require the scripts in `dir` get: a sibling `./NAME.cjs` through runCachedBundle, anything else Node's. */
function requireIn(dir: string): NodeJS.Require {
  let require = requires.get(dir);
  if (require === undefined) {
    const nodeRequire = createRequire(`${dir}${sep}`); // a folder: Node resolves from it
    require = Object.assign(
      (request: string): unknown =>
        request.startsWith('./') && request.endsWith('.cjs')
          ? runCachedBundle(join(dir, request))
          : nodeRequire(request),
      nodeRequire,
    );
    requires.set(dir, require);
  }
  return require;
}

function readCache(cacheFile: string, stamp: Buffer): Buffer | undefined {
  let data: Buffer;
  try {
    data = readFileSync(cacheFile);
  } catch {
    return undefined;
  }
  return data.length > stamp.length && data.subarray(0, stamp.length).equals(stamp)
    ? data.subarray(stamp.length)
    : undefined;
}

function writeCache(cacheFile: string, stamp: Buffer, script: vm.Script): void {
  const tmp = `${cacheFile}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, Buffer.concat([stamp, script.createCachedData()]));
    renameSync(tmp, cacheFile);
  } catch {
    // A read-only install or a full disk: the next run compiles as this one did.
    try {
      rmSync(tmp, { force: true });
    } catch {
      // nothing was written
    }
  }
}

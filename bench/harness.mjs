// What every benchmark shares: its command-line options, the compiled code it measures (dist/, or TSCM_DIST for a
// build elsewhere) and the median it reports.

import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const args = process.argv.slice(2);

/** `--name VALUE` from the command line, or the fallback. */
export function option(name, fallback) {
  const i = args.indexOf(name);
  return i === -1 ? fallback : args[i + 1];
}

/** `--name N` as a number. */
export function numberOption(name, fallback) {
  return Number(option(name, fallback));
}

export const DIST = resolve(process.env.TSCM_DIST ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'dist'));

/** The path of a compiled module (e.g. 'cidr/index.js'); exits with the fix when the build is missing. */
export function compiledPath(rel) {
  const path = join(DIST, rel);
  if (!existsSync(path)) {
    console.error(`compiled code not found at ${path}: run npm run build first (or set TSCM_DIST)`);
    process.exit(2);
  }
  return path;
}

export function loadCompiled(rel) {
  return import(pathToFileURL(compiledPath(rel)).href);
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// What every benchmark shares: its command-line options, the compiled code it measures (dist/, or TSCM_DIST for a
// build elsewhere) and the median it reports.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
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

/** Median of per-pair ratios (ours / reference, each pair measured back to back), to two decimals. */
export const ratioOf = (pairRatios) => Math.round(median(pairRatios) * 100) / 100;

/**
 * Wall time (ms) and peak RSS (MB, GNU time's %M) of one whole process; stdout is captured (a pipe). Throws when
 * the exit status is not one of `okStatus` (default [0]).
 */
export function timeProcess(cmd, cmdArgs, { env, okStatus = [0] } = {}) {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...cmdArgs], { env, maxBuffer: 1 << 30, encoding: 'utf8' });
  const ms = performance.now() - t0;
  const lines = (r.stderr ?? '').trim().split('\n');
  if (!okStatus.includes(r.status)) {
    throw new Error(`${cmd} ${cmdArgs.join(' ').slice(0, 200)} exited ${r.status}: ${lines.slice(-5).join('\n')}`);
  }
  return { ms, rssMB: Number(lines[lines.length - 1]) / 1024, stdout: r.stdout };
}

export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'out', 'results');

/**
 * Writes a bench's report to bench/out/results/<name>.json for run.mjs's summary. `report.ratios` holds
 * `{ figure, ours_ms, reference, reference_ms, ratio, goal, met? }` (goal as a string, e.g. "<= 0.6x"; `met` when
 * the goal is not a ratio bound, e.g. an absolute time).
 */
export function writeResults(name, report) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, `${name}.json`), JSON.stringify(report, null, 2) + '\n');
}

/**
 * One IOS device whose block list is the CIDR list file `listFile` (credentials from BENCH_USER / BENCH_PASSWORD;
 * nothing connects): the definition the policy --cidrs and start-up benchmarks run on.
 */
export function fileListDeviceYaml(listFile, extra = '') {
  return `name: bench-01
platform: ios
deviceId: tdid_bench
management: { host: 127.0.0.1, port: 22 }
hostKey: { fingerprint: "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }
credentials: { username: { env: BENCH_USER }, password: { env: BENCH_PASSWORD } }
policy: { blockList: { file: ${listFile} } }
${extra}`;
}

// Whole-process benchmark of `tscm policy DEVICE --cidrs` over a file source, side by side with FireHOL
// `iprange --optimize` on the same file (the canonical minimal CIDR list), for every corpus shape of
// bench/corpus.mjs (1M lines each): wall time (the parent's clock), CPU time (user + system) and peak RSS (GNU
// time), medians of alternating runs (ours, then iprange, pair by pair), and a byte-for-byte comparison of the two
// outputs per shape; also the command's fixed cost (a 2-line list, in turn with each pair; node -e 0), so each
// shape's data path shows.
// iprange reads every shape as it is (comments, blank lines, CRLF, bare and /32 hosts), so no shape needs an
// equivalent file. Writes bench/out/results/policy-cidrs.json with the `ratios` array.
//
//   npm run build && node bench/policy-cidrs.mjs [--runs N] [--shapes base,hosts,...] [--count N]

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { SHAPES, shapeFile } from './corpus.mjs';
import { compiledPath, fileListDeviceYaml, median, numberOption, option } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'out');
const cli = compiledPath('cli/main.js');
const runs = numberOption('--runs', 5);
const count = numberOption('--count', 1_000_000);
const shapes = option('--shapes', SHAPES.join(',')).split(',');
const GOAL = 0.6;

function need(bin) {
  if (spawnSync('sh', ['-c', `command -v ${bin}`]).status !== 0) {
    console.error(`${bin} is not installed: apt-get install -y ${bin === 'iprange' ? 'iprange' : 'time'}`);
    process.exit(2);
  }
}
need('iprange');
if (!existsSync('/usr/bin/time')) need('/usr/bin/time');
for (const s of shapes) {
  if (!SHAPES.includes(s)) {
    console.error(`unknown shape ${s}; known: ${SHAPES.join(', ')}`);
    process.exit(2);
  }
}

/** A definitions folder with one device whose block list is `file`. */
function defsFor(shape, file) {
  const defs = join(out, 'policy-defs', shape);
  mkdirSync(defs, { recursive: true });
  writeFileSync(join(defs, 'bench.yaml'), fileListDeviceYaml(file, 'objectGroups: { maxEntries: 2000000 }\n'));
  return defs;
}

/**
 * Runs a command under GNU time, stdout to outFile; returns wall and CPU ms and peak RSS in MB. The wall time is
 * the parent's clock around the whole spawn (GNU time's %e counts in 10 ms steps, too coarse for runs of ~100 ms);
 * it includes starting `time` and `sh` (a few ms), the same for both commands of a pair.
 */
function timed(cmd, args, outFile) {
  const timeFile = join(out, 'time.txt');
  const t0 = performance.now();
  const r = spawnSync(
    '/usr/bin/time',
    ['-f', '%U %S %M', '-o', timeFile, 'sh', '-c', `"$0" "$@" > ${outFile}`, cmd, ...args],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const wallMs = performance.now() - t0;
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr.toString().slice(0, 500)}`);
  const [user, sys, kb] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(/\s+/).map(Number);
  return { wallMs, cpuMs: (user + sys) * 1000, rssMb: kb / 1024 };
}

const summary = (xs) => ({
  wallMs: Math.round(median(xs.map((r) => r.wallMs))),
  cpuMs: Math.round(median(xs.map((r) => r.cpuMs))),
  peakRssMb: Math.round(Math.max(...xs.map((r) => r.rssMb))),
});

// The command's fixed cost: the same command over a 2-line list, timed in turn with each shape's pairs (so a
// change of load hits both), and Node's own start (`node -e 0`). Each shape's data path is its time less the
// 2-line time, and `dataBudgetMs` is what the goal leaves it.
// Not named v4-*.txt: corpus.mjs's dropStaleCorpus removes those when the corpus generator changed.
const twoLine = join(out, 'policy-two-lines.txt');
writeFileSync(twoLine, '192.0.2.1\n198.51.100.0/24\n');
const twoDefs = defsFor('two-lines', twoLine);
const twoLines = () =>
  timed(process.execPath, [cli, 'policy', 'bench-01', '--cidrs', '--dir', twoDefs], join(out, 'tscm-two.out'));
const nodeE0 = summary(Array.from({ length: runs }, () => timed(process.execPath, ['-e', '0'], join(out, 'node.out'))));
console.error(`node -e 0: ${nodeE0.wallMs} ms`);

const results = {};
const ratios = [];
for (const shape of shapes) {
  const file = shapeFile(shape, { count, outDir: out });
  const defs = defsFor(shape, file);
  const oursOut = join(out, `tscm-${shape}.out`);
  const theirsOut = join(out, `iprange-${shape}.out`);
  const ours = [];
  const theirs = [];
  const fixedRuns = [];
  for (let i = 0; i < runs; i++) {
    ours.push(timed(process.execPath, [cli, 'policy', 'bench-01', '--cidrs', '--dir', defs], oursOut));
    theirs.push(timed('iprange', ['--optimize', file], theirsOut));
    fixedRuns.push(twoLines());
  }
  const fixed = summary(fixedRuns);
  const identical = spawnSync('cmp', ['-s', oursOut, theirsOut]).status === 0;
  const tscm = summary(ours);
  const iprange = summary(theirs);
  const ratio = +(tscm.wallMs / iprange.wallMs).toFixed(2);
  results[shape] = {
    file,
    entriesOut: readFileSync(oursOut, 'latin1').split('\n').length - 1,
    tscm,
    iprange,
    ratio,
    cpuRatio: +(tscm.cpuMs / iprange.cpuMs).toFixed(2),
    twoLineMs: fixed.wallMs,
    dataPathMs: tscm.wallMs - fixed.wallMs,
    dataBudgetMs: Math.round(GOAL * iprange.wallMs - fixed.wallMs),
    byteIdentical: identical,
  };
  ratios.push({
    figure: `policy --cidrs, ${shape} corpus (${count} lines), whole process${identical ? '' : ' (OUTPUT DIFFERS)'}`,
    ours_ms: tscm.wallMs,
    reference: 'iprange --optimize',
    reference_ms: iprange.wallMs,
    ratio,
    goal: `<= ${GOAL}x`,
  });
  const { dataPathMs, dataBudgetMs } = results[shape];
  console.error(
    `${shape}: ${ratio}x (cpu ${results[shape].cpuRatio}x), data path ${dataPathMs} ms (goal leaves ${dataBudgetMs}), byte-identical ${identical}`,
  );
}

const report = {
  task: 'tscm policy DEVICE --cidrs (file source) vs iprange --optimize, whole process, per corpus shape',
  runs,
  nodeE0,
  shapes: results,
  allByteIdentical: Object.values(results).every((r) => r.byteIdentical),
  ratios,
};
console.log(JSON.stringify(report, null, 2));
mkdirSync(join(out, 'results'), { recursive: true });
writeFileSync(join(out, 'results', 'policy-cidrs.json'), JSON.stringify(report, null, 2) + '\n');
if (!report.allByteIdentical) process.exitCode = 1;

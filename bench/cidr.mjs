// Benchmark of the CIDR set engine on the 1M-entry corpus (bench/corpus.mjs).
//   1. warm, in-process, median of 5: parse, aggregate, subtract, exactDifference (1M vs next hour), writePrefixes;
//   2. whole process, side by side in one run: `node <tiny script>` vs FireHOL `iprange` for --optimize and --diff,
//      with a byte-identical output check (optimize) and an address-set check (diff).
//
//   npx tsc -p tsconfig.build.json && node bench/cidr.mjs [--count N] [--runs 5]
// TSCM_DIST=/path/to/dist overrides where the compiled code is loaded from.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { dropStaleCorpus, writeCorpusFiles } from './corpus.mjs';
import { compiledPath, loadCompiled, median, numberOption } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const count = numberOption('--count', 1_000_000);
const runs = numberOption('--runs', 5);
const distPath = compiledPath('cidr/index.js');
const cidr = await loadCompiled('cidr/index.js');

const outDir = join(here, 'out');
const label = count === 1_000_000 ? '1m' : String(count);
let base = join(outDir, `v4-${label}.txt`);
let next = join(outDir, `v4-${label}-next.txt`);
dropStaleCorpus(outDir);
if (!existsSync(base) || !existsSync(next)) ({ base, next } = writeCorpusFiles({ count, outDir }));

const ms = (x) => Math.round(x * 10) / 10;

/** Warm run then `runs` timed runs; returns the median in ms and the last result. */
function timeIt(fn) {
  let result = fn();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    result = fn();
    times.push(performance.now() - t0);
  }
  return { ms: ms(median(times)), result };
}

// --- 1. in-process -------------------------------------------------------------------------------------------
const bytesA = readFileSync(base);
const bytesB = readFileSync(next);
const parse = timeIt(() => cidr.parseCidrText(bytesA, base));
const parseAggregated = timeIt(() => cidr.parseCidrText(bytesA, base, { aggregate: true }));
const listA = parse.result.list;
const listB = cidr.parseCidrText(bytesB, next).list;
const agg = timeIt(() => cidr.aggregate(listA));
const aggA = agg.result;
const aggB = cidr.aggregate(listB);
const sub = timeIt(() => cidr.subtract(aggA, aggB));
const exact = timeIt(() => cidr.exactDifference(listA, listB));
const write = timeIt(() => cidr.writePrefixes(aggA, { bareHosts: true }));
const inProcess = {
  entries: cidr.prefixCount(listA),
  aggregated: cidr.prefixCount(aggA),
  parseErrors: parse.result.errors.length,
  parseMs: parse.ms,
  parseAggregatedMs: parseAggregated.ms,
  aggregateMs: agg.ms,
  subtractMs: sub.ms,
  subtractEntries: cidr.prefixCount(sub.result),
  exactDifferenceMs: exact.ms,
  exactDifferenceEntries: cidr.prefixCount(exact.result),
  writePrefixesMs: write.ms,
  peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
};

// --- 2. whole process vs iprange ---------------------------------------------------------------------------
const distUrl = pathToFileURL(distPath).href;
const optimizeScript = join(outDir, 'run-optimize.mjs');
writeFileSync(
  optimizeScript,
  `import { readFileSync, writeSync } from 'node:fs';
import { parseCidrText, writePrefixes } from '${distUrl}';
const { list } = parseCidrText(readFileSync(process.argv[2]), process.argv[2], { aggregate: true });
writeSync(1, writePrefixes(list, { bareHosts: true }));
`,
);
const diffScript = join(outDir, 'run-diff.mjs');
writeFileSync(
  diffScript,
  `import { readFileSync, writeSync } from 'node:fs';
import { aggregate, parseCidrText, subtract, union, writePrefixes } from '${distUrl}';
const a = aggregate(parseCidrText(readFileSync(process.argv[2]), process.argv[2]).list);
const b = aggregate(parseCidrText(readFileSync(process.argv[3]), process.argv[3]).list);
writeSync(1, writePrefixes(union(subtract(a, b), subtract(b, a)), { bareHosts: true }));
`,
);

const haveTime = existsSync('/usr/bin/time');
/** Runs a command; returns wall ms, peak RSS in MB (via /usr/bin/time when present), stdout and exit status. */
function runProcess(cmd, cmdArgs) {
  const full = haveTime ? ['/usr/bin/time', ['-f', '%M', cmd, ...cmdArgs]] : [cmd, cmdArgs];
  const t0 = performance.now();
  const r = spawnSync(full[0], full[1], { maxBuffer: 1 << 30 });
  const wall = performance.now() - t0;
  const rssKB = haveTime ? Number(r.stderr.toString().trim().split('\n').pop()) : NaN;
  return { wall, rssMB: Math.round(rssKB / 1024), stdout: r.stdout, status: r.status };
}

/** Alternates the two commands `runs` times and reports medians and the ratio node/iprange. */
function sideBySide(nodeArgs, iprangeArgs) {
  const n = [];
  const c = [];
  let lastNode;
  let lastIprange;
  for (let i = 0; i < runs; i++) {
    lastNode = runProcess(process.execPath, nodeArgs);
    lastIprange = runProcess('iprange', iprangeArgs);
    n.push(lastNode);
    c.push(lastIprange);
  }
  const nodeMs = median(n.map((x) => x.wall));
  const iprangeMs = median(c.map((x) => x.wall));
  return {
    nodeMs: ms(nodeMs),
    nodeRssMB: Math.max(...n.map((x) => x.rssMB)),
    iprangeMs: ms(iprangeMs),
    iprangeRssMB: Math.max(...c.map((x) => x.rssMB)),
    ratioNodeToIprange: Math.round((nodeMs / iprangeMs) * 100) / 100,
    lastNode,
    lastIprange,
  };
}

let wholeProcess;
const iprange = spawnSync('iprange', ['--version']);
if (iprange.error) {
  wholeProcess = { skipped: 'iprange not installed (apt-get install -y iprange)' };
} else {
  const optimize = sideBySide([optimizeScript, base], ['--optimize', base]);
  const diff = sideBySide([diffScript, base, next], [base, '--diff', next]);
  // iprange --diff prints the symmetric difference; compare address sets (both outputs are aggregated lists).
  const diffSetsEqual = cidr.exactEquals(
    cidr.aggregate(cidr.parseCidrText(diff.lastNode.stdout, 'node').list),
    cidr.aggregate(cidr.parseCidrText(diff.lastIprange.stdout, 'iprange').list),
  );
  const strip = (r) => {
    const rest = { ...r };
    delete rest.lastNode;
    delete rest.lastIprange;
    return rest;
  };
  wholeProcess = {
    optimize: {
      ...strip(optimize),
      byteIdentical: Buffer.compare(optimize.lastNode.stdout, optimize.lastIprange.stdout) === 0,
      outputLines: optimize.lastIprange.stdout.toString('latin1').split('\n').length - 1,
    },
    diff: {
      ...strip(diff),
      iprangeExitStatus: diff.lastIprange.status,
      addressSetsEqual: diffSetsEqual,
      outputLines: diff.lastIprange.stdout.toString('latin1').split('\n').length - 1,
    },
  };
}

const ratios = [];
if (wholeProcess.optimize) {
  ratios.push({
    figure: `parse + aggregate + write of ${count} entries, whole process (node script)${wholeProcess.optimize.byteIdentical ? '' : ' (OUTPUT DIFFERS)'}`,
    ours_ms: wholeProcess.optimize.nodeMs,
    reference: 'iprange --optimize',
    reference_ms: wholeProcess.optimize.iprangeMs,
    ratio: wholeProcess.optimize.ratioNodeToIprange,
    goal: '<= 0.6x',
  });
  ratios.push({
    figure: `symmetric diff of two ${count}-entry files, whole process (node script)`,
    ours_ms: wholeProcess.diff.nodeMs,
    reference: 'iprange --diff',
    reference_ms: wholeProcess.diff.iprangeMs,
    ratio: wholeProcess.diff.ratioNodeToIprange,
    goal: '<= 1.0x',
  });
}
const report = { corpus: { base, next, runs }, inProcess, wholeProcess, ratios };
console.log(JSON.stringify(report, null, 2));
mkdirSync(join(outDir, 'results'), { recursive: true });
writeFileSync(join(outDir, 'results', 'cidr.json'), JSON.stringify(report, null, 2) + '\n');

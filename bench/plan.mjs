// Benchmark of computePlan on the 1M-entry corpus (bench/corpus.mjs): the device's group holds last hour's list
// (1M normalised entries, all managed), the desired state is the next hour's (~2% removed, ~2% added).
// Median of 5 warm runs; also the markdown view, and the files at 1M entries: plan file write/read, plan history
// append/read, state write/read (in a temp dir). rssMB after each phase is the process's peak RSS so far (a
// high-water mark: the phase that raises it is the one to look at); the files' sizes in MB.
//
//   npx tsc -p tsconfig.build.json && node bench/plan.mjs [--count N] [--runs 5]
// TSCM_DIST=/path/to/dist overrides where the compiled code is loaded from.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { generateCorpus, nextHourCorpus } from './corpus.mjs';
import { loadCompiled, median, numberOption, writeResults } from './harness.mjs';

const count = numberOption('--count', 1_000_000);
const runs = numberOption('--runs', 5);
const load = loadCompiled;
const cidr = await load('cidr/index.js');
const { computePlan } = await load('plan/compute-plan.js');
const { serializePlan, encodePlan, parsePlan, writePlanFile, readPlanFile } = await load('plan/plan-file.js');
const { StateStore } = await load('state/index.js');
const { renderPlanMarkdown } = await load('cli/views/plan-markdown.js');

const ms = (x) => Math.round(x * 10) / 10;
const peakRssMB = () => Math.round(process.resourceUsage().maxRSS / 1024);
const sizeMB = (path) => Math.round(statSync(path).size / 1e5) / 10;
/** One cold call, as one `tscm plan` / `tscm apply` run makes it (repeated calls would measure V8's lazy GC). */
async function timeOnce(fn) {
  const t0 = performance.now();
  const result = await fn();
  return { ms: ms(performance.now() - t0), result, rssMB: peakRssMB() };
}
function timeIt(fn, n = runs) {
  let result = fn();
  const times = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    result = fn();
    times.push(performance.now() - t0);
  }
  return { ms: ms(median(times)), result };
}

/** Normalised, deduplicated (not aggregated) list, as a device group would hold it. */
function toList(corpus) {
  const b = new cidr.PrefixListBuilder();
  for (let i = 0; i < corpus.len.length; i++) b.addV4(corpus.addr[i], corpus.len[i]);
  return b.build();
}

const base = generateCorpus({ count });
const observedList = toList(base);
const desiredList = toList(nextHourCorpus(base));
const observed = {
  groups: [{ name: 'TSCM-BLOCK', role: 'block', exists: true, members: observedList, foreign: [], usedBy: [] }],
  fingerprint: '0'.repeat(64),
};
const inventory = { groups: [{ name: 'TSCM-BLOCK', role: 'block', created: true, members: observedList }] };
const desired = { groups: [{ name: 'TSCM-BLOCK', role: 'block', members: desiredList }] };
const opts = {
  device: 'bench-1',
  platform: 'asa',
  maxRemoveShare: 0.1,
  inputs: { zones: [], observedFingerprint: '0'.repeat(64), state: { lineage: 'bench', serial: 1 }, adopt: false },
};

const plan = timeIt(() => computePlan(desired, observed, inventory, opts));
const rssAfterCompute = peakRssMB();
const wrapped = { formatVersion: 1, createdAt: '2026-11-23T00:00:00.000Z', gitRevision: null, devices: [plan.result] };
const serialise = timeIt(() => (encodePlan ?? serializePlan)(wrapped), 3);
const parse = timeIt(
  () => parsePlan(typeof serialise.result === 'string' ? serialise.result : Buffer.from(serialise.result), 'bench'),
  3,
);
const markdown = timeIt(() => renderPlanMarkdown(wrapped, { planLocation: 'plan.json' }), 3);

// First run: the group is missing, so the plan creates it with every member (the largest plan file there is).
const missing = { ...observed, groups: [{ ...observed.groups[0], exists: false, members: cidr.EMPTY_PREFIXES }] };
const createPlan = timeIt(() =>
  computePlan(desired, missing, { groups: [] }, { ...opts, inputs: { ...opts.inputs, state: null } }),
);
const bigWrapped = { ...wrapped, devices: [createPlan.result] };
const rssBeforeFiles = peakRssMB();

// The files as `tscm plan --out`, `tscm apply PLANFILE` and the state store handle them, first-run plan first;
// the state is written twice (the second write reads the first, as every write after the first does).
const dir = mkdtempSync(join(tmpdir(), 'tscm-bench-plan-'));
const planPath = join(dir, 'plan.json');
const writeFile = await timeOnce(() => writePlanFile(planPath, bigWrapped));
const readFile = await timeOnce(() => readPlanFile(planPath));
let historyPath = '';
const store = new StateStore(join(dir, 'state'));
const historyAppend = await timeOnce(async () => {
  historyPath = await store.appendPlanHistory('bench-1', bigWrapped);
});
const historyRead = await timeOnce(() => readPlanFile(historyPath));
const stateUpdate = {
  inventory: { groups: [{ name: 'TSCM-BLOCK', role: 'block', created: true, members: desiredList }] },
  zones: [],
  lastApply: null,
  appliedAt: '2026-11-23T00:00:00.000Z',
};
await store.write('bench-1', stateUpdate);
const stateWrite = await timeOnce(() => store.write('bench-1', stateUpdate));
const stateRead = await timeOnce(() => store.read('bench-1'));
const files = {
  planFile: { writeMs: writeFile.ms, rssMB: writeFile.rssMB, readMs: readFile.ms, rssAfterReadMB: readFile.rssMB },
  planFileMB: sizeMB(planPath),
  history: {
    appendMs: historyAppend.ms,
    rssMB: historyAppend.rssMB,
    readMs: historyRead.ms,
    rssAfterReadMB: historyRead.rssMB,
  },
  historyEntryMB: sizeMB(historyPath),
  // write reads the current state first (lineage, serial, and a damaged file is refused, not overwritten).
  state: { writeMs: stateWrite.ms, rssMB: stateWrite.rssMB, readMs: stateRead.ms, rssAfterReadMB: stateRead.rssMB },
  stateFileMB: sizeMB(join(dir, 'state', 'bench-1', 'state.json')),
};
rmSync(dir, { recursive: true, force: true });

// In memory: the bytes (encodePlan, parsePlan of bytes) where this tscm has them, else the string API.
const encode = encodePlan ?? serializePlan;
const decodeCopy = (data) => (typeof data === 'string' ? data : Buffer.from(data));
const bigSerialise = timeIt(() => encode(bigWrapped), 3);
const bigParse = timeIt(() => parsePlan(decodeCopy(bigSerialise.result), 'bench'), 3);
const bigMarkdown = timeIt(() => renderPlanMarkdown(bigWrapped, { planLocation: 'plan.json' }), 3);

const figures = {
  observed: cidr.prefixCount(observedList),
  desired: cidr.prefixCount(desiredList),
  add: plan.result.summary.add,
  remove: plan.result.summary.remove,
  computePlanMs: plan.ms,
  serializePlanMs: serialise.ms,
  planFileMB: Math.round(serialise.result.length / 1e5) / 10,
  parsePlanMs: parse.ms,
  markdownMs: markdown.ms,
  markdownChars: markdown.result.length,
  firstRun: {
    add: createPlan.result.summary.add,
    computePlanMs: createPlan.ms,
    serializePlanMs: bigSerialise.ms,
    planFileMB: Math.round(bigSerialise.result.length / 1e5) / 10,
    parsePlanMs: bigParse.ms,
    markdownMs: bigMarkdown.ms,
    markdownChars: bigMarkdown.result.length,
    files,
  },
  rssAfterComputeMB: rssAfterCompute,
  rssBeforeFilesMB: rssBeforeFiles,
  peakRssMB: peakRssMB(),
  node: process.version,
};
// No reference tool computes a plan (e2e-hourly measures the whole `tscm plan` against dig + iprange): no ratios.
writeResults('plan', { ...figures, ratios: [] });
console.log(JSON.stringify(figures, null, 2));

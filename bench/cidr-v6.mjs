// IPv6 at scale against IPv4 at the same count, in the same run: 1M IPv6 entries (bench/corpus-v6.mjs) and 1M IPv4
// entries (bench/corpus.mjs), each with its next hour. Steps, warm, in process, v4 and v6 alternated run by run:
// parse (parseCidrText of the file bytes), aggregate, subtract (address space, last hour minus next hour),
// exactDifference (the same, as prefixes), computePlan (group holding last hour, desired next hour, as
// bench/plan.mjs), write (writePrefixes of the aggregate: one buffer, as plan and state files take the text),
// writePieces (prefixTextPieces of the aggregate, each piece's length summed before the next is asked for: how
// `tscm policy --cidrs` takes the text, writing each piece to stdout; added beside write, which is unchanged, since
// the command that prints the set never asks for one buffer). Ratio v6/v4 per step, goal <= 2x. Peak RSS of each
// family's whole pipeline in its own child process (goal < 250 MB for IPv6), with each step's time in that cold
// pass (parse, write and writePieces are reported cold too), and each warm step's spread and page faults.
//
//   npx tsc -p tsconfig.build.json && node bench/cidr-v6.mjs [--count N] [--runs 5]
// TSCM_DIST=/path/to/dist overrides where the compiled code is loaded from.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { dropStaleCorpus, writeCorpusFiles } from './corpus.mjs';
import { writeCorpusV6Files } from './corpus-v6.mjs';
import { loadCompiled, median, numberOption, option } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const count = numberOption('--count', 1_000_000);
const runs = numberOption('--runs', 5);
const child = option('--child', undefined);
const cidr = await loadCompiled('cidr/index.js');
const { computePlan } = await loadCompiled('plan/compute-plan.js');

const outDir = join(here, 'out');
const label = count === 1_000_000 ? '1m' : String(count);
const files = {
  v4: { base: join(outDir, `v4-${label}.txt`), next: join(outDir, `v4-${label}-next.txt`) },
  v6: { base: join(outDir, `v6-${label}.txt`), next: join(outDir, `v6-${label}-next.txt`) },
};
dropStaleCorpus(outDir);
if (!existsSync(files.v4.base) || !existsSync(files.v4.next)) writeCorpusFiles({ count, outDir });
if (!existsSync(files.v6.base) || !existsSync(files.v6.next)) writeCorpusV6Files({ count, outDir });

const ms = (x) => Math.round(x * 10) / 10;

function planOf(observedList, desiredList) {
  const observed = {
    groups: [{ name: 'TSCM-BLOCK', role: 'block', exists: true, members: observedList, foreign: [], usedBy: [] }],
    fingerprint: '0'.repeat(64),
  };
  const inventory = { groups: [{ name: 'TSCM-BLOCK', role: 'block', created: true, members: observedList }] };
  const desired = { groups: [{ name: 'TSCM-BLOCK', role: 'block', members: desiredList }] };
  return computePlan(desired, observed, inventory, {
    device: 'bench-1',
    platform: 'asa',
    maxRemoveShare: 0.1,
    inputs: { zones: [], observedFingerprint: '0'.repeat(64), state: { lineage: 'bench', serial: 1 }, adopt: false },
  });
}

/** One family's pipeline, step by step; each step is a function of the previous results. */
function pipeline(family, { keepBytes = true } = {}) {
  // In process the file bytes stay loaded (parse is timed, not the disk); the child reads and drops them, as a run does.
  const bytesA = keepBytes ? readFileSync(files[family].base) : null;
  const bytesB = keepBytes ? readFileSync(files[family].next) : null;
  const s = {};
  return {
    parse: () => {
      s.a = cidr.parseCidrText(bytesA ?? readFileSync(files[family].base), 'a');
      s.b = cidr.parseCidrText(bytesB ?? readFileSync(files[family].next), 'b');
      return s.a;
    },
    aggregate: () => {
      s.aggA = cidr.aggregate(s.a.list);
      s.aggB = cidr.aggregate(s.b.list);
      return s.aggA;
    },
    subtract: () => (s.sub = cidr.subtract(s.aggA, s.aggB)),
    exactDifference: () => (s.exact = cidr.exactDifference(s.a.list, s.b.list)),
    computePlan: () => (s.plan = planOf(s.a.list, s.b.list)),
    write: () => (s.out = cidr.writePrefixes(s.aggA, { bareHosts: true })),
    writePieces: () => {
      let bytes = 0;
      for (const piece of cidr.prefixTextPieces(s.aggA, { bareHosts: true })) bytes += piece.length;
      return (s.pieceBytes = bytes);
    },
    state: s,
  };
}
/**
 * This process's own peak RSS. Linux's getrusage maxRSS of a process spawned by a large parent starts at the
 * parent's peak (the forked copy's high-water mark survives exec), so the child reads VmHWM of its own memory.
 */
function peakRssMB() {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'latin1'));
    if (m) return Math.round(Number(m[1]) / 1024);
  } catch {
    // not Linux: fall back to getrusage
  }
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

const STEPS = ['parse', 'aggregate', 'subtract', 'exactDifference', 'computePlan', 'write', 'writePieces'];

if (child !== undefined) {
  // One cold pass of the whole pipeline, as one `tscm` run makes it; the parent reads the peak RSS.
  const p = pipeline(child, { keepBytes: false });
  const t0 = performance.now();
  const stepMs = {};
  for (const step of STEPS) {
    const t1 = performance.now();
    p[step]();
    stepMs[step] = ms(performance.now() - t1);
  }
  const wallMs = performance.now() - t0;
  console.log(JSON.stringify({ wallMs: ms(wallMs), peakRssMB: peakRssMB(), stepMs }));
  process.exit(0);
}

const p4 = pipeline('v4');
const p6 = pipeline('v6');
const times = { v4: {}, v6: {} };
// Minor page faults per call: a step that allocates its output touches fresh pages unless the allocator reuses
// memory freed earlier, and a fresh page costs ~10 us on the machines we measured (a 24 MB output: ~60 ms). Whether
// the allocator reuses memory depends on the size (glibc maps chunks over 32 MB afresh every time) and on when the
// GC freed the last result, so a step's times can be bimodal; the spread and the faults say which mode a median is.
const faults = { v4: {}, v6: {} };
for (const step of STEPS) {
  times.v4[step] = [];
  times.v6[step] = [];
  faults.v4[step] = [];
  faults.v6[step] = [];
  // Warm-up, then alternate v4 and v6 so load on the machine hits both alike.
  p4[step]();
  p6[step]();
  for (let r = 0; r < runs; r++) {
    for (const [family, p] of r % 2 === 0
      ? [
          ['v4', p4],
          ['v6', p6],
        ]
      : [
          ['v6', p6],
          ['v4', p4],
        ]) {
      const f0 = process.resourceUsage().minorPageFault;
      const t0 = performance.now();
      p[step]();
      times[family][step].push(performance.now() - t0);
      faults[family][step].push(process.resourceUsage().minorPageFault - f0);
    }
  }
}

// Checks: the IPv6 output reads back as the same list; the plan's counts match the exact differences.
const s6 = p6.state;
const roundTrip = cidr.exactEquals(cidr.parseCidrText(s6.out, 'out').list, s6.aggA) && s6.pieceBytes === s6.out.length;
const planMatches =
  s6.plan.summary.add === cidr.prefixCount(cidr.exactDifference(s6.b.list, s6.a.list)) &&
  s6.plan.summary.remove === cidr.prefixCount(s6.exact);

const ratios = STEPS.map((step) => {
  const v6 = median(times.v6[step]);
  const v4 = median(times.v4[step]);
  return {
    figure: `IPv6 ${step} at ${count} entries (in process, median of ${runs})`,
    ours_ms: ms(v6),
    reference: `IPv4 ${step} at the same count, same run`,
    reference_ms: ms(v4),
    ratio: Math.round((v6 / v4) * 100) / 100,
    goal: '<= 2x',
  };
});

function childRun(family) {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--count', String(count), '--child', family], {
    env: process.env,
  });
  if (r.status !== 0) throw new Error(`child ${family} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.toString());
}
const whole = { v4: childRun('v4'), v6: childRun('v6') };
// The same steps cold, as one `tscm` run meets them (fresh process, every output on fresh pages): parse and the
// writes are the ones whose warm figures depend most on memory reuse.
for (const step of ['parse', 'write', 'writePieces']) {
  ratios.push({
    figure: `IPv6 ${step} at ${count} entries, cold (one call in a child process)`,
    ours_ms: whole.v6.stepMs[step],
    reference: `IPv4 ${step} cold, same count`,
    reference_ms: whole.v4.stepMs[step],
    ratio: Math.round((whole.v6.stepMs[step] / whole.v4.stepMs[step]) * 100) / 100,
    goal: '<= 2x',
  });
}
ratios.push({
  figure: `IPv6 whole pipeline at ${count} entries (one cold pass in a child process)`,
  ours_ms: whole.v6.wallMs,
  reference: 'IPv4 whole pipeline, same count',
  reference_ms: whole.v4.wallMs,
  ratio: Math.round((whole.v6.wallMs / whole.v4.wallMs) * 100) / 100,
  goal: '<= 2x',
});

const report = {
  corpus: { files, runs },
  entries: {
    v4: cidr.prefixCount(p4.state.a.list),
    v6: cidr.prefixCount(s6.a.list),
    v6Aggregated: cidr.prefixCount(s6.aggA),
    v6ParseErrors: s6.a.errors.length,
    v6Subtract: cidr.prefixCount(s6.sub),
    v6ExactDifference: cidr.prefixCount(s6.exact),
    v6PlanAdd: s6.plan.summary.add,
    v6PlanRemove: s6.plan.summary.remove,
  },
  checks: { v6OutputReadsBack: roundTrip, v6PlanMatchesExactDifferences: planMatches },
  peakRss: { v6MB: whole.v6.peakRssMB, v4MB: whole.v4.peakRssMB, goal: 'IPv6 < 250 MB' },
  // Per step and family: fastest, median and slowest warm call (ms), and the median minor page faults per call.
  spread: Object.fromEntries(
    STEPS.map((step) => [
      step,
      Object.fromEntries(
        ['v4', 'v6'].map((f) => [
          f,
          {
            min: ms(Math.min(...times[f][step])),
            median: ms(median(times[f][step])),
            max: ms(Math.max(...times[f][step])),
            minorFaults: median(faults[f][step]),
          },
        ]),
      ),
    ]),
  ),
  cold: { v4: whole.v4.stepMs, v6: whole.v6.stepMs },
  ratios,
  node: process.version,
};
mkdirSync(join(outDir, 'results'), { recursive: true });
writeFileSync(join(outDir, 'results', 'cidr-v6.json'), `${JSON.stringify(report, null, 2)}\n`);
console.log(JSON.stringify(report, null, 2));

// npm run bench: every benchmark, one after another (never side by side: they would steal each other's cores),
// each printing its own JSON report. The corpus is generated once (deterministic, bench/out/, gitignored).
// Figures are medians of repeated runs and ratios against reference tools measured in the same run
// (FireHOL iprange, dig, Knot, rsyslogd); compare ratios, not absolute times, across machines. Each benchmark also
// writes bench/out/results/<name>.json with a `ratios` array; at the end one table lists every ratio of THIS run
// (results/ is cleared first, so a stale file from an earlier run never shows).
//
//   npm run bench                   all of them
//   npm run bench -- cidr axfr      some of them (names below)
//
// Reference tools come from Debian: iprange, nsd, knot (knotd, knotc), bind9-dnsutils (dig), time, rsyslog. A benchmark whose tool is missing
// says so and the others go on.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dropStaleCorpus, writeCorpusFiles } from './corpus.mjs';
import { RESULTS_DIR } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const BENCHES = {
  cidr: 'CIDR engine: parse/aggregate/subtract/diff of 1M entries; whole process vs iprange --optimize and --diff',
  startup: '`tscm --version` and `tscm validate` of one device vs `node -e 0`, whole process',
  'cidr-v6': 'IPv6 at scale: parse/aggregate/subtract/diff/computePlan/write of 1M IPv6 vs 1M IPv4, same run',
  'policy-cidrs':
    '`tscm policy DEVICE --cidrs` (1M-line file source, every corpus shape) vs iprange --optimize, whole process',
  plan: 'computePlan of 1M desired vs 1M observed (next hour), plan file and views',
  axfr: 'zone transfer of a 1M-record RPZ zone from NSD and Knot: tscm (whole process) vs dig',
  'ssh-apply': '100,000 adds to the IOS emulator: batched vs one command per round trip',
  'platform-apply': '100,000 adds on IOS, ASA (nested children) and PIX: batched vs one command per round trip',
  'asa-rest-apply':
    '100,000-entry first apply and hourly update (2%) through the asa-rest driver over HTTPS: requests and time per chunk size',
  'log-store':
    'the log store: appends/s and MB/s into 10 devices, rotation at 100 KB with gzip (all on disk at close) vs none',
  'reconcile-fleet':
    '`tscm reconcile --once` over 500 emulated routers sharing 5 policies: first, idle, serial, commit',
  'syslog-receive': 'syslog msgs/s received and filed over TCP and UDP: `tscm syslog` vs rsyslogd, whole process',
  'e2e-hourly':
    '`tscm plan` of a 1M-record zone from Knot: first run (AXFR) and the next hour (IXFR) vs dig + iprange, whole process',
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const name of wanted) {
  if (!(name in BENCHES)) {
    console.error(`unknown benchmark "${name}"; known: ${Object.keys(BENCHES).join(', ')}`);
    process.exit(2);
  }
}
dropStaleCorpus(join(here, 'out'));
if (!existsSync(join(here, 'out', 'v4-1m.txt'))) {
  console.log('generating the 1M corpus (bench/out/) ...');
  writeCorpusFiles({ outDir: join(here, 'out') });
}

rmSync(RESULTS_DIR, { recursive: true, force: true });
let failed = 0;
const ran = [];
for (const [name, what] of Object.entries(BENCHES)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  console.log(`\n=== ${name}: ${what}`);
  ran.push(name);
  const r = spawnSync(process.execPath, [join(here, `${name}.mjs`)], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.log(`=== ${name} exited ${r.status}`);
  }
}
printSummary(ran);
process.exit(failed > 0 ? 1 : 0);

/** Whether a ratio meets a goal written as "<= 0.6x" / "< 2x"; `met` given by the bench wins (absolute goals). */
function goalMet(r) {
  if (typeof r.met === 'boolean') return r.met;
  const m = /^\s*(<=?)\s*([0-9.]+)\s*x\s*$/.exec(String(r.goal ?? ''));
  if (!m || typeof r.ratio !== 'number') return null;
  return m[1] === '<' ? r.ratio < Number(m[2]) : r.ratio <= Number(m[2]);
}

/** One table of every ratio the benchmarks of this run wrote. */
function printSummary(names) {
  const rows = [];
  const files = new Set(existsSync(RESULTS_DIR) ? readdirSync(RESULTS_DIR) : []);
  for (const name of names) {
    if (!files.has(`${name}.json`)) {
      rows.push({ bench: name, figure: '(no results file: failed, skipped, or no reference)' });
      continue;
    }
    let ratios;
    try {
      ratios = JSON.parse(readFileSync(join(RESULTS_DIR, `${name}.json`), 'utf8')).ratios;
    } catch (err) {
      rows.push({ bench: name, figure: `(results file unreadable: ${err.message})` });
      continue;
    }
    if (!Array.isArray(ratios) || ratios.length === 0) {
      rows.push({ bench: name, figure: '(no reference tool: see its report)' });
      continue;
    }
    for (const r of ratios) {
      const met = goalMet(r);
      rows.push({
        bench: name,
        figure: r.figure,
        ours_ms: r.ours_ms,
        reference: r.reference,
        reference_ms: r.reference_ms,
        ratio: r.ratio,
        goal: r.goal ?? '',
        met: met === null ? '' : met ? 'yes' : 'NO',
      });
    }
  }
  console.log('\n=== summary: every ratio of this run (ours / reference, measured pair by pair)');
  console.table(rows);
}

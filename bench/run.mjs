// npm run bench: every benchmark, one after another (never side by side: they would steal each other's cores),
// each printing its own JSON report. The corpus is generated once (deterministic, bench/out/, gitignored).
// Figures are medians of repeated runs and ratios against reference tools measured in the same run
// (FireHOL iprange, dig); compare ratios, not absolute times, across machines.
//
//   npm run bench                   all of them
//   npm run bench -- cidr axfr      some of them (names below)
//
// Reference tools come from Debian: iprange, nsd, bind9-dnsutils (dig), time, rsyslog. A benchmark whose tool is missing
// says so and the others go on.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCorpusFiles } from './corpus.mjs';

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
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const name of wanted) {
  if (!(name in BENCHES)) {
    console.error(`unknown benchmark "${name}"; known: ${Object.keys(BENCHES).join(', ')}`);
    process.exit(2);
  }
}
if (!existsSync(join(here, 'out', 'v4-1m.txt'))) {
  console.log('generating the 1M corpus (bench/out/) ...');
  writeCorpusFiles({ outDir: join(here, 'out') });
}

let failed = 0;
for (const [name, what] of Object.entries(BENCHES)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  console.log(`\n=== ${name}: ${what}`);
  const r = spawnSync(process.execPath, [join(here, `${name}.mjs`)], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.log(`=== ${name} exited ${r.status}`);
  }
}
process.exit(failed > 0 ? 1 : 0);

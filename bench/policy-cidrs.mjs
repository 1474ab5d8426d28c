// Whole-process benchmark of `tscm policy DEVICE --cidrs` over a file source of the 1M corpus, side by side with
// FireHOL `iprange --optimize` on the same file (the canonical minimal CIDR list): wall time and peak RSS
// (GNU time), medians of 5 alternating runs, and a byte-for-byte comparison of the two outputs.
//
//   npm run build && node bench/policy-cidrs.mjs [--runs N]

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCorpusFiles } from './corpus.mjs';
import { compiledPath, median, numberOption } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'out');
const cli = compiledPath('cli/main.js');
const runs = numberOption('--runs', 5);

function need(bin) {
  if (spawnSync('sh', ['-c', `command -v ${bin}`]).status !== 0) {
    console.error(`${bin} is not installed: apt-get install -y ${bin === 'iprange' ? 'iprange' : 'time'}`);
    process.exit(2);
  }
}
need('iprange');
if (!existsSync('/usr/bin/time')) need('/usr/bin/time');

const corpus = existsSync(join(out, 'v4-1m.txt')) ? join(out, 'v4-1m.txt') : writeCorpusFiles({ outDir: out }).base;
const defs = join(out, 'policy-defs');
mkdirSync(defs, { recursive: true });
writeFileSync(
  join(defs, 'bench.yaml'),
  `name: bench-01
platform: ios
deviceId: tdid_bench
management: { host: 127.0.0.1, port: 22 }
hostKey: { fingerprint: "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }
credentials: { username: { env: BENCH_USER }, password: { env: BENCH_PASSWORD } }
policy: { blockList: { file: ${corpus} } }
objectGroups: { maxEntries: 2000000 }
`,
);

/** Runs a command under GNU time; returns wall seconds and peak RSS in MB. */
function timed(cmd, args, outFile) {
  const r = spawnSync(
    '/usr/bin/time',
    ['-f', '%e %M', '-o', join(out, 'time.txt'), 'sh', '-c', `"$0" "$@" > ${outFile}`, cmd, ...args],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`);
  const [wall, kb] = readFileSync(join(out, 'time.txt'), 'utf8').trim().split(/\s+/).map(Number);
  return { wall, rssMb: kb / 1024 };
}

const ours = [];
const theirs = [];
for (let i = 0; i < runs; i++) {
  ours.push(timed(process.execPath, [cli, 'policy', 'bench-01', '--cidrs', '--dir', defs], join(out, 'tscm.out')));
  theirs.push(timed('iprange', ['--optimize', corpus], join(out, 'iprange.out')));
}
const identical = spawnSync('cmp', ['-s', join(out, 'tscm.out'), join(out, 'iprange.out')]).status === 0;
const lines = readFileSync(join(out, 'tscm.out'), 'latin1').split('\n').length - 1;
const result = {
  task: 'tscm policy DEVICE --cidrs (file source, 1M entries) vs iprange --optimize, whole process',
  entriesOut: lines,
  tscm: {
    wallMs: Math.round(median(ours.map((r) => r.wall)) * 1000),
    peakRssMb: Math.round(Math.max(...ours.map((r) => r.rssMb))),
  },
  iprange: {
    wallMs: Math.round(median(theirs.map((r) => r.wall)) * 1000),
    peakRssMb: Math.round(Math.max(...theirs.map((r) => r.rssMb))),
  },
  byteIdentical: identical,
};
result.ratio = +(result.tscm.wallMs / result.iprange.wallMs).toFixed(2);
console.log(JSON.stringify(result, null, 2));

// Whole-process start-up of the commands that do little, side by side with `node -e 0` (the floor any Node CLI
// pays): `tscm --version`, `tscm validate --dir D` of a folder holding one realistic device definition (secret
// references from the environment, a tscm.yaml with defaults), `tscm policy DEVICE --cidrs` of a 2-line list and
// `tscm plan DEVICE --refresh false` of the same (no device read, no state). Alternating runs, medians of wall time, peak RSS
// (GNU time). Writes bench/out/results/startup.json.
//
//   npm run build && node bench/startup.mjs [--runs N]

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compiledPath, fileListDeviceYaml, median, numberOption } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'out');
const cli = compiledPath('cli/main.js');
const runs = numberOption('--runs', 15);
const GOAL = 1.5;

if (!existsSync('/usr/bin/time')) {
  console.error('GNU time is not installed: apt-get install -y time');
  process.exit(2);
}

// One device as a user writes it: credentials from the environment, pinned host key, policy zones, log settings.
const defs = join(out, 'startup-defs');
mkdirSync(defs, { recursive: true });
writeFileSync(
  join(defs, 'tscm.yaml'),
  `state: { backend: local, dir: .tscm }
policyServer: { host: 192.0.2.53, port: 53 }
logs: { dir: ${join(out, 'startup-logs')}, uploadToken: { env: BENCH_UPLOAD_TOKEN } }
defaults:
  credentials:
    username: { env: BENCH_DEVICE_USER }
    password: { env: BENCH_DEVICE_PASSWORD }
  safety: { maxRemoveShare: 0.5 }
  advanced: { connectTimeoutMs: 15000, commandTimeoutMs: 60000 }
`,
);
writeFileSync(
  join(defs, 'branch-isr-01.yaml'),
  `name: branch-isr-01
platform: ios
deviceId: tdid_abcd1234
management: { host: 192.0.2.10, port: 22 }
credentials:
  username: { env: BENCH_ISR_USER }
  password: { env: BENCH_ISR_PASSWORD }
  enablePassword: { env: BENCH_ISR_ENABLE }
hostKey:
  fingerprint: SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8
policy:
  blockList: corp-block.example
  allowList: corp-allow.example
objectGroups: { block: threatstop-block, allow: threatstop-allow, maxEntries: 10000 }
policyUpdates: true
logs: { upload: false, rotateKb: 200, sources: [198.51.100.10] }
advanced:
  ciphers: [aes256-ctr, aes128-ctr]
  compressConfig: compress
`,
);
// `policy DEVICE --cidrs` of a 2-line list file: the command's fixed cost (the 1M-line data path is
// bench/policy-cidrs.mjs's business).
const policyDefs = join(out, 'startup-policy-defs');
mkdirSync(policyDefs, { recursive: true });
writeFileSync(join(policyDefs, 'list.txt'), '192.0.2.0/24\n198.51.100.7\n');
writeFileSync(join(policyDefs, 'bench.yaml'), fileListDeviceYaml(join(policyDefs, 'list.txt')));
const env = {
  ...process.env,
  BENCH_UPLOAD_TOKEN: 'upload-token',
  BENCH_DEVICE_USER: 'svc',
  BENCH_DEVICE_PASSWORD: 'svc-password',
  BENCH_ISR_USER: 'admin',
  BENCH_ISR_PASSWORD: 'admin-password',
  BENCH_ISR_ENABLE: 'enable-password',
  BENCH_USER: 'bench',
  BENCH_PASSWORD: 'bench-password',
};
delete env.TSCM_DIR;
delete env.NODE_OPTIONS;

const COMMANDS = {
  node: { figure: 'node -e 0', args: ['-e', '0'], expect: '' },
  version: { figure: 'tscm --version', args: [cli, '--version'], expect: /^\d+\.\d+\.\d+\S*\n$/ },
  validate: {
    figure: 'tscm validate --dir D (one device)',
    args: [cli, 'validate', '--dir', defs],
    expect: '1 device definition(s) valid.\n',
  },
  policy: {
    figure: 'tscm policy DEVICE --cidrs (2-line list: the fixed cost)',
    args: [cli, 'policy', 'bench-01', '--cidrs', '--dir', policyDefs],
    expect: '192.0.2.0/24\n198.51.100.7\n',
  },
  plan: {
    figure: 'tscm plan DEVICE --refresh false (2-line list, no state: the fixed cost)',
    args: [cli, 'plan', 'bench-01', '--refresh', 'false', '--dir', policyDefs],
    expect: /\nPlan: 2 to add, 0 to remove, 1 groups to create, 0 to delete\.\n$/,
  },
};

/** One whole-process run under GNU time: wall ms (measured here, the same way for every command), CPU ms, peak RSS MB. */
function timed({ args, expect }) {
  const timeFile = join(out, 'startup-time.txt');
  const start = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S %M', '-o', timeFile, process.execPath, ...args], {
    env,
    encoding: 'utf8',
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const okOutput = typeof expect === 'string' ? r.stdout === expect : expect.test(r.stdout);
  if (r.status !== 0 || !okOutput) {
    throw new Error(`node ${args.join(' ')} exited ${r.status}: ${JSON.stringify(r.stdout)} ${r.stderr}`);
  }
  // GNU time's last line: user s, system s, peak RSS KB (CPU time is less disturbed by a loaded machine than wall).
  const [user, sys, kb] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  return { ms, cpuMs: (user + sys) * 1000, rssMb: kb / 1024 };
}

const samples = Object.fromEntries(Object.keys(COMMANDS).map((k) => [k, []]));
for (const c of Object.values(COMMANDS)) timed(c); // warm the file cache
for (let i = 0; i < runs; i++) for (const [k, c] of Object.entries(COMMANDS)) samples[k].push(timed(c));

const summary = Object.fromEntries(
  Object.entries(samples).map(([k, s]) => [
    k,
    {
      wallMs: Math.round(median(s.map((x) => x.ms))),
      cpuMs: Math.round(median(s.map((x) => x.cpuMs))),
      peakRssMb: Math.round(Math.max(...s.map((x) => x.rssMb))),
    },
  ]),
);
const ratios = ['version', 'validate', 'policy', 'plan'].map((k) => ({
  figure: COMMANDS[k].figure,
  ours_ms: summary[k].wallMs,
  reference: 'node -e 0',
  reference_ms: summary.node.wallMs,
  ratio: +(summary[k].wallMs / summary.node.wallMs).toFixed(2),
  cpu_ratio: +(summary[k].cpuMs / summary.node.cpuMs).toFixed(2),
  goal: k === 'policy' || k === 'plan' ? 'as low as it goes' : `<= ${GOAL}x`,
}));
const result = {
  task: 'start-up of commands that do little, whole process, vs node -e 0',
  runs,
  node: process.version,
  ...Object.fromEntries(Object.entries(summary).map(([k, v]) => [COMMANDS[k].figure, v])),
  ratios,
};
console.log(JSON.stringify(result, null, 2));
mkdirSync(join(out, 'results'), { recursive: true });
writeFileSync(join(out, 'results', 'startup.json'), JSON.stringify(result, null, 2) + '\n');

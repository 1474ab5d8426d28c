// Benchmark: `tscm reconcile --once` over a fleet of emulated IOS routers sharing a few policies, as whole
// processes (node start, loading and validating every definition, SOA queries, transfers, sessions, applies):
//   first    every router empty: one transfer per zone, every router applied
//   idle     nothing changed: one SOA query per zone, no transfer, no device session (goal: well under 1 s)
//   serial   one zone's next version (2% of it replaced): one transfer, only that zone's routers opened
//   commit   one device's YAML changed in a new commit: only that device opened
// Reports wall time and peak RSS (GNU time) of each pass with the DNS and router counts the lab saw.
//
//   npm run build && node bench/reconcile-fleet.mjs [--devices 500] [--policies 5] [--size 2000] [--concurrency 8]

import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { compiledPath, numberOption, writeResults } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const DEVICES = numberOption('--devices', 500);
const POLICIES = numberOption('--policies', 5);
const SIZE = numberOption('--size', 2000);
const CONCURRENCY = numberOption('--concurrency', 8);
const CLI = compiledPath('cli/main.js');
const TIME = '/usr/bin/time';
if (!existsSync(TIME)) {
  console.error('GNU time (/usr/bin/time, Debian package time) is needed for peak memory');
  process.exit(2);
}

const lab = spawn(
  process.execPath,
  [join(here, 'fleet-lab.mjs'), '--devices', DEVICES, '--policies', POLICIES, '--size', SIZE],
  {
    stdio: ['pipe', 'pipe', 'inherit'],
  },
);
const replies = createInterface({ input: lab.stdout })[Symbol.asyncIterator]();
const next = async () => JSON.parse((await replies.next()).value);
const ask = async (line) => {
  lab.stdin.write(line + '\n');
  return next();
};
const started = Date.now();
const info = await next();
const labStartMs = Date.now() - started;

const dir = await mkdtemp(join(tmpdir(), 'tscm-bench-fleet-'));
await mkdir(join(dir, 'devices'));
await writeFile(
  join(dir, 'tscm.yaml'),
  `policyServer: { host: ${info.dns.host}, port: 5353 }\n`.replace('5353', String(info.dns.port)),
);
const deviceYaml = (i, extra = '') => {
  const r = info.routers[i];
  return `name: fleet-${String(i).padStart(4, '0')}
platform: ios
deviceId: tdid_fleet${String(i).padStart(4, '0')}
management: { host: ${r.host}, port: ${r.port} }
hostKey: { fingerprint: "${info.fingerprint}" }
credentials: { username: { env: BENCH_USER }, password: { env: BENCH_PASSWORD }, enablePassword: { env: BENCH_ENABLE } }
policy: { blockList: ${info.zones[i % POLICIES]} }
objectGroups: { maxEntries: ${SIZE * 2} }
${extra}`;
};
for (let i = 0; i < DEVICES; i++) await writeFile(join(dir, 'devices', `fleet-${i}.yaml`), deviceYaml(i));
await writeFile(join(dir, '.gitignore'), '.tscm/\n');
const git = (...args) => {
  const r = spawnSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.org', ...args], { cwd: dir });
  if (r.status !== 0) throw new Error(`git ${args[0]} failed: ${r.stderr}`);
};
git('init', '-q');
git('add', '.');
git('commit', '-qm', 'fleet');

const env = {
  ...process.env,
  BENCH_USER: info.secrets.username,
  BENCH_PASSWORD: info.secrets.password,
  BENCH_ENABLE: info.secrets.enablePassword,
};

// --profile: the idle passes also write a V8 CPU profile to bench/out/prof/ (open it in Chrome DevTools).
const PROFILE = process.argv.includes('--profile') ? ['--cpu-prof', '--cpu-prof-dir', join(here, 'out', 'prof')] : [];

async function pass(name) {
  const before = await ask('counts');
  const t0 = process.hrtime.bigint();
  const child = spawnSync(
    TIME,
    [
      '-f',
      'TSCM_TIME %e %M',
      process.execPath,
      ...(name.startsWith('idle') ? PROFILE : []),
      CLI,
      'reconcile',
      '--once',
      '--dir',
      dir,
      '--concurrency',
      String(CONCURRENCY),
      '--log-format',
      'json',
      '--log-level',
      'warn',
    ],
    { env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const after = await ask('counts');
  const m = /TSCM_TIME ([\d.]+) (\d+)/.exec(child.stderr);
  const delta = (key) =>
    Object.values(after[key]).reduce((a, b) => a + b, 0) - Object.values(before[key]).reduce((a, b) => a + b, 0);
  const result = {
    pass: name,
    exit: child.status,
    wallMs: Math.round(wallMs),
    peakRssMb: m ? Math.round(Number(m[2]) / 1024) : null,
    soaQueries: delta('soa'),
    transfers: delta('transfers'),
    sessions: after.sessions,
  };
  if (child.status !== 0) result.stdoutTail = child.stdout.split('\n').slice(-12).join('\n').slice(-3000);
  if (child.status !== 0) result.stderrTail = child.stderr.split('\n').slice(-12).join('\n').slice(-3000);
  return result;
}

const results = [];
results.push(await pass('first'));
results.push(await pass('idle'));
await ask(`roll 0 0.02`);
results.push(await pass('serial'));
await writeFile(join(dir, 'devices', 'fleet-1.yaml'), deviceYaml(1, 'safety: { maxRemoveShare: 0.4 }\n'));
git('commit', '-qam', 'one device');
results.push(await pass('commit'));
results.push(await pass('idle-again'));

// The loop itself (`tscm reconcile`, one process): its passes after the first keep the definitions in memory, so
// an idle pass is an SOA query per zone and a git status. Three passes, 2 s apart, from its JSON log.
async function loopPasses(count) {
  const child = spawn(
    process.execPath,
    [
      CLI,
      'reconcile',
      '--dir',
      dir,
      '--interval',
      '2s',
      '--listen',
      'off',
      '--log-format',
      'json',
      '--log-level',
      'info',
    ],
    { env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const passes = [];
  for await (const line of createInterface({ input: child.stderr })) {
    let entry;
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if (entry.msg !== 'reconcile pass finished') continue;
    passes.push({ durationMs: entry.durationMs, sessions: entry.sessionsOpened, transfers: entry.zoneTransfers });
    if (passes.length === count) child.kill('SIGTERM');
  }
  return passes;
}
const loop = await loopPasses(3);

// The same idle pass against `node -e 0`, the floor of any whole-process figure.
const floor = spawnSync(TIME, ['-f', 'TSCM_TIME %e %M', process.execPath, '-e', '0'], { encoding: 'utf8' });
await ask('quit').catch(() => undefined);
lab.kill();
await rm(dir, { recursive: true, force: true });

const nodeStartS = Number(/TSCM_TIME ([\d.]+)/.exec(floor.stderr)?.[1] ?? NaN);
const idle = results.find((r) => r.pass === 'idle');
const report = {
  devices: DEVICES,
  policies: POLICIES,
  entriesPerPolicy: SIZE,
  concurrency: CONCURRENCY,
  labStartMs,
  nodeStartS,
  passes: results,
  loopIdlePasses: loop,
  // An idle pass does little (an SOA query per zone, no session): its floor is node's own start-up.
  ratios: [
    {
      figure: `idle \`reconcile --once\` over ${DEVICES} devices, whole process`,
      ours_ms: idle.wallMs,
      reference: 'node -e 0 (GNU time, 10 ms resolution)',
      reference_ms: Math.round(nodeStartS * 1000),
      ratio: Math.round((idle.wallMs / (nodeStartS * 1000)) * 100) / 100,
      goal: '< 1000 ms',
      met: idle.wallMs < 1000,
    },
  ],
};
writeResults('reconcile-fleet', report);
console.log(JSON.stringify(report, null, 2));
if (results.some((r) => r.exit !== 0)) process.exit(1);

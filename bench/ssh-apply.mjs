// Benchmark: applying IPv4 host adds to the IOS emulator over SSH on loopback, batched (sliding window of lines
// in flight) versus lock-step (one command per round trip, window 1). Lock-step is measured on a smaller count and
// extrapolated linearly (it is a pure per-line round-trip cost). Loopback has no latency, so every figure is also
// taken through a loopback TCP proxy that delays each chunk by RTT/2 per direction (a WAN-like link to a device).
// Sweep figures are medians of 3 runs. `journaled` is the same 100,000 adds through the apply layer, as `tscm apply`
// sends them: windows of advanced.applyWindow member changes, each journaled (append + fsync) before it is sent,
// against `direct` (one driver call). Prints a JSON report.
//
//   npx tsc -p tsconfig.build.json && node bench/ssh-apply.mjs
//   TSCM_DIST=/tmp/tscm-dist node bench/ssh-apply.mjs     (a build elsewhere)
//   BENCH_ADDS=100000 BENCH_LOCKSTEP=5000 BENCH_SWEEP=20000 BENCH_WINDOWS=25,50,100,200,500,1000,2000 BENCH_RTT_MS=2

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDelayProxy } from './delay-proxy.mjs';
import { loadCompiled, writeResults } from './harness.mjs';

const load = loadCompiled;
const { startIosEmulator } = await load('lab/ios/index.js');
const { createIosDriver } = await load('drivers/cisco-ios/index.js');
const { PrefixListBuilder, prefixCount, prefixesFromStrings } = await load('cidr/index.js');
const { applyEndpoint } = await load('apply/apply-device.js');
const { StateStore } = await load('state/index.js');

const ADDS = Number(process.env.BENCH_ADDS ?? 100_000);
const LOCKSTEP = Number(process.env.BENCH_LOCKSTEP ?? 5_000);
const SWEEP = Number(process.env.BENCH_SWEEP ?? 20_000);
const WINDOWS = (process.env.BENCH_WINDOWS ?? '25,50,100,200,500,1000,2000').split(',').map(Number);
const RTT = Number(process.env.BENCH_RTT_MS ?? 2);
const LOCKSTEP_RTT = Number(process.env.BENCH_LOCKSTEP_RTT ?? 1000);
const APPLY_WINDOW = Number(process.env.BENCH_APPLY_WINDOW ?? 5000);
const secrets = { username: 'bench', password: 'bench-pw', enablePassword: 'bench-en' };
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function hostsChange(n) {
  const b = new PrefixListBuilder();
  for (let i = 0; i < n; i++) b.addV4((0x0a000000 + i) >>> 0, 32);
  return {
    name: 'BENCH',
    role: 'block',
    action: 'update',
    add: b.build(),
    remove: prefixesFromStrings([]),
    unmanaged: 0,
    alreadyPresent: 0,
    before: 0,
    after: n,
  };
}

async function run(n, window, rttMs = 0, applyWindow = 0) {
  const emu = await startIosEmulator({
    host: '127.0.0.1',
    config: 'hostname bench\nobject-group network BENCH\n',
    ...secrets,
  });
  const proxy = rttMs > 0 ? await startDelayProxy(emu, rttMs) : undefined;
  const target = proxy ?? emu;
  const spec = {
    name: 'bench',
    platform: 'ios',
    deviceId: 'bench',
    management: { host: target.host, port: target.port },
    peers: [],
    credentials: {},
    hostKey: { fingerprint: emu.hostKeyFingerprint },
    policy: {},
    objectGroups: { block: 'BENCH', allow: 'BENCH-ALLOW', maxEntries: 2_000_000 },
    policyUpdates: true,
    safety: { maxRemoveShare: 1 },
    logs: { upload: false, rotateKb: 1024, sources: [] },
    advanced: { connectTimeoutMs: 10_000, commandTimeoutMs: 60_000, applyWindow: applyWindow || n },
    options: {},
    source: { file: 'bench', line: 1 },
  };
  const ctx = { spec, endpoint: spec.management, secret: async (f) => secrets[f], log: quiet };
  const driver = await createIosDriver(ctx, { batchWindow: window });
  try {
    const basis = await driver.observe([{ name: 'BENCH', role: 'block' }]);
    const change = hostsChange(n);
    const t0 = process.hrtime.bigint();
    if (applyWindow > 0) await journaledApply(spec, driver, basis, change, applyWindow);
    else await driver.apply([change], basis);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const held = emu.objectGroups().get('BENCH')?.length ?? 0;
    if (held !== n) throw new Error(`device holds ${held} members, expected ${n}`);
    return { adds: n, window, rttMs, ms: Math.round(ms), linesPerSec: Math.round((n + 2) / (ms / 1000)) };
  } finally {
    await driver.close();
    await proxy?.close();
    await emu.close();
  }
}

/** The apply layer's path without the read-back and save: windows, each journaled (fsync) before it is sent. */
async function journaledApply(spec, driver, basis, change, applyWindow) {
  const dir = await mkdtemp(join(tmpdir(), 'tscm-bench-journal-'));
  const store = new StateStore(dir);
  const plan = {
    device: 'bench',
    platform: 'ios',
    groups: [change],
    summary: { add: prefixCount(change.add), remove: 0, create: 0, delete: 0 },
    warnings: [],
    refusals: [],
    inputs: { zones: [], observedFingerprint: basis.fingerprint, state: null, adopt: false },
  };
  // applyEndpoint reads back and saves too; the bench times only the windows (observe/save stubs on the driver).
  const timed = { ...driver, apply: driver.apply.bind(driver), observe: async () => basis, save: async () => {} };
  try {
    await applyEndpoint(
      spec,
      { endpoint: spec.management, driver: timed, observed: basis, plan },
      { groups: [] },
      { groups: [] },
      {
        force: true,
        log: quiet,
        window: applyWindow,
        journal: (w) =>
          store.appendJournal(
            'bench',
            w.map((c) => ({ endpoint: 'bench:22', group: c.name, role: c.role, create: false, add: c.add })),
          ),
      },
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function median3(n, window, rttMs, applyWindow = 0) {
  const runs = [];
  for (let i = 0; i < 3; i++) runs.push(await run(n, window, rttMs, applyWindow));
  return runs.sort((a, b) => a.ms - b.ms)[1];
}

function report(rttMs, sweep, full, lockstep) {
  const lockstepExtrapolatedMs = Math.round((lockstep.ms / lockstep.adds) * ADDS);
  return {
    rttMs,
    sweep: sweep.map(({ window, ms, linesPerSec }) => ({ window, ms, linesPerSec })),
    batched: full,
    lockstep: { measured: lockstep, extrapolatedTo: ADDS, extrapolatedMs: lockstepExtrapolatedMs },
    speedup: Number((lockstepExtrapolatedMs / full.ms).toFixed(1)),
  };
}

await run(2000, 200); // warm-up (JIT), not reported
const out = { node: process.version, adds: ADDS, sweepAdds: SWEEP, loopback: undefined, delayed: undefined };
for (const rtt of [0, RTT]) {
  const sweep = [];
  for (const w of WINDOWS) sweep.push(await median3(SWEEP, w, rtt));
  const best = sweep.reduce((a, b) => (b.ms < a.ms ? b : a));
  const full = await run(ADDS, Number(process.env.BENCH_WINDOW ?? best.window), rtt);
  const lockstep = await run(rtt === 0 ? LOCKSTEP : LOCKSTEP_RTT, 1, rtt);
  out[rtt === 0 ? 'loopback' : 'delayed'] = { bestWindow: best.window, ...report(rtt, sweep, full, lockstep) };
}
const direct = await median3(ADDS, 500, 0);
const journaled = await median3(ADDS, 500, 0, APPLY_WINDOW);
out.journal = {
  adds: ADDS,
  applyWindow: APPLY_WINDOW,
  directMs: direct.ms,
  journaledMs: journaled.ms,
  overhead: Number((journaled.ms / direct.ms).toFixed(2)),
};
// The reference is the naive client: one command per round trip (lock-step), extrapolated to the same count.
out.ratios = ['loopback', 'delayed'].map((link) => {
  const r = out[link];
  return {
    figure: `${ADDS} adds to the IOS emulator over SSH, ${link} (RTT ${r.rttMs} ms), window ${r.bestWindow}`,
    ours_ms: r.batched.ms,
    reference: 'one command per round trip (lock-step, extrapolated)',
    reference_ms: r.lockstep.extrapolatedMs,
    ratio: Math.round((r.batched.ms / r.lockstep.extrapolatedMs) * 1000) / 1000,
    goal: '',
  };
});
writeResults('ssh-apply', out);
console.log(JSON.stringify(out, null, 2));

// Benchmark: 100,000 IPv4 host adds on each CLI platform (IOS, ASA with nested children of 10,000, PIX), through
// its driver against its emulator over SSH on loopback: batched (the driver's window of lines in flight) versus
// lock-step (one command per round trip, window 1, measured on a smaller count and extrapolated linearly: it is a
// pure per-line round-trip cost). Each is also taken through a loopback TCP proxy adding RTT (a WAN-like link).
// Prints a JSON report; every run checks the device holds every member.
//
//   npx tsc -p tsconfig.build.json && node bench/platform-apply.mjs
//   BENCH_ADDS=100000 BENCH_LOCKSTEP=3000 BENCH_RTT_MS=2 BENCH_PLATFORMS=ios,asa,pix

import { startDelayProxy } from './delay-proxy.mjs';
import { loadCompiled, writeResults } from './harness.mjs';

const { PrefixListBuilder, prefixesFromStrings } = await loadCompiled('cidr/index.js');
const { withFingerprint } = await loadCompiled('plan/fingerprint.js');

const ADDS = Number(process.env.BENCH_ADDS ?? 100_000);
const LOCKSTEP = Number(process.env.BENCH_LOCKSTEP ?? 3_000);
const LOCKSTEP_RTT = Number(process.env.BENCH_LOCKSTEP_RTT ?? 500);
const RTT = Number(process.env.BENCH_RTT_MS ?? 2);
const PLATFORMS = (process.env.BENCH_PLATFORMS ?? 'ios,asa,pix').split(',');
const creds = { username: 'bench', password: 'bench-pw', enablePassword: 'bench-en' };
const secrets = { username: creds.username, password: creds.password, enablePassword: creds.enablePassword };
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** Per platform: its emulator, its driver, the block group, the options, and how to count the device's members. */
const TARGETS = {
  ios: {
    emulator: async () => (await loadCompiled('lab/ios/index.js')).startIosEmulator,
    driver: async () => (await loadCompiled('drivers/cisco-ios/index.js')).createIosDriver,
    config: 'hostname bench\nobject-group network BENCH\n',
    options: {},
    count: (emu) => emu.objectGroups().get('BENCH')?.length ?? 0,
  },
  asa: {
    emulator: async () => (await loadCompiled('lab/asa/index.js')).startAsaEmulator,
    driver: async () => (await loadCompiled('drivers/cisco-asa/index.js')).createAsaDriver,
    config: 'hostname bench\n',
    options: { 'objectGroups.nestedSize': 10_000 },
    count: (emu) =>
      [...emu.objectGroups().entries()].filter(([n]) => /^BENCH-\d+$/.test(n)).reduce((s, [, m]) => s + m.length, 0),
  },
  pix: {
    emulator: async () => (await loadCompiled('lab/pix/index.js')).startPixEmulator,
    driver: async () => (await loadCompiled('drivers/cisco-pix/index.js')).createPixDriver,
    config: 'hostname bench\n',
    boot: { variant: 'fwsm3' },
    options: {},
    count: (emu) => emu.objectGroups().get('BENCH')?.length ?? 0,
  },
};

function hostsChange(n) {
  const b = new PrefixListBuilder();
  for (let i = 0; i < n; i++) b.addV4((0x0a000000 + i) >>> 0, 32);
  const none = prefixesFromStrings([]);
  return {
    name: 'BENCH',
    role: 'block',
    action: 'create',
    add: b.build(),
    remove: none,
    unmanaged: 0,
    alreadyPresent: 0,
    before: 0,
    after: n,
  };
}

async function run(platform, n, window, rttMs) {
  const t = TARGETS[platform];
  const emu = await (await t.emulator())({ host: '127.0.0.1', config: t.config, ...creds, ...t.boot });
  const proxy = rttMs > 0 ? await startDelayProxy(emu, rttMs) : undefined;
  const target = proxy ?? emu;
  const spec = {
    name: 'bench',
    platform,
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
    advanced: { connectTimeoutMs: 10_000, commandTimeoutMs: 120_000, applyWindow: n },
    options: t.options,
    source: { file: 'bench', line: 1 },
  };
  const ctx = { spec, endpoint: spec.management, secret: async (f) => secrets[f], log: quiet };
  const driver = await (await t.driver())(ctx, { batchWindow: window });
  try {
    const basis = withFingerprint(await driver.observe([{ name: 'BENCH', role: 'block' }]));
    const t0 = process.hrtime.bigint();
    await driver.apply([hostsChange(n)], basis);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const held = t.count(emu);
    if (held !== n) throw new Error(`${platform}: the device holds ${held} members, expected ${n}`);
    return { adds: n, window, rttMs, ms: Math.round(ms), addsPerSec: Math.round(n / (ms / 1000)) };
  } finally {
    await driver.close();
    await proxy?.close();
    await emu.close();
  }
}

const out = { node: process.version, adds: ADDS, rttMs: RTT, platforms: {} };
for (const platform of PLATFORMS) {
  await run(platform, 2000, 500, 0); // warm-up (JIT), not reported
  const result = {};
  for (const rtt of [0, RTT]) {
    const batched = await run(platform, ADDS, 500, rtt);
    const lockstep = await run(platform, rtt === 0 ? LOCKSTEP : LOCKSTEP_RTT, 1, rtt);
    const extrapolatedMs = Math.round((lockstep.ms / lockstep.adds) * ADDS);
    result[rtt === 0 ? 'loopback' : 'delayed'] = {
      batched,
      lockstep: { measured: lockstep, extrapolatedMs },
      speedup: Number((extrapolatedMs / batched.ms).toFixed(1)),
    };
  }
  out.platforms[platform] = result;
}
// The reference is the naive client: one command per round trip (lock-step), extrapolated to the same count.
out.ratios = Object.entries(out.platforms).flatMap(([platform, result]) =>
  Object.entries(result).map(([link, r]) => ({
    figure: `${ADDS} adds on ${platform} over SSH, ${link} (RTT ${r.batched.rttMs} ms)`,
    ours_ms: r.batched.ms,
    reference: 'one command per round trip (lock-step, extrapolated)',
    reference_ms: r.lockstep.extrapolatedMs,
    ratio: Math.round((r.batched.ms / r.lockstep.extrapolatedMs) * 1000) / 1000,
    goal: '',
  })),
);
writeResults('platform-apply', out);
console.log(JSON.stringify(out, null, 2));

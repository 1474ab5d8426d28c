// Benchmark: the asa-rest driver against the ASA REST emulator over HTTPS on loopback (certificate pinned), for
// several chunk sizes (members per POST/PATCH): requests (the emulator's own count, GET /lab/requests) and time for
// the first apply of a 100,000-entry policy (nested children of 10,000) and for an hourly update (2% of the
// members replaced) of it, each as a whole run: open, observe, apply, save, close. Prints a JSON report and the
// chunk size it picks: the smallest whose hourly update takes no more requests than the best one's plus a few and
// whose first apply is within 25% of the fastest; a smaller request is lighter on the device's agent, which is
// what fails first on a real ASA. Every run checks the device holds exactly the policy.
//
//   npx tsc -p tsconfig.build.json && node bench/asa-rest-apply.mjs
//   BENCH_ENTRIES=100000 BENCH_CHURN=0.02 BENCH_CHUNKS=100,500,1000,2000,5000 BENCH_REPEAT=3

import { loadCompiled, median, writeResults } from './harness.mjs';

const { PrefixListBuilder, prefixesToStrings } = await loadCompiled('cidr/index.js');
const { withFingerprint } = await loadCompiled('plan/fingerprint.js');
const { computePlan } = await loadCompiled('plan/compute-plan.js');
const { startAsaRestEmulator } = await loadCompiled('lab/asa-rest/index.js');
const { createAsaRestDriver } = await loadCompiled('drivers/cisco-asa-rest/index.js');

const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 100_000);
const CHURN = Number(process.env.BENCH_CHURN ?? 0.02);
const CHUNKS = (process.env.BENCH_CHUNKS ?? '100,500,1000,2000,5000').split(',').map(Number);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
/** Requests the pick may add over the fewest seen for the hourly update. */
const SLACK_REQUESTS = 4;
/** How much slower than the fastest first apply the pick may be. */
const SLACK_TIME = 1.25;
const HOST = '127.0.94.50';
const creds = { username: 'bench', password: 'bench-pw-rest', enablePassword: 'bench-en' };
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const GROUP = 'BENCH';

/** n distinct IPv4 hosts from `first` on, every other address (no two aggregate). */
function hosts(first, n) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(((first + 2 * i) >>> 0) >>> 0);
  return out;
}

function list(addrs) {
  const b = new PrefixListBuilder();
  for (const a of addrs) b.addV4(a, 32);
  return b.build();
}

function spec(emu, chunkSize) {
  return {
    name: 'bench',
    platform: 'asa-rest',
    deviceId: 'bench',
    management: { host: emu.host, port: emu.port },
    peers: [],
    credentials: {},
    policy: {},
    objectGroups: { block: GROUP, allow: `${GROUP}-ALLOW`, maxEntries: 2_000_000 },
    policyUpdates: true,
    safety: { maxRemoveShare: 1 },
    logs: { upload: false, rotateKb: 1024, sources: [] },
    advanced: { connectTimeoutMs: 10_000, commandTimeoutMs: 120_000 },
    options: {
      'objectGroups.nestedSize': 10_000,
      'advanced.chunkSize': chunkSize,
      'advanced.certificateFingerprint': emu.fingerprint256,
      'advanced.requestTimeoutMs': 120_000,
    },
    source: { file: 'bench', line: 1 },
  };
}

/** One whole run (open, observe, plan, apply, save, close) towards `desired`; requests and ms of it. */
async function run(emu, chunkSize, desired, owned) {
  const s = spec(emu, chunkSize);
  const secrets = { username: creds.username, password: creds.password };
  const ctx = { spec: s, endpoint: s.management, secret: async (f) => secrets[f], log: quiet };
  emu.resetRequests();
  const t0 = process.hrtime.bigint();
  const driver = await createAsaRestDriver(ctx);
  let changed;
  try {
    const observed = withFingerprint(await driver.observe([{ name: GROUP, role: 'block' }]));
    const plan = computePlan({ groups: [{ name: GROUP, role: 'block', members: desired }] }, observed, owned, {
      device: 'bench',
      platform: 'asa-rest',
      maxRemoveShare: 1,
      inputs: { zones: [], observedFingerprint: observed.fingerprint, state: null, adopt: false },
    });
    changed = plan.summary;
    await driver.apply(plan.groups, observed);
    await driver.save();
  } finally {
    await driver.close();
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const held = [...emu.objectGroups().entries()]
    .filter(([n]) => n.startsWith(`${GROUP}-`) && n !== `${GROUP}-ALLOW`)
    .flatMap(([, lines]) => lines.filter((l) => l.trim().startsWith('network-object host ')));
  const want = prefixesToStrings(desired);
  if (held.length !== want.length)
    throw new Error(`chunk ${chunkSize}: the device holds ${held.length}, expected ${want.length}`);
  const { total, byRoute } = emu.requests();
  return { requests: total, byRoute, ms: Math.round(ms), add: changed.add, remove: changed.remove };
}

/** The largest members.add body of a chunk (IPv4 hosts at their longest), against the agent's 1 MiB limit. */
function bodyBytes(chunkSize) {
  const member = { kind: 'IPv4Address', value: '255.255.255.255' };
  return JSON.stringify({ 'members.add': Array.from({ length: chunkSize }, () => member) }).length;
}

async function measure(chunkSize) {
  const firsts = [];
  const hourlies = [];
  for (let r = 0; r < REPEAT; r++) {
    const emu = await startAsaRestEmulator({ host: HOST, config: 'hostname bench\n', ...creds });
    try {
      const base = hosts(0x0a000000, ENTRIES);
      const desired = list(base);
      firsts.push(await run(emu, chunkSize, desired, { groups: [] }));
      // The next hour: CHURN of the members gone (spread over every child), as many new ones.
      const churn = Math.round(ENTRIES * CHURN);
      const step = Math.floor(ENTRIES / churn);
      const next = list([...base.filter((_, i) => i % step !== 0 || i / step >= churn), ...hosts(0x0b000000, churn)]);
      const owned = { groups: [{ name: GROUP, role: 'block', created: true, members: desired }] };
      hourlies.push(await run(emu, chunkSize, next, owned));
    } finally {
      await emu.close();
    }
  }
  const pick = (xs) => ({ ...xs[0], ms: median(xs.map((x) => x.ms)) });
  return { chunkSize, first: pick(firsts), hourly: pick(hourlies) };
}

await measure(CHUNKS[0]).catch((e) => {
  console.error(`asa-rest-apply: ${e.message}`);
  process.exit(1);
}); // warm-up (JIT), not reported
const results = [];
for (const chunk of CHUNKS) results.push(await measure(chunk));
const fewest = Math.min(...results.map((r) => r.hourly.requests));
const fastest = Math.min(...results.map((r) => r.first.ms));
const chosen = results.find((r) => r.hourly.requests <= fewest + SLACK_REQUESTS && r.first.ms <= fastest * SLACK_TIME);
const report = {
  node: process.version,
  entries: ENTRIES,
  churn: CHURN,
  nestedSize: 10_000,
  repeat: REPEAT,
  results: results.map((r) => ({
    chunkSize: r.chunkSize,
    maxBodyBytes: bodyBytes(r.chunkSize),
    first: { requests: r.first.requests, ms: r.first.ms, add: r.first.add },
    hourly: {
      requests: r.hourly.requests,
      patch: r.hourly.byRoute['PATCH /api/objects/networkobjectgroups/{id}'] ?? 0,
      ms: r.hourly.ms,
      add: r.hourly.add,
      remove: r.hourly.remove,
    },
  })),
  chosenChunkSize: chosen?.chunkSize ?? null,
  rule: `smallest chunk with hourly requests <= fewest (${fewest}) + ${SLACK_REQUESTS} and first apply <= ${SLACK_TIME} x fastest (${fastest} ms)`,
};
// No reference tool (the chunk sizes are compared with each other): no ratios.
writeResults('asa-rest-apply', { ...report, ratios: [] });
console.log(JSON.stringify(report, null, 2));

// End to end (issue 11): `tscm plan` of one IOS device whose block list is a 1M-record RPZ zone served by Knot,
// as a whole process (node start-up included), against the stored state (`--refresh=false`: the group's contents
// as tscm recorded them after its last apply; no device session, so the figure is resolve + aggregate + plan).
//
//  (a) first run: no state, no zone cache -> full AXFR + aggregate + plan (create the group with every member),
//      vs `dig AXFR` + `iprange --optimize` of the same set (two processes, times added);
//  (b) the next hour: the zone rewritten with ~2% removed / ~2% added and a new serial, `knotc zone-reload` (Knot
//      serves IXFR from the zone differences: `zonefile-load: difference`, `journal-content: changes`); the state
//      holds (a)'s adds as applied and the zone cache (a)'s serial -> IXFR (AXFR when this tscm has no IXFR
//      client) + aggregate + plan, vs `dig IXFR=<serial>` + `iprange --diff` of the two sets.
// Pair by pair in one run (reference, then ours), medians of --runs; peak RSS of our process via GNU time. The
// plan's counts are checked against the exact set differences before any figure is printed.
//
//   npm run build && node bench/e2e-hourly.mjs [--count 1000000] [--runs 5]
// TSCM_DIST=/path/to/dist overrides where the compiled code is loaded from. Traffic: 127.13.0.0/24 only.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRng, generateCorpus } from './corpus.mjs';
import {
  compiledPath,
  loadCompiled,
  median,
  numberOption,
  option,
  ratioOf,
  timeProcess,
  writeResults,
} from './harness.mjs';

const count = numberOption('--count', 1_000_000);
const runs = numberOption('--runs', 5);
const cli = compiledPath('cli/main.js');
const policy = await loadCompiled('policy/index.js');
const cidr = await loadCompiled('cidr/index.js');
const { readPlanFile } = await loadCompiled('plan/plan-file.js');
const { StateStore } = await loadCompiled('state/index.js');

const ZONE = 'e2e.rpz';
const HOST = `127.13.0.${10 + Math.floor(Math.random() * 200)}`;
const PORT = 5353;
const DEVICE = 'edge-e2e';
const GROUP = 'threatstop-block';
const GOAL = { firstMs: 2000, hourlyMs: 500, rssMB: 200 };
const round = (x) => Math.round(x);

for (const tool of ['knotd', 'knotc', 'dig', 'iprange', '/usr/bin/time']) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
    console.error(`${tool} not installed: e2e-hourly needs knot, bind9-dnsutils, iprange and time (Debian)`);
    process.exit(2);
  }
}

const maskOf = (len) => (len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0);

/** Distinct normalised prefixes (an RPZ owner holds one trigger): `n` from the corpus of `seed`, minus `taken`. */
function distinctPrefixes(n, seed, taken = new Set()) {
  const corpus = generateCorpus({ count: Math.ceil(n * 1.3) + 100, seed });
  const out = [];
  for (let i = 0; i < corpus.len.length && out.length < n; i++) {
    const len = corpus.len[i];
    const addr = (corpus.addr[i] & maskOf(len)) >>> 0;
    const key = addr * 64 + len;
    // Nothing in 127.0.0.0/8: the lab's addresses live there, and the plan would carve them out (issue 12).
    if (touchesLoopback(addr, len) || taken.has(key)) continue;
    taken.add(key);
    out.push(key);
  }
  return out;
}

const touchesLoopback = (addr, len) => (len >= 8 ? addr >>> 24 === 127 : 127 >>> (8 - len) === addr >>> (32 - len));

/** The next hour: ~2% of the keys removed, ~2% new ones added (as corpus.mjs's nextHourCorpus, on distinct keys). */
function nextHour(keys) {
  const rng = createRng(7);
  const kept = keys.filter(() => rng() >= 0.02);
  const added = distinctPrefixes(Math.round(keys.length * 0.02), 20261130, new Set(keys));
  return [...kept, ...added];
}

const ipv4 = (a) => `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
const keyAddr = (k) => Math.floor(k / 64);
const keyLen = (k) => k % 64;

function zoneText(keys, serial) {
  const lines = [`$ORIGIN ${ZONE}.`, '$TTL 300', `@ SOA ns1 hostmaster ${serial} 3600 600 86400 60`, '@ NS ns1'];
  for (const k of keys) {
    const a = keyAddr(k);
    lines.push(`${keyLen(k)}.${a & 255}.${(a >>> 8) & 255}.${(a >>> 16) & 255}.${a >>> 24}.rpz-ip CNAME .`);
  }
  return lines.join('\n') + '\n';
}

const cidrText = (keys) => keys.map((k) => `${ipv4(keyAddr(k))}/${keyLen(k)}`).join('\n') + '\n';

function listOf(keys) {
  const b = new cidr.PrefixListBuilder();
  for (const k of keys) b.addV4(keyAddr(k), keyLen(k));
  return cidr.aggregate(b.build());
}

function knotConfig(dir) {
  return [
    'server:',
    `  rundir: "${dir}"`,
    `  listen: ${HOST}@${PORT}`,
    'log:',
    `  - target: "${dir}/knot.log"`,
    '    any: info',
    'control:',
    `  listen: "${dir}/knot.sock"`,
    'database:',
    `  storage: "${dir}/knotdb"`,
    'acl:',
    '  - id: loopback',
    '    address: 127.0.0.0/8',
    '    action: transfer',
    'template:',
    '  - id: default',
    `    storage: "${dir}"`,
    '    zonefile-load: difference',
    '    journal-content: changes',
    '    zonefile-sync: -1',
    'zone:',
    `  - domain: ${ZONE}`,
    '    file: zone.txt',
    '    acl: loopback',
    '',
  ].join('\n');
}

async function waitForSerial(serial, deadlineMs) {
  const start = Date.now();
  for (;;) {
    try {
      const soa = await policy.querySoa({ host: HOST, port: PORT }, ZONE, {
        connectTimeoutMs: 500,
        idleTimeoutMs: 2000,
      });
      if (soa.rcode === 'NOERROR' && soa.authoritative && soa.serial === serial) return;
    } catch {
      // not up yet
    }
    if (Date.now() - start > deadlineMs) {
      const log = readFileSync(join(dir, 'knot.log'), 'utf8').split('\n').slice(-10).join('\n');
      throw new Error(`Knot on ${HOST}:${PORT} did not serve serial ${serial}; the end of its log:\n${log}`);
    }
    await sleep(200);
  }
}

function writeDefinitions(defs) {
  mkdirSync(join(defs, 'devices'), { recursive: true });
  writeFileSync(
    join(defs, 'tscm.yaml'),
    `policyServer: { host: ${HOST}, port: ${PORT} }\nstate: { backend: local, dir: .tscm }\n`,
  );
  writeFileSync(
    join(defs, 'devices', 'edge.yaml'),
    [
      `name: ${DEVICE}`,
      'platform: ios',
      'deviceId: tdid_e2e0b001',
      // Never connected: the plan runs with --refresh=false.
      'management: { host: 127.13.0.1, port: 22 }',
      'hostKey: { fingerprint: "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8" }',
      'credentials:',
      '  username: { env: TSCM_BENCH_USER }',
      '  password: { env: TSCM_BENCH_PASSWORD }',
      'policy:',
      `  blockList: ${ZONE}`,
      `objectGroups: { block: ${GROUP}, maxEntries: 2000000 }`,
      '',
    ].join('\n'),
  );
}

const env = { ...process.env, TSCM_BENCH_USER: 'bench', TSCM_BENCH_PASSWORD: 'bench', TSCM_LOG_FORMAT: 'json' };
// --prof DIR: the untimed check run of each phase writes a CPU profile there (node --cpu-prof).
const profDir = option('--prof', '');
const planArgs = (defs, extra = []) => [cli, 'plan', '--dir', defs, '--refresh=false', ...extra];
const profArgs = (name) =>
  profDir ? ['--cpu-prof', '--cpu-prof-dir', profDir, '--cpu-prof-name', `${name}.cpuprofile`] : [];

/** One untimed `tscm plan --json` run: the device's plan and the log lines (to tell AXFR from IXFR). */
function planJson(defs) {
  const args = planArgs(defs, ['--json', '--log-level', 'info']);
  const r = spawnSync(process.execPath, args, { env, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0 && r.status !== 2) throw new Error(`tscm plan exited ${r.status}: ${r.stderr.slice(0, 2000)}`);
  return { plan: JSON.parse(r.stdout), log: r.stderr };
}

/** With --prof: the timed command once more (untimed), under node --cpu-prof. */
function profileRun(defs, name) {
  if (!profDir) return;
  const r = spawnSync(process.execPath, [...profArgs(name), ...planArgs(defs)], { env, encoding: 'utf8' });
  if (r.status !== 0 && r.status !== 2) throw new Error(`tscm plan exited ${r.status}: ${r.stderr.slice(0, 2000)}`);
}

/** How the zone was resolved, from the JSON log lines (zone-resolver.ts's messages). */
function transferKind(log) {
  const recs = log
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
  if (recs.some((r) => r.msg === 'zone updated by IXFR')) return 'ixfr';
  const fallback = recs.find((r) => r.msg === 'zone IXFR not usable, full transfer');
  if (recs.some((r) => r.msg === 'zone transferred'))
    return fallback ? `axfr (IXFR fell back: ${fallback.reason})` : 'axfr';
  return 'cache';
}

function expectSummary(what, summary, add, remove) {
  if (summary.add !== add || summary.remove !== remove) {
    throw new Error(`${what}: plan says +${summary.add} -${summary.remove}, the sets differ by +${add} -${remove}`);
  }
}

const dir = mkdtempSync(join(os.tmpdir(), 'tscm-bench-e2e-'));
const defs = join(dir, 'defs');
const stateDir = join(defs, '.tscm');
let knot;
try {
  let t0 = performance.now();
  const base = distinctPrefixes(count, 20261123);
  const next = nextHour(base);
  writeFileSync(join(dir, 'zone.txt'), zoneText(base, 1));
  writeFileSync(join(dir, 'base.txt'), cidrText(base));
  writeFileSync(join(dir, 'next.txt'), cidrText(next));
  const baseList = listOf(base);
  const nextList = listOf(next);
  console.error(
    `zone of ${base.length} records (next hour ${next.length}) written in ${round(performance.now() - t0)} ms`,
  );
  writeDefinitions(defs);

  writeFileSync(join(dir, 'knot.conf'), knotConfig(dir));
  // Knot keeps the journal (the zone's differences, which IXFR serves) there; it must exist.
  mkdirSync(join(dir, 'knotdb'));
  knot = spawn('knotd', ['-c', join(dir, 'knot.conf')], { stdio: 'ignore' });
  t0 = performance.now();
  await waitForSerial(1, 400_000);
  console.error(`Knot loaded serial 1 in ${round(performance.now() - t0)} ms`);

  // (a) first run. Correctness first: the plan creates the group with exactly the aggregated set.
  const first = planJson(defs);
  const firstGroup = first.plan.devices[0].groups.find((g) => g.name === GROUP);
  expectSummary('first run', first.plan.devices[0].summary, cidr.prefixCount(baseList), 0);
  if (firstGroup.action !== 'create') throw new Error(`first run: group action ${firstGroup.action}`);
  const firstRows = { ours: [], ref: [], rss: [], ratio: [] };
  for (let i = 0; i < runs; i++) {
    const dig = timeProcess('sh', ['-c', `dig AXFR @${HOST} -p ${PORT} ${ZONE} > /dev/null`]);
    const ipr = timeProcess('sh', ['-c', `iprange --optimize ${join(dir, 'base.txt')} > /dev/null`]);
    rmSync(stateDir, { recursive: true, force: true });
    const ours = timeProcess(process.execPath, planArgs(defs), { env, okStatus: [0, 2] });
    firstRows.ref.push(dig.ms + ipr.ms);
    firstRows.ours.push(ours.ms);
    firstRows.rss.push(ours.rssMB);
    firstRows.ratio.push(ours.ms / (dig.ms + ipr.ms));
  }
  rmSync(stateDir, { recursive: true, force: true });
  profileRun(defs, 'first');

  // The state as a complete apply of (a) leaves it: the group created, tscm owning every member it added; the
  // zone cache at serial 1 (the last timed run wrote it).
  rmSync(stateDir, { recursive: true, force: true });
  const out = join(dir, 'plan-a.json');
  const saved = spawnSync(process.execPath, planArgs(defs, ['--out', out]), { env, encoding: 'utf8' });
  if (saved.status !== 2 && saved.status !== 0) throw new Error(`tscm plan --out: ${saved.stderr.slice(0, 2000)}`);
  const planA = await readPlanFile(out);
  const groupA = planA.devices[0].groups.find((g) => g.name === GROUP);
  const store = new StateStore(stateDir);
  const pin = planA.devices[0].inputs.zones[0];
  const reported = planA.devices[0].policy.sources[0];
  await store.write(DEVICE, {
    inventory: { groups: [{ name: GROUP, role: 'block', created: true, members: groupA.add }] },
    zones: planA.devices[0].inputs.zones,
    lastApply: null,
    // The source's last good set, as an apply records it: the next hour's gates compare against it.
    sources: [
      {
        role: 'block',
        source: reported.source,
        serial: pin.serial,
        sha256: pin.sha256,
        records: reported.records,
        decoded: reported.decoded,
        rejected: reported.rejected,
        members: baseList,
      },
    ],
  });
  rmSync(join(stateDir, DEVICE, 'plans'), { recursive: true, force: true });
  cpSync(join(stateDir, 'zones'), join(dir, 'zones-serial-1'), { recursive: true });
  const restoreCache = () => {
    rmSync(join(stateDir, 'zones'), { recursive: true, force: true });
    cpSync(join(dir, 'zones-serial-1'), join(stateDir, 'zones'), { recursive: true });
  };

  // (b) the next hour.
  writeFileSync(join(dir, 'zone.txt'), zoneText(next, 2));
  t0 = performance.now();
  const reload = spawnSync('knotc', ['-s', join(dir, 'knot.sock'), 'zone-reload', ZONE], { encoding: 'utf8' });
  if (reload.status !== 0) throw new Error(`knotc zone-reload: ${reload.stdout}${reload.stderr}`);
  await waitForSerial(2, 400_000);
  console.error(`Knot reloaded serial 2 in ${round(performance.now() - t0)} ms`);
  const ixfrCheck = spawnSync('sh', ['-c', `dig +noall +answer IXFR=1 @${HOST} -p ${PORT} ${ZONE} | wc -l`], {
    encoding: 'utf8',
  });
  const ixfrRecords = Number(ixfrCheck.stdout.trim());
  if (!(ixfrRecords > 0 && ixfrRecords < count / 2)) throw new Error(`Knot's IXFR=1 gave ${ixfrRecords} records`);

  restoreCache();
  const hourly = planJson(defs);
  const hourlyTransfer = transferKind(hourly.log);
  expectSummary(
    'next hour',
    hourly.plan.devices[0].summary,
    cidr.prefixCount(cidr.exactDifference(nextList, baseList)),
    cidr.prefixCount(cidr.exactDifference(baseList, nextList)),
  );
  const hourlyRows = { ours: [], ref: [], rss: [], ratio: [] };
  for (let i = 0; i < runs; i++) {
    const dig = timeProcess('sh', ['-c', `dig IXFR=1 @${HOST} -p ${PORT} ${ZONE} > /dev/null`]);
    // iprange --diff exits 1 when the sets differ.
    const diff = `iprange ${join(dir, 'base.txt')} --diff ${join(dir, 'next.txt')} > /dev/null; true`;
    const ipr = timeProcess('sh', ['-c', diff]);
    restoreCache();
    rmSync(join(stateDir, DEVICE, 'plans'), { recursive: true, force: true });
    const ours = timeProcess(process.execPath, planArgs(defs), { env, okStatus: [0, 2] });
    hourlyRows.ref.push(dig.ms + ipr.ms);
    hourlyRows.ours.push(ours.ms);
    hourlyRows.rss.push(ours.rssMB);
    hourlyRows.ratio.push(ours.ms / (dig.ms + ipr.ms));
  }
  restoreCache();
  profileRun(defs, 'hourly');

  const figure = (rows, goalMs) => {
    const ms = round(median(rows.ours));
    const rssMB = round(Math.max(...rows.rss));
    return {
      ms,
      rssMB,
      referenceMs: round(median(rows.ref)),
      ratio: ratioOf(rows.ratio),
      met: ms < goalMs && rssMB < GOAL.rssMB,
    };
  };
  const a = figure(firstRows, GOAL.firstMs);
  const b = figure(hourlyRows, GOAL.hourlyMs);
  const report = {
    records: count,
    nextHourRecords: next.length,
    runs,
    measured: '`tscm plan --refresh=false` as a whole process (node start-up included), output to a pipe',
    firstRun: { ...a, add: first.plan.devices[0].summary.add, goal: `< ${GOAL.firstMs} ms and < ${GOAL.rssMB} MB` },
    hourly: {
      ...b,
      transfer: hourlyTransfer,
      ixfrRecordsFromDig: ixfrRecords,
      add: hourly.plan.devices[0].summary.add,
      remove: hourly.plan.devices[0].summary.remove,
      goal: `< ${GOAL.hourlyMs} ms and < ${GOAL.rssMB} MB`,
    },
    ratios: [
      {
        figure: `first run: AXFR + aggregate + plan of ${count} records, whole process (peak ${a.rssMB} MB)`,
        ours_ms: a.ms,
        reference: 'dig AXFR + iprange --optimize',
        reference_ms: a.referenceMs,
        ratio: a.ratio,
        goal: `< ${GOAL.firstMs} ms, < ${GOAL.rssMB} MB`,
        met: a.met,
      },
      {
        figure: `hourly: ${hourlyTransfer.split(' ')[0].toUpperCase()} + aggregate + plan, whole process (peak ${b.rssMB} MB)`,
        ours_ms: b.ms,
        reference: 'dig IXFR=<serial> + iprange --diff',
        reference_ms: b.referenceMs,
        ratio: b.ratio,
        goal: `< ${GOAL.hourlyMs} ms, < ${GOAL.rssMB} MB`,
        met: b.met,
      },
    ],
  };
  writeResults('e2e-hourly', report);
  console.log(JSON.stringify(report, null, 2));
} finally {
  if (knot) {
    knot.kill('SIGTERM');
    await new Promise((r) => knot.once('exit', r));
  }
  rmSync(dir, { recursive: true, force: true });
}

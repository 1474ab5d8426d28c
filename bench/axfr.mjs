// Benchmark: AXFR of a 1,000,000-record RPZ zone over loopback, served by NSD and Knot.
// Side by side in one run, alternating, medians of --runs: `dig AXFR` to /dev/null, our transfer + decode as a
// whole process (node start-up included, with its peak RSS), `tscm policy DEV --cidrs` on the zone as a whole
// process (SOA query, transfer, aggregate, print, cache write; the cache is removed before each run), our transfer +
// decode in-process (warm), and in-process with dns-packet's generic decode of every message added (the cost the
// lean decoder avoids; these runs come after all the others). Checks the decoded set (sha256) and the CLI's line count before printing figures.
// Two floors beside them: the reply's bytes read and dropped in-process (the server's pace), and the same reader as
// a bare Node process (the server's pace plus Node's start-up: no Node client's whole process can beat it). The
// in-process floor reads as the product does, into one reused buffer; until 2026-12-01 it read stream chunks (a
// fresh 64 KiB Buffer per read in this large-heap process), which made it slower than our own transfer with Knot
// (848 vs 766 ms in-process, dig 789), so it was no floor.
// Writes bench/out/results/axfr.json (ratios against dig, per server).
//
//   npm run build && node bench/axfr.mjs [--count 1000000] [--runs 5] [--servers nsd,knot] [--no-cli]
// TSCM_DIST=/path/to/dist overrides where the compiled code is loaded from. Traffic stays on one 127.0.12.x address.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath, pathToFileURL } from 'node:url';
import dnsPacket from 'dns-packet';
import { generateCorpus } from './corpus.mjs';
import { compiledPath, loadCompiled, median, numberOption, option } from './harness.mjs';

const count = numberOption('--count', 1_000_000);
const runs = numberOption('--runs', 5);
const servers = String(option('--servers', 'nsd,knot')).split(',');
const withCli = !process.argv.includes('--no-cli');
const out = join(dirname(fileURLToPath(import.meta.url)), 'out');
const cliJs = compiledPath('cli/main.js');
// The child imports the transfer module itself (what a process that only transfers needs), not all of policy/.
const axfrJs = compiledPath('policy/axfr.js');
const policy = await loadCompiled('policy/index.js');
const cidr = await loadCompiled('cidr/index.js');

const ZONE = 'bench.rpz';
// Loopback address reserved for this benchmark (127.0.12.0/24), so it never meets another bench's servers. The
// servers listen on 5353, a port a device definition accepts (53 or 5353), so the CLI row can use them.
const PORT = 5353;
let HOST = '';
const round = (x) => Math.round(x);

/** The corpus as `count` distinct, normalised IPv4 prefixes (an RPZ owner holds one trigger). */
function uniquePrefixes() {
  const corpus = generateCorpus({ count: Math.ceil(count * 1.2) });
  const seen = new Set();
  const builder = new cidr.PrefixListBuilder();
  const lines = [];
  for (let i = 0; i < corpus.len.length && lines.length < count; i++) {
    const len = corpus.len[i];
    const addr = len === 0 ? 0 : (corpus.addr[i] & ((0xffffffff << (32 - len)) >>> 0)) >>> 0;
    const key = addr * 64 + len;
    if (seen.has(key)) continue;
    seen.add(key);
    builder.addV4(addr, len);
    lines.push(`${len}.${addr & 255}.${(addr >>> 8) & 255}.${(addr >>> 16) & 255}.${addr >>> 24}.rpz-ip CNAME .`);
  }
  const list = builder.build();
  return { lines, sha256: cidr.hashPrefixes(list), aggregated: cidr.prefixCount(cidr.aggregate(list)) };
}

/** A 127.0.12.x address where PORT is free. */
async function freeHost() {
  for (let tries = 0; tries < 20; tries++) {
    const host = `127.0.12.${2 + Math.floor(Math.random() * 250)}`;
    const s = net.createServer();
    const ok = await new Promise((r) => {
      s.once('error', () => r(false));
      s.listen(PORT, host, () => r(true));
    });
    if (ok) {
      await new Promise((r) => s.close(r));
      return host;
    }
  }
  throw new Error(`no 127.0.12.x address with TCP ${PORT} free`);
}

/** A device whose block list is the bench zone, served from HOST:PORT (for `tscm policy DEV --cidrs`). */
function writeDefs() {
  const defs = join(out, 'axfr-defs');
  rmSync(defs, { recursive: true, force: true });
  mkdirSync(defs, { recursive: true });
  writeFileSync(join(defs, 'tscm.yaml'), `policyServer: { host: ${HOST}, port: ${PORT} }\n`);
  writeFileSync(
    join(defs, 'bench.yaml'),
    [
      'name: bench-01',
      'platform: ios',
      'deviceId: tdid_bench',
      'management: { host: 127.0.0.1, port: 22 }',
      'hostKey: { fingerprint: "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }',
      'credentials: { username: { env: BENCH_USER }, password: { env: BENCH_PASSWORD } }',
      `policy: { blockList: ${ZONE} }`,
      'objectGroups: { maxEntries: 2000000 }',
      '',
    ].join('\n'),
  );
  return defs;
}

function waitForSoa(port, deadlineMs) {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const tick = async () => {
      try {
        const soa = await policy.querySoa({ host: HOST, port }, ZONE, {
          connectTimeoutMs: 500,
          idleTimeoutMs: 2000,
        });
        if (soa.rcode === 'NOERROR' && soa.authoritative) return resolve();
      } catch {
        // not up yet
      }
      if (Date.now() - start > deadlineMs) return reject(new Error(`server on ${port} did not serve ${ZONE}`));
      setTimeout(tick, 200);
    };
    tick();
  });
}

async function startNsd(dir, port) {
  const conf = join(dir, 'nsd.conf');
  writeFileSync(
    conf,
    [
      'server:',
      `  ip-address: ${HOST}@${port}`,
      '  username: ""',
      '  chroot: ""',
      `  zonesdir: "${dir}"`,
      '  database: ""',
      `  pidfile: "${dir}/nsd.pid"`,
      `  xfrdfile: "${dir}/xfrd.state"`,
      `  zonelistfile: "${dir}/zone.list"`,
      `  xfrdir: "${dir}"`,
      `  logfile: "${dir}/nsd.log"`,
      '  server-count: 1',
      'remote-control:',
      '  control-enable: no',
      'zone:',
      `  name: ${ZONE}`,
      '  zonefile: zone.txt',
      '  provide-xfr: 127.0.0.0/8 NOKEY',
      '',
    ].join('\n'),
  );
  return spawn('nsd', ['-d', '-c', conf], { stdio: 'ignore' });
}

async function startKnot(dir, port) {
  const conf = join(dir, 'knot.conf');
  writeFileSync(
    conf,
    [
      'server:',
      `  rundir: "${dir}"`,
      `  listen: ${HOST}@${port}`,
      // Knot drops a TCP peer that has not read for 500 ms (its default); on a loaded machine a starved reader (dig
      // or ours) would lose its transfer. The figures compare read speed, not that limit.
      '  tcp-io-timeout: 10000',
      'database:',
      `  storage: "${dir}/knotdb"`,
      'acl:',
      '  - id: loopback',
      '    address: 127.0.0.0/8',
      '    action: transfer',
      'template:',
      '  - id: default',
      `    storage: "${dir}"`,
      '    journal-content: none',
      '    zonefile-load: whole',
      '    zonefile-sync: -1',
      'zone:',
      `  - domain: ${ZONE}`,
      '    file: zone.txt',
      '    acl: loopback',
      '',
    ].join('\n'),
  );
  return spawn('knotd', ['-c', conf], { stdio: 'ignore' });
}

/** Wall time and peak RSS of a command, via GNU time. */
function timeCommand(cmd, cmdArgs) {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...cmdArgs], { maxBuffer: 1 << 30, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  return { ms, rssMB: Number(lines[lines.length - 1]) / 1024, stdout: r.stdout };
}

/**
 * The server's floor: the AXFR query sent and the reply's bytes read and dropped, nothing decoded, in-process. With
 * `bytes` the read ends at that many bytes (timed); without, at 300 ms of silence (untimed: learns the size). It
 * reads as the product does, into one reused buffer (net's `onread`): stream chunks (a fresh 64 KiB Buffer per read,
 * in this process's large heap) made the "floor" ~15% slower than our own transfer with Knot's 37 MB.
 */
function rawRead(port, bytes) {
  const query = dnsPacket.streamEncode({ type: 'query', id: 7, questions: [{ type: 'AXFR', name: ZONE }] });
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let got = 0;
    let idle;
    const done = () => {
      sock.destroy();
      resolve({ bytes: got, ms: performance.now() - t0 });
    };
    const onread = {
      buffer: Buffer.allocUnsafe(256 * 1024),
      callback: (n) => {
        got += n;
        if (bytes !== undefined && got >= bytes) {
          done();
          return false;
        }
        if (bytes === undefined) {
          clearTimeout(idle);
          idle = setTimeout(done, 300);
        }
        return true;
      },
    };
    const sock = net.connect({ host: HOST, port, onread }, () => sock.write(query));
    sock.setNoDelay(true);
    sock.on('error', reject);
  });
}

/**
 * The same read-and-drop client as a whole process (a bare `node -e` that loads node:net only): what any Node
 * client costs beside dig before it decodes anything, Node's own start-up included. The row above can come no
 * closer to dig than this.
 */
function rawReadScript(port, bytes) {
  const query = dnsPacket.streamEncode({ type: 'query', id: 7, questions: [{ type: 'AXFR', name: ZONE }] });
  return [
    "const net = require('node:net');",
    `const query = Buffer.from('${query.toString('hex')}', 'hex');`,
    'let got = 0;',
    `const onread = { buffer: Buffer.allocUnsafe(256 * 1024), callback: (n) => { got += n; if (got >= ${bytes}) { sock.destroy(); return false; } return true; } };`,
    `const sock = net.connect({ host: '${HOST}', port: ${port}, onread }, () => sock.write(query));`,
    'sock.setNoDelay(true);',
  ].join('\n');
}

async function measure(serverName, port, expected) {
  const expectedSha = expected.sha256;
  const at = { host: HOST, port };
  const row = { server: serverName };
  // Correctness first: our decoded set equals the corpus.
  const check = await policy.transferZone(at, ZONE, { totalTimeoutMs: 600_000 });
  if (check.decoded !== count || check.sha256 !== expectedSha) {
    throw new Error(
      `${serverName}: decoded ${check.decoded} prefixes, sha256 ${check.sha256} (expected ${expectedSha})`,
    );
  }
  const script = [
    `import { transferZone } from ${JSON.stringify(pathToFileURL(axfrJs).href)};`,
    `const z = await transferZone({ host: '${HOST}', port: ${port} }, '${ZONE}', { totalTimeoutMs: 600000 });`,
    'console.log(z.decoded);',
  ].join('\n');
  const defs = withCli ? writeDefs() : '';
  const cliArgs = [cliJs, 'policy', 'bench-01', '--cidrs', '--dir', defs];
  if (withCli) {
    const lines = timeCommand(process.execPath, cliArgs).stdout.split('\n').length - 1;
    if (lines !== expected.aggregated)
      throw new Error(`tscm policy printed ${lines} CIDRs, not ${expected.aggregated}`);
  }
  const { bytes } = await rawRead(port);
  const rawScript = rawReadScript(port, bytes);
  const floor = [];
  const floorProcess = [];
  const cli = [];
  const dig = [];
  const ours = [];
  const rss = [];
  const warm = [];
  const withDnsPacket = [];
  for (let i = 0; i < runs; i++) {
    dig.push(timeCommand('sh', ['-c', `dig AXFR @${HOST} -p ${port} ${ZONE} > /dev/null`]).ms);
    floor.push((await rawRead(port, bytes)).ms);
    floorProcess.push(timeCommand(process.execPath, ['-e', rawScript]).ms);
    const r = timeCommand(process.execPath, ['--input-type=module', '-e', script]);
    if (Number(r.stdout.trim()) !== count) throw new Error(`child decoded ${r.stdout}`);
    ours.push(r.ms);
    rss.push(r.rssMB);
    if (withCli) {
      rmSync(join(defs, '.tscm'), { recursive: true, force: true });
      cli.push(timeCommand('sh', ['-c', '"$0" "$@" > /dev/null', process.execPath, ...cliArgs]).ms);
    }
    const t0 = performance.now();
    await policy.transferZone(at, ZONE, { totalTimeoutMs: 600_000 });
    warm.push(performance.now() - t0);
  }
  // dns-packet's decode leaves this process's heap full of garbage: its runs come last, so the in-process rows
  // above never pay for its collection (they did, ~90 ms with NSD, when it ran in turn with them).
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await policy.transferZone(at, ZONE, { totalTimeoutMs: 600_000, onMessage: (m) => dnsPacket.decode(m) });
    withDnsPacket.push(performance.now() - t0);
  }
  row['dig AXFR ms'] = round(median(dig));
  row['server floor ms (read only, in-process)'] = round(median(floor));
  row['node read-only process ms'] = round(median(floorProcess));
  row['reply MB'] = Math.round(bytes / 1e5) / 10;
  row['tscm process ms'] = round(median(ours));
  row['tscm peak RSS MB'] = round(Math.max(...rss));
  row['tscm in-process ms'] = round(median(warm));
  row['+ dns-packet decode ms'] = round(median(withDnsPacket));
  row['process vs dig'] = Math.round((median(ours) / median(dig)) * 100) / 100;
  if (withCli) {
    row['tscm policy --cidrs ms'] = round(median(cli));
    row['policy vs dig'] = Math.round((median(cli) / median(dig)) * 100) / 100;
  }
  return row;
}

const dir = mkdtempSync(join(os.tmpdir(), 'tscm-bench-axfr-'));
const rows = [];
try {
  const t0 = performance.now();
  const expected = uniquePrefixes();
  const { lines } = expected;
  writeFileSync(
    join(dir, 'zone.txt'),
    [`$ORIGIN ${ZONE}.`, '$TTL 300', `@ SOA ns1 hostmaster 1 3600 600 86400 60`, '@ NS ns1', ...lines, ''].join('\n'),
  );
  console.error(`zone of ${lines.length} records written in ${round(performance.now() - t0)} ms`);
  for (const name of servers) {
    const binary = name === 'nsd' ? 'nsd' : 'knotd';
    if (spawnSync('sh', ['-c', `command -v ${binary}`]).status !== 0) {
      console.error(`${binary} not installed, skipping ${name}`);
      continue;
    }
    HOST = await freeHost();
    const port = PORT;
    const child = name === 'nsd' ? await startNsd(dir, port) : await startKnot(dir, port);
    try {
      const t1 = performance.now();
      await waitForSoa(port, 600_000);
      console.error(`${name} loaded the zone in ${round(performance.now() - t1)} ms`);
      rows.push(await measure(name, port, expected));
      console.error(JSON.stringify(rows[rows.length - 1]));
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const ratios = rows.flatMap((row) => [
  {
    figure: `AXFR of ${count} records from ${row.server}, transfer + decode to the prefix set, whole process`,
    ours_ms: row['tscm process ms'],
    reference: 'dig AXFR > /dev/null',
    reference_ms: row['dig AXFR ms'],
    ratio: row['process vs dig'],
    goal: '<= 1.0x',
  },
  {
    // When this is near 1.0, the server sets the pace: a client that reads and drops the bytes is no faster than
    // dig, and a whole process can only add its own start-up (Node's ~115 ms) to the server's time.
    figure: `server floor from ${row.server}: the reply's bytes read and dropped, nothing decoded (in-process)`,
    ours_ms: row['server floor ms (read only, in-process)'],
    reference: 'dig AXFR > /dev/null',
    reference_ms: row['dig AXFR ms'],
    ratio: Math.round((row['server floor ms (read only, in-process)'] / row['dig AXFR ms']) * 100) / 100,
    goal: 'none (the floor for the row above)',
  },
  {
    // The bound for the first row: Node's start-up (~50 ms here, dig's ~5 ms) on top of the server's pace.
    figure: `a bare Node process that sends the query and reads and drops the reply from ${row.server} (node:net only), whole process`,
    ours_ms: row['node read-only process ms'],
    reference: 'dig AXFR > /dev/null',
    reference_ms: row['dig AXFR ms'],
    ratio: Math.round((row['node read-only process ms'] / row['dig AXFR ms']) * 100) / 100,
    goal: 'none (the floor for the first row)',
  },
  ...(withCli
    ? [
        {
          figure: `tscm policy DEV --cidrs on that zone from ${row.server} (SOA, AXFR, aggregate, print, cache write), whole process`,
          ours_ms: row['tscm policy --cidrs ms'],
          reference: 'dig AXFR > /dev/null',
          reference_ms: row['dig AXFR ms'],
          ratio: row['policy vs dig'],
          goal: 'none (context for the row above)',
        },
      ]
    : []),
]);
const result = { records: count, runs, rows, ratios };
mkdirSync(join(out, 'results'), { recursive: true });
writeFileSync(join(out, 'results', 'axfr.json'), JSON.stringify(result, null, 2) + '\n');
console.log(JSON.stringify(result, null, 2));
console.table(rows);

// Benchmark: AXFR of a 1,000,000-record RPZ zone over loopback, served by NSD (and Knot when installed).
// Side by side in one run, medians of --runs: `dig AXFR` to /dev/null, our transfer + decode as a whole process
// (node start-up included, with its peak RSS), our transfer + decode in-process (warm), and in-process with
// dns-packet's generic decode of every message added (the cost the lean decoder avoids). Checks that the decoded
// set equals the corpus (sha256 of the prefix list) before printing figures.
//
//   npx tsc -p tsconfig.build.json && node bench/axfr.mjs [--count 1000000] [--runs 5] [--servers nsd,knot]
// TSCM_DIST=/path/to/dist overrides where the compiled code is loaded from. Traffic stays on one 127.0.12.x address.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout } from 'node:timers';
import { pathToFileURL } from 'node:url';
import dnsPacket from 'dns-packet';
import { generateCorpus } from './corpus.mjs';
import { compiledPath, loadCompiled, median, numberOption, option } from './harness.mjs';

const count = numberOption('--count', 1_000_000);
const runs = numberOption('--runs', 5);
const servers = String(option('--servers', 'nsd,knot')).split(',');
// The child imports the transfer module itself (what a process that only transfers needs), not all of policy/.
const axfrJs = compiledPath('policy/axfr.js');
const policy = await loadCompiled('policy/index.js');
const cidr = await loadCompiled('cidr/index.js');

const ZONE = 'bench.rpz';
// Loopback address reserved for this benchmark (127.0.12.0/24), so it never meets another bench's servers.
const HOST = `127.0.12.${2 + Math.floor(Math.random() * 250)}`;
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
  return { lines, sha256: cidr.hashPrefixes(builder.build()) };
}

async function freePort() {
  const s = net.createServer();
  await new Promise((r) => s.listen(0, HOST, r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
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

async function measure(serverName, port, expectedSha) {
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
  const dig = [];
  const ours = [];
  const rss = [];
  const warm = [];
  const withDnsPacket = [];
  for (let i = 0; i < runs; i++) {
    dig.push(timeCommand('sh', ['-c', `dig AXFR @${HOST} -p ${port} ${ZONE} > /dev/null`]).ms);
    const r = timeCommand(process.execPath, ['--input-type=module', '-e', script]);
    if (Number(r.stdout.trim()) !== count) throw new Error(`child decoded ${r.stdout}`);
    ours.push(r.ms);
    rss.push(r.rssMB);
    let t0 = performance.now();
    await policy.transferZone(at, ZONE, { totalTimeoutMs: 600_000 });
    warm.push(performance.now() - t0);
    t0 = performance.now();
    await policy.transferZone(at, ZONE, { totalTimeoutMs: 600_000, onMessage: (m) => dnsPacket.decode(m) });
    withDnsPacket.push(performance.now() - t0);
  }
  row['dig AXFR ms'] = round(median(dig));
  row['tscm process ms'] = round(median(ours));
  row['tscm peak RSS MB'] = round(Math.max(...rss));
  row['tscm in-process ms'] = round(median(warm));
  row['+ dns-packet decode ms'] = round(median(withDnsPacket));
  row['process vs dig'] = Math.round((median(ours) / median(dig)) * 100) / 100;
  return row;
}

const dir = mkdtempSync(join(os.tmpdir(), 'tscm-bench-axfr-'));
const rows = [];
try {
  const t0 = performance.now();
  const { lines, sha256 } = uniquePrefixes();
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
    const port = await freePort();
    const child = name === 'nsd' ? await startNsd(dir, port) : await startKnot(dir, port);
    try {
      const t1 = performance.now();
      await waitForSoa(port, 120_000);
      console.error(`${name} loaded the zone in ${round(performance.now() - t1)} ms`);
      rows.push(await measure(name, port, sha256));
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify({ records: count, runs, rows }, null, 2));
console.table(rows);

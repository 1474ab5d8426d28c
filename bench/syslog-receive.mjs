// Benchmark: syslog messages per second received AND filed, over TCP and UDP, by `tscm syslog` (the built CLI as a
// whole process, start-up excluded) and by rsyslogd (imtcp/imudp -> omfile, one file per sender, the raw message
// per line, rsyslog's defaults otherwise), same messages, same machine, side by side; medians of --runs.
//
// The load: realistic ASA 106023 deny lines (~150 bytes, each with its own source address and port), pre-built.
// TCP: --conns connections, LF-framed, written as fast as the receiver takes them (back-pressure respected); the
// clock stops when every byte is in the output file. UDP: one sender at an offered rate (--udp-rate msgs/s); the
// clock stops when the file stops growing; loss = sent - filed. Each run checks that every filed line is one that
// was sent, once.
//
//   npm run build && node bench/syslog-receive.mjs [--count 200000] [--udp-count 100000] [--udp-rate 50000]
//     [--conns 4] [--runs 3] [--tools tscm,rsyslog]
// Traffic goes to 127.0.0.1 only (the tscm device's management address, so its messages are filed under it).
import { spawn, spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearTimeout, setImmediate, setTimeout } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { compiledPath, median, numberOption, option, writeResults } from './harness.mjs';

const count = numberOption('--count', 200_000);
const udpCount = numberOption('--udp-count', 100_000);
const udpRate = numberOption('--udp-rate', 50_000);
const conns = numberOption('--conns', 4);
const runs = numberOption('--runs', 3);
const tools = String(option('--tools', 'tscm,rsyslog'))
  .split(',')
  .filter((t) => {
    if (t !== 'rsyslog' || spawnSync('rsyslogd', ['-v']).status === 0) return true;
    console.log('rsyslogd not found (Debian: apt-get install rsyslog): measuring tscm alone');
    return false;
  });
const HOST = '127.0.0.1';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DST_PORTS = [22, 23, 25, 53, 80, 123, 443, 445, 1433, 3389, 8080];

/** Message i: a deny line whose (source address, source port) pair encodes i, so each filed line is traceable. */
function message(i) {
  const a = i & 0x1ffff; // 198.18.0.0/15: 131072 addresses
  const src = `198.${18 + (a >> 16)}.${(a >> 8) & 255}.${a & 255}`;
  const sport = 1024 + (i >>> 17);
  const dport = DST_PORTS[i % DST_PORTS.length];
  const dst = `10.${(i >> 12) & 255}.${(i >> 4) & 255}.${(i & 15) + 1}`;
  const sec = String(i % 60).padStart(2, '0');
  return (
    `<164>${MONTHS[10]} 30 2026 13:52:${sec}: %ASA-4-106023: Deny tcp src outside:${src}/${sport} ` +
    `dst inside:${dst}/${dport} by access-group "outside_access_in" [0x0, 0x0]`
  );
}

/** The index a filed line stands for, or -1. */
function indexOf(line) {
  const m = / src outside:198\.(\d+)\.(\d+)\.(\d+)\/(\d+) /.exec(line);
  if (!m) return -1;
  return (((Number(m[1]) - 18) << 16) | (Number(m[2]) << 8) | Number(m[3])) + (Number(m[4]) - 1024) * 0x20000;
}

function buildMessages(n) {
  const list = new Array(n);
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    list[i] = Buffer.from(message(i));
    bytes += list[i].length + 1;
  }
  return { list, bytes };
}

function filesUnder(dir) {
  const out = [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else if (e.name === 'syslog') out.push(p);
  }
  return out;
}

const filedBytes = (dir) => filesUnder(dir).reduce((sum, f) => sum + statSync(f).size, 0);

/** Every filed line checked: a sent message, each at most once. Returns the count of lines that are messages. */
function verify(dir, sent, tool) {
  const seen = new Uint8Array(sent);
  let filed = 0;
  for (const f of filesUnder(dir)) {
    for (const line of readFileSync(f, 'latin1').split('\n')) {
      if (line === '' || line.includes('bench-probe')) continue;
      const i = indexOf(line);
      if (i < 0 || i >= sent) throw new Error(`${tool}: a filed line that was not sent: ${line.slice(0, 120)}`);
      if (seen[i]) throw new Error(`${tool}: message ${i} filed twice`);
      seen[i] = 1;
      filed++;
    }
  }
  return filed;
}

async function freePort(kind) {
  for (;;) {
    const s = net.createServer();
    await new Promise((r) => s.listen(0, HOST, r));
    const { port } = s.address();
    await new Promise((r) => s.close(r));
    if (kind !== 'both') return port;
    // the same number must be free for UDP too
    const u = dgram.createSocket('udp4');
    const ok = await new Promise((r) => {
      u.once('error', () => r(false));
      u.bind(port, HOST, () => r(true));
    });
    u.close();
    if (ok) return port;
  }
}

function startRsyslog(dir, port) {
  const out = join(dir, 'out');
  mkdirSync(join(dir, 'work'));
  const conf = join(dir, 'rsyslog.conf');
  writeFileSync(
    conf,
    `global(workDirectory="${join(dir, 'work')}")
module(load="imudp")
module(load="imtcp")
input(type="imudp" address="${HOST}" port="${port}")
input(type="imtcp" address="${HOST}" port="${port}")
template(name="perSender" type="string" string="${out}/%fromhost-ip%/syslog")
template(name="raw" type="string" string="%rawmsg%\\n")
action(type="omfile" dynaFile="perSender" template="raw")
`,
  );
  const child = spawn('rsyslogd', ['-n', '-f', conf, '-i', join(dir, 'rsyslogd.pid')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return { child, out };
}

function startTscmSyslog(dir, port) {
  const defs = join(dir, 'defs');
  const out = join(dir, 'logs');
  mkdirSync(join(defs, 'devices'), { recursive: true });
  // rotateKb at its maximum: the run measures receiving and filing, not rotation.
  writeFileSync(join(defs, 'tscm.yaml'), `policyServer: { host: 127.0.0.1, port: 5353 }\nlogs: { dir: ${out} }\n`);
  writeFileSync(
    join(defs, 'devices', 'bench.yaml'),
    `name: bench-asa
platform: asa
deviceId: tdid_bench0001
management: { host: ${HOST} }
policy: { blockList: block.bench.test }
credentials: { username: { env: TSCM_BENCH_UNUSED_USER }, password: { env: TSCM_BENCH_UNUSED_PASSWORD } }
logs: { rotateKb: 1048576 }
`,
  );
  const env = { ...process.env, TSCM_LOG_FORMAT: 'json' };
  delete env.TSCM_LOG_DIR; // the folder of tscm.yaml
  const child = spawn(
    process.execPath,
    [compiledPath('cli/main.js'), 'syslog', '--dir', defs, '--udp', `${HOST}:${port}`, '--tcp', `${HOST}:${port}`],
    { stdio: ['ignore', 'ignore', 'pipe'], env },
  );
  return { child, out };
}

async function waitFor(what, fn, deadlineMs, child) {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (child && child.exitCode !== null) throw new Error(`${what}: the receiver exited ${child.exitCode}`);
    if (await fn()) return;
    await sleep(5);
  }
  throw new Error(`timed out: ${what}`);
}

/** A probe over TCP until it is filed: the receiver is up and files under the sender's address. */
async function ready(port, out, child) {
  await waitFor(
    'receiver listening',
    () =>
      new Promise((r) => {
        const s = net.connect(port, HOST, () => {
          s.end('<13>bench-probe\n');
          r(true);
        });
        s.on('error', () => r(false));
      }),
    20_000,
    child,
  );
  await waitFor('probe filed', () => filedBytes(out) > 0, 20_000, child);
  return filedBytes(out);
}

async function sendTcp(port, msgs) {
  const per = Math.ceil(msgs.length / conns);
  const jobs = [];
  for (let c = 0; c < conns; c++) {
    const slice = msgs.slice(c * per, (c + 1) * per);
    const parts = [];
    for (const m of slice) parts.push(m, Buffer.from('\n'));
    const all = Buffer.concat(parts);
    jobs.push(
      new Promise((resolve, reject) => {
        const s = net.connect(port, HOST, async () => {
          for (let off = 0; off < all.length; off += 65536) {
            if (!s.write(all.subarray(off, off + 65536))) await new Promise((r) => s.once('drain', r));
          }
          s.end(resolve);
        });
        s.on('error', reject);
      }),
    );
  }
  await Promise.all(jobs);
}

async function sendUdp(port, msgs) {
  const s = dgram.createSocket('udp4');
  await new Promise((r) => s.bind(0, HOST, r));
  const start = performance.now();
  let i = 0;
  let inFlight = 0;
  while (i < msgs.length) {
    // pace: never ahead of the offered rate
    const due = Math.min(msgs.length, Math.floor(((performance.now() - start) / 1000) * udpRate) + 1);
    while (i < due) {
      inFlight++;
      s.send(msgs[i++], port, HOST, () => inFlight--);
    }
    await new Promise((r) => setImmediate(r));
  }
  while (inFlight > 0) await new Promise((r) => setImmediate(r));
  s.close();
  return (performance.now() - start) / 1000;
}

async function stop(child) {
  if (child.exitCode !== null) return;
  const done = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await done;
  clearTimeout(t);
}

async function oneRun(tool, transport, msgs) {
  const dir = mkdtempSync(join(os.tmpdir(), `bench-syslog-${tool}-`));
  const port = await freePort('both');
  const { child, out } = tool === 'rsyslog' ? startRsyslog(dir, port) : startTscmSyslog(dir, port);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d.slice(0, 4000)));
  try {
    const base = await ready(port, out, child);
    const expected = base + msgs.bytes;
    const t0 = performance.now();
    let sendSeconds;
    if (transport === 'tcp') {
      await sendTcp(port, msgs.list);
      await waitFor(`${tool}: all TCP messages filed`, () => filedBytes(out) >= expected, 120_000, child);
    } else {
      sendSeconds = await sendUdp(port, msgs.list);
      // filed when the file stops growing for 500 ms (or everything is there)
      let last = -1;
      let lastChange = performance.now();
      await waitFor(
        `${tool}: UDP filing settled`,
        () => {
          const b = filedBytes(out);
          if (b !== last) {
            last = b;
            lastChange = performance.now();
          }
          return b >= expected || performance.now() - lastChange > 500;
        },
        120_000,
        child,
      );
    }
    let tEnd = performance.now();
    if (transport === 'udp' && filedBytes(out) < expected) tEnd -= 500; // the quiet period is not filing time
    const seconds = (tEnd - t0) / 1000;
    await stop(child);
    const filed = verify(out, msgs.list.length, tool);
    if (transport === 'tcp' && filed !== msgs.list.length) {
      throw new Error(`${tool}: ${msgs.list.length - filed} TCP message(s) lost`);
    }
    return { seconds, filed, sent: msgs.list.length, sendSeconds };
  } catch (err) {
    throw new Error(`${err.message}\n${stderr.slice(-2000)}`);
  } finally {
    await stop(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

const tcpMsgs = buildMessages(count);
const udpMsgs = buildMessages(udpCount);
const avgBytes = Math.round(tcpMsgs.bytes / count - 1);
const results = [];
for (const transport of ['tcp', 'udp']) {
  for (const tool of tools) {
    const got = [];
    for (let r = 0; r < runs; r++) got.push(await oneRun(tool, transport, transport === 'tcp' ? tcpMsgs : udpMsgs));
    const rates = got.map((g) => g.filed / g.seconds);
    const mid = got[rates.indexOf(median(rates))];
    results.push({
      tool,
      transport,
      sent: mid.sent,
      filed: mid.filed,
      lost: mid.sent - mid.filed,
      lossPct: Number((((mid.sent - mid.filed) / mid.sent) * 100).toFixed(2)),
      seconds: Number(mid.seconds.toFixed(3)),
      msgsPerSec: Math.round(median(rates)),
      runsMsgsPerSec: rates.map(Math.round),
      ...(transport === 'udp' ? { offeredPerSec: udpRate } : { connections: conns }),
    });
  }
}

const report = {
  benchmark: 'syslog-receive',
  machine: { cpus: os.cpus().length, node: process.version },
  messageBytes: avgBytes,
  runs,
  tscm: 'built CLI `tscm syslog` as a child process (whole process)',
  rsyslog: 'rsyslogd -n: imtcp/imudp -> omfile dynaFile per sender, %rawmsg% per line, defaults otherwise',
  results,
  // Time to receive and file the run's messages at the median rate, tscm vs rsyslogd, per transport (UDP is paced
  // by the sender's offered rate: there the loss column tells more than the time).
  ratios: ['tcp', 'udp'].flatMap((transport) => {
    const ours = results.find((r) => r.tool === 'tscm' && r.transport === transport);
    const ref = results.find((r) => r.tool === 'rsyslog' && r.transport === transport);
    if (!ours || !ref) return [];
    const ms = (r) => Math.round((r.sent / r.msgsPerSec) * 1000);
    return [
      {
        figure: `${ours.sent} syslog msgs received and filed over ${transport.toUpperCase()} (lost ${ours.lossPct}% vs ${ref.lossPct}%)`,
        ours_ms: ms(ours),
        reference: 'rsyslogd (imtcp/imudp -> omfile)',
        reference_ms: ms(ref),
        ratio: Math.round((ms(ours) / ms(ref)) * 100) / 100,
        goal: '',
      },
    ];
  }),
};
writeResults('syslog-receive', report);
console.log(JSON.stringify(report, null, 2));
console.log('\ntool     transport  sent      filed     lost%   msgs/s (median)  runs');
for (const r of results) {
  console.log(
    `${r.tool.padEnd(8)} ${r.transport.padEnd(10)} ${String(r.sent).padEnd(9)} ${String(r.filed).padEnd(9)} ` +
      `${String(r.lossPct).padEnd(7)} ${String(r.msgsPerSec).padEnd(16)} ${r.runsMsgsPerSec.join(' ')}`,
  );
}

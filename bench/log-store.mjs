// Micro-benchmark of the log store (src/logs/store/): appends of real-sized deny lines into 10 devices with
// rotation at 100 KB, everything counted until close() returns (written, fsync'd, every rotated file gzip'd and
// renamed into the spool). The appender behaves like the receiver: it yields every 1,000 messages and waits for
// onDrain while the store is busy. Checks the line count on disk (gunzipped) before printing figures; median of
// --runs. A second row runs the same without size rotation (a 1 GB limit): the cost of rotating and compressing.
//
//   npx tsc -p tsconfig.build.json && node bench/log-store.mjs [--count 1000000] [--runs 3] [--devices 10]
// TSCM_DIST=/path/to/dist overrides where the compiled code is loaded from.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setImmediate } from 'node:timers';
import { gunzipSync } from 'node:zlib';
import { loadCompiled, median, numberOption, writeResults } from './harness.mjs';

const count = numberOption('--count', 1_000_000);
const runs = numberOption('--runs', 3);
const devices = numberOption('--devices', 10);
const { openLogStore } = await loadCompiled('logs/store/log-store.js');
const silent = { debug() {}, info() {}, warn() {}, error() {} };

// An ASA deny line as it arrives (RFC 3164 header), ~170 bytes; the counter makes each line distinct.
const messages = Array.from({ length: 256 }, (_, i) =>
  Buffer.from(
    `<164>Nov 30 2026 12:00:00 asa-${i % devices}: %ASA-4-106023: Deny tcp src outside:198.51.100.${i}/5${i % 10}123 ` +
      `dst inside:10.1.${i}.10/443 by access-group "OUTSIDE_IN" [0x8ed66b60, 0xf8852875]`,
  ),
);

async function runOnce(rotateBytes) {
  const dir = mkdtempSync(join(os.tmpdir(), 'tscm-bench-store-'));
  let rotations = 0;
  let gzBytes = 0;
  const store = await openLogStore({
    dir,
    rotateBytesFor: () => rotateBytes,
    rotateIntervalMs: 3_600_000,
    spoolMaxBytes: Number.MAX_SAFE_INTEGER,
    log: silent,
    onRotated: (f) => {
      rotations++;
      gzBytes += f.bytes;
    },
  });
  let wake = null;
  store.onDrain(() => wake?.());
  let bytes = 0;
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const m = messages[i & 255];
    bytes += m.length + 1;
    store.append(`dev-${i % devices}`, m);
    if (i % 1000 === 999) {
      if (store.busy) await new Promise((r) => (wake = r));
      else await new Promise((r) => setImmediate(r));
    }
  }
  const tAppended = performance.now();
  await store.close();
  const ms = performance.now() - t0;
  if (process.env.BENCH_DEBUG) console.error({ appendLoopMs: tAppended - t0, closeMs: ms - (tAppended - t0) });
  const onDisk = countLines(dir);
  rmSync(dir, { recursive: true, force: true });
  if (onDisk !== count) throw new Error(`lines on disk ${onDisk}, expected ${count}`);
  return { ms, bytes, rotations, gzBytes };
}

function countLines(dir) {
  let n = 0;
  for (const device of readdirSync(dir)) {
    for (const name of readdirSync(join(dir, device))) {
      if (!name.startsWith('syslog')) continue; // the .last-seq marker is not a log file
      const raw = readFileSync(join(dir, device, name));
      const text = name.endsWith('.gz') ? gunzipSync(raw) : raw;
      for (let i = text.indexOf(10); i !== -1; i = text.indexOf(10, i + 1)) n++;
    }
  }
  return n;
}

async function row(label, rotateBytes) {
  const results = [];
  for (let r = 0; r < runs; r++) results.push(await runOnce(rotateBytes));
  const ms = median(results.map((x) => x.ms));
  const { bytes, rotations, gzBytes } = results[0];
  return {
    label,
    rotateBytes,
    medianMs: Math.round(ms),
    appendsPerSec: Math.round(count / (ms / 1000)),
    mbPerSec: Math.round((bytes / 1e6 / (ms / 1000)) * 10) / 10,
    rotations,
    compressionRatio: rotations > 0 ? Math.round((bytes / gzBytes) * 10) / 10 : null,
  };
}

const rows = [await row('rotate at 100 KB, gzip', 100 * 1024), await row('no size rotation', 1 << 30)];
// No reference tool here (syslog-receive compares the whole receiver with rsyslogd): no ratios.
const report = { messages: count, devices, runs, rows, peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024) };
writeResults('log-store', { ...report, ratios: [] });
console.log(JSON.stringify(report, null, 2));

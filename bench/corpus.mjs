// Deterministic IPv4 block-list corpus for the benchmarks (seeded PRNG, no network, no randomness across runs).
// Shape (perf-notes.md): ~85% /32 hosts, the rest /8../31 skewed towards long prefixes, with duplicates, hosts
// inside wider prefixes and runs of adjacent hosts, so 1M entries aggregate to roughly two thirds of the count.
// Also writes the "next hour" version: ~2% of entries removed, ~2% new ones added.
//
//   node bench/corpus.mjs [--count N] [--out DIR]      -> DIR/v4-<n>.txt and DIR/v4-<n>-next.txt (default bench/out)
//
// Other benchmarks import generateCorpus / nextHourCorpus / corpusToText to build the same data in other shapes
// (for example as RPZ zone records).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** mulberry32: small, fast, good enough for test data; returns floats in [0, 1). */
export function createRng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Prefix lengths of the non-host entries: [length, weight]. Short prefixes are rare (a /8 swallows 1/256 of the
// space and every host in it), /24 is the common "bad neighbourhood" entry.
const LENGTH_WEIGHTS = [
  [8, 0.002],
  [12, 0.01],
  [14, 0.03],
  [16, 0.5],
  [18, 0.5],
  [20, 1],
  [22, 2],
  [23, 2],
  [24, 20],
  [25, 4],
  [26, 4],
  [27, 4],
  [28, 6],
  [29, 8],
  [30, 8],
  [31, 8],
];

function pickLength(rng) {
  const total = LENGTH_WEIGHTS.reduce((s, [, w]) => s + w, 0);
  let x = rng() * total;
  for (const [len, w] of LENGTH_WEIGHTS) {
    x -= w;
    if (x < 0) return len;
  }
  return 24;
}

function maskOf(len) {
  return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}

/**
 * Generates `count` IPv4 entries in file order (unsorted).
 * @returns {{ addr: Uint32Array, len: Uint8Array }}
 */
export function generateCorpus({ count = 1_000_000, seed = 20261123 } = {}) {
  const rng = createRng(seed);
  const addr = new Uint32Array(count);
  const len = new Uint8Array(count);
  // Hosts cluster in "hot" /16s (hosting ranges), which makes adjacency and coverage happen at realistic rates.
  const hotBlocks = new Uint32Array(Math.max(16, Math.floor(count / 230)));
  for (let i = 0; i < hotBlocks.length; i++) hotBlocks[i] = (Math.floor(rng() * 65536) << 16) >>> 0;
  const hotAddress = () => (hotBlocks[Math.floor(rng() * hotBlocks.length)] + Math.floor(rng() * 65536)) >>> 0;
  let n = 0;
  while (n < count) {
    const r = rng();
    if (r < 0.18) {
      // A network; hosts bits are set on a few of them, as in real feeds.
      const l = pickLength(rng);
      const base = rng() < 0.7 ? hotAddress() : Math.floor(rng() * 4294967296);
      addr[n] = rng() < 0.02 ? base : (base & maskOf(l)) >>> 0;
      len[n++] = l;
    } else if (r < 0.23) {
      // A run of adjacent hosts (a scanner's /29 seen host by host).
      const start = hotAddress();
      const run = 2 + Math.floor(rng() * 7);
      for (let k = 0; k < run && n < count; k++) {
        addr[n] = (start + k) >>> 0;
        len[n++] = 32;
      }
    } else if (r < 0.26 && n > 0) {
      // A duplicate of an earlier entry.
      const j = Math.floor(rng() * n);
      addr[n] = addr[j];
      len[n++] = len[j];
    } else {
      addr[n] = rng() < 0.6 ? hotAddress() : Math.floor(rng() * 4294967296);
      len[n++] = 32;
    }
  }
  return { addr, len };
}

/** The next hour's list: drops ~removeFraction of the entries and appends ~addFraction new ones. */
export function nextHourCorpus(corpus, { seed = 7, removeFraction = 0.02, addFraction = 0.02 } = {}) {
  const rng = createRng(seed);
  const n = corpus.len.length;
  const added = generateCorpus({ count: Math.round(n * addFraction), seed: seed * 7919 + 1 });
  const addr = new Uint32Array(n + added.len.length);
  const len = new Uint8Array(n + added.len.length);
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (rng() < removeFraction) continue;
    addr[m] = corpus.addr[i];
    len[m++] = corpus.len[i];
  }
  addr.set(added.addr, m);
  len.set(added.len, m);
  m += added.len.length;
  return { addr: addr.slice(0, m), len: len.slice(0, m) };
}

function ipv4Text(a) {
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}

/** One entry per line, hosts as bare addresses (as block-list feeds usually write them). */
export function corpusToText(corpus) {
  const lines = new Array(corpus.len.length);
  for (let i = 0; i < lines.length; i++) {
    const l = corpus.len[i];
    lines[i] = l === 32 ? ipv4Text(corpus.addr[i]) : `${ipv4Text(corpus.addr[i])}/${l}`;
  }
  return Buffer.from(lines.join('\n') + '\n', 'latin1');
}

/** Writes v4-<label>.txt and v4-<label>-next.txt into outDir; returns their paths. */
export function writeCorpusFiles({ count = 1_000_000, outDir, seed } = {}) {
  const dir = outDir ?? join(dirname(fileURLToPath(import.meta.url)), 'out');
  mkdirSync(dir, { recursive: true });
  const label = count === 1_000_000 ? '1m' : String(count);
  const corpus = generateCorpus({ count, seed });
  const base = join(dir, `v4-${label}.txt`);
  const next = join(dir, `v4-${label}-next.txt`);
  writeFileSync(base, corpusToText(corpus));
  writeFileSync(next, corpusToText(nextHourCorpus(corpus)));
  return { base, next };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name) => {
    const i = args.indexOf(name);
    return i === -1 ? undefined : args[i + 1];
  };
  const count = opt('--count') === undefined ? 1_000_000 : Number(opt('--count'));
  if (!Number.isInteger(count) || count <= 0) {
    console.error('usage: node bench/corpus.mjs [--count N] [--out DIR]');
    process.exit(2);
  }
  const paths = writeCorpusFiles({ count, outDir: opt('--out') });
  console.log(JSON.stringify(paths));
}

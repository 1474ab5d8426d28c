// Deterministic IPv4 block-list corpus for the benchmarks (seeded PRNG, no network, no randomness across runs).
// Shape (perf-notes.md): ~85% /32 hosts, the rest /8../31 skewed towards long prefixes, with duplicates, hosts
// inside wider prefixes and runs of adjacent hosts, so 1M entries aggregate to roughly two thirds of the count.
// Also writes the "next hour" version: ~2% of entries removed, ~2% new ones added.
//
//   node bench/corpus.mjs [--count N] [--out DIR]      -> DIR/v4-<n>.txt and DIR/v4-<n>-next.txt (default bench/out)
//   node bench/corpus.mjs --shapes [--count N]          -> also DIR/v4-<shape>-<n>.txt for every shape in SHAPES
//
// Other benchmarks import generateCorpus / nextHourCorpus / corpusToText to build the same data in other shapes
// (for example as RPZ zone records).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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

// --- corpus shapes (issue 11: "aggregation on any corpus") ----------------------------------------------------
// Each shape is `count` lines (entries, or for `comments` entries plus comment and blank lines), deterministic.
export const SHAPES = ['base', 'hosts', 'wide', 'sorted', 'dups', 'mixed', 'comments', 'crlf'];

/** Mostly hosts (97% /32, spread over hot /16s and the whole space), the rest /24../31. */
function hostsCorpus(count, seed) {
  const rng = createRng(seed);
  const addr = new Uint32Array(count);
  const len = new Uint8Array(count);
  const hot = new Uint32Array(4096);
  for (let i = 0; i < hot.length; i++) hot[i] = (Math.floor(rng() * 65536) << 16) >>> 0;
  for (let i = 0; i < count; i++) {
    const a =
      rng() < 0.5
        ? (hot[Math.floor(rng() * hot.length)] + Math.floor(rng() * 65536)) >>> 0
        : Math.floor(rng() * 4294967296);
    const l = rng() < 0.97 ? 32 : 24 + Math.floor(rng() * 8);
    addr[i] = (a & maskOf(l)) >>> 0;
    len[i] = l;
  }
  return { addr, len };
}

/**
 * Mostly wide prefixes (/8../20, 90%) with a few hosts: they swallow each other, so the output is small. None in
 * 127.0.0.0/8: tscm carves the device's management address (the bench's is 127.0.0.1) out of a block list since
 * issue 12, which iprange does not, and the output would be one 0.0.0.0/0 anyway.
 */
function wideCorpus(count, seed) {
  const rng = createRng(seed);
  const addr = new Uint32Array(count);
  const len = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const l = rng() < 0.9 ? 8 + Math.floor(rng() * 13) : 32;
    let a = (Math.floor(rng() * 4294967296) & maskOf(l)) >>> 0;
    if (a >>> 24 === 127) a = (a ^ 0x01000000) >>> 0; // 126.x.y.z: same length, same alignment
    addr[i] = a;
    len[i] = l;
  }
  return { addr, len };
}

/** The base corpus in PrefixList order (address, then length). */
function sortedCorpus(corpus) {
  const n = corpus.len.length;
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = corpus.addr[i] * 64 + corpus.len[i];
  keys.sort();
  const addr = new Uint32Array(n);
  const len = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    addr[i] = Math.floor(keys[i] / 64);
    len[i] = keys[i] % 64;
  }
  return { addr, len };
}

/** `count` lines drawn from 50k distinct entries of the base corpus: every entry ~20 times. */
function dupsCorpus(count, seed) {
  const pool = generateCorpus({ count: Math.max(1, Math.floor(count / 20)), seed });
  const rng = createRng(seed + 1);
  const addr = new Uint32Array(count);
  const len = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const j = Math.floor(rng() * pool.len.length);
    addr[i] = pool.addr[j];
    len[i] = pool.len[j];
  }
  return { addr, len };
}

function entryText(a, l, hostSuffix) {
  return l === 32 && !hostSuffix ? ipv4Text(a) : `${ipv4Text(a)}/${l}`;
}

/** The text of one shape, `count` lines; every shape is plain IPv4 text FireHOL iprange reads as it is. */
export function shapeText(shape, { count = 1_000_000, seed = 20261123 } = {}) {
  if (shape === 'base') return corpusToText(generateCorpus({ count, seed }));
  if (shape === 'hosts') return corpusToText(hostsCorpus(count, seed));
  if (shape === 'wide') return corpusToText(wideCorpus(count, seed));
  if (shape === 'sorted') return corpusToText(sortedCorpus(generateCorpus({ count, seed })));
  if (shape === 'dups') return corpusToText(dupsCorpus(count, seed));
  const corpus = generateCorpus({ count, seed });
  const rng = createRng(seed + 2);
  const lines = new Array(count);
  if (shape === 'mixed') {
    // Hosts as bare addresses and as /32, half each, between the networks.
    for (let i = 0; i < count; i++) lines[i] = entryText(corpus.addr[i], corpus.len[i], rng() < 0.5);
    return Buffer.from(lines.join('\n') + '\n', 'latin1');
  }
  if (shape === 'comments') {
    // 5% comment lines, 3% blank (some with blanks), 10% of entries with a trailing comment.
    let k = 0;
    for (let i = 0; i < count; i++) {
      const r = rng();
      if (r < 0.05) lines[i] = `# feed section ${i}: scanners seen from sensor ${Math.floor(rng() * 100)}`;
      else if (r < 0.08) lines[i] = r < 0.07 ? '' : '   ';
      else {
        const e = entryText(corpus.addr[k], corpus.len[k], false);
        k++;
        lines[i] =
          rng() < 0.1 ? `${e}  # first seen 2026-11-${String(1 + Math.floor(rng() * 28)).padStart(2, '0')}` : e;
      }
    }
    return Buffer.from(lines.join('\n') + '\n', 'latin1');
  }
  if (shape === 'crlf') {
    for (let i = 0; i < count; i++) lines[i] = entryText(corpus.addr[i], corpus.len[i], false);
    return Buffer.from(lines.join('\r\n') + '\r\n', 'latin1');
  }
  throw new Error(`unknown corpus shape ${shape}: one of ${SHAPES.join(', ')}`);
}

/**
 * Removes the IPv4 corpus files of `dir` written by another version of this generator (a stamp file holds the hash
 * of this file's source), so a changed shape is never benchmarked from a stale file: a stale `wide` file once made
 * the byte-for-byte comparison with iprange fail.
 */
export function dropStaleCorpus(dir) {
  const id = createHash('sha256')
    .update(readFileSync(fileURLToPath(import.meta.url)))
    .digest('hex');
  const stamp = join(dir, 'corpus-id');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === id) return;
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(dir)) if (/^v4-.*\.txt$/.test(f)) rmSync(join(dir, f));
  writeFileSync(stamp, id);
}

/** The path of a shape's file in outDir (base: v4-1m.txt, as before), written when missing. */
export function shapeFile(shape, { count = 1_000_000, outDir } = {}) {
  const dir = outDir ?? join(dirname(fileURLToPath(import.meta.url)), 'out');
  const label = count === 1_000_000 ? '1m' : String(count);
  const file = join(dir, shape === 'base' ? `v4-${label}.txt` : `v4-${shape}-${label}.txt`);
  dropStaleCorpus(dir);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, shapeText(shape, { count }));
  }
  return file;
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
  if (args.includes('--shapes')) {
    for (const shape of SHAPES) paths[shape] = shapeFile(shape, { count, outDir: opt('--out') });
  }
  console.log(JSON.stringify(paths));
}

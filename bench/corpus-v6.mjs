// Deterministic IPv6 block-list corpus for the benchmarks (seeded PRNG, no network, no randomness across runs).
// Shape: ~58% /128 hosts and ~25% /64s, clustered in "hot" provider /32s and their /48s (so hosts share /64s and
// prefixes cover hosts), ~6% /32-/56, a few /16-/28, runs of adjacent hosts and /64s, ~3% duplicates, a few
// IPv4-mapped hosts, host bits set on some networks. Also the "next hour": ~2% removed, ~2% added.
// The text mixes RFC 5952 canonical forms with non-canonical ones (upper case, leading zeros, no compression,
// `::` for one zero group, explicit /128, IPv4-mapped in hex) as real feeds do.
//
//   node bench/corpus-v6.mjs [--count N] [--out DIR]   -> DIR/v6-<n>.txt and DIR/v6-<n>-next.txt (default bench/out)
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng } from './corpus.mjs';

// Top 16 bits of allocated unicast space (RIR blocks) the providers are drawn from.
const TOP16 = [0x2001, 0x2400, 0x2401, 0x2403, 0x2405, 0x2600, 0x2602, 0x2604, 0x2605, 0x2607, 0x2800, 0x2a00];
const TOP16_MORE = [0x2a01, 0x2a02, 0x2a03, 0x2a05, 0x2a06, 0x2a0a, 0x2a0b, 0x2a0e, 0x2a10, 0x2c0f];
const TOPS = [...TOP16, ...TOP16_MORE];
// Lengths of the "network" entries between /32 and /56, and the rare wide ones.
const MID_LENGTHS = [32, 36, 40, 44, 46, 47, 48, 48, 48, 52, 56, 56, 56];
// Wide entries sit outside the providers' blocks (a /16 over a provider would swallow the whole corpus).
const WIDE_LENGTHS = [16, 19, 20, 22, 23, 24, 28];

const u32 = (x) => x >>> 0;

function maskWord(len, k) {
  const bits = len - 32 * k;
  if (bits >= 32) return 0xffffffff;
  if (bits <= 0) return 0;
  return u32(0xffffffff << (32 - bits));
}

/**
 * Generates `count` IPv6 entries in file order (unsorted).
 * @returns {{ words: Uint32Array, len: Uint8Array }}
 */
export function generateCorpusV6({ count = 1_000_000, seed = 20261130 } = {}) {
  const rng = createRng(seed);
  const int = (k) => Math.floor(rng() * k);
  const words = new Uint32Array(4 * count);
  const len = new Uint8Array(count);
  // Providers (/32) and their hot /48s; hosts live in a few /64s of each /48.
  const providers = Array.from({ length: Math.max(8, Math.floor(count / 4000)) }, () =>
    u32(TOPS[int(TOPS.length)] * 65536 + int(65536)),
  );
  const hot48 = Array.from({ length: Math.max(16, Math.floor(count / 100)) }, () => [
    providers[int(providers.length)],
    u32(int(65536) * 65536),
  ]);
  let n = 0;
  const put = (w0, w1, w2, w3, l) => {
    words[4 * n] = w0;
    words[4 * n + 1] = w1;
    words[4 * n + 2] = w2;
    words[4 * n + 3] = w3;
    len[n++] = l;
  };
  /** A /64 in a hot /48 (16 subnets per /48 are in use, as in real deployments). */
  const subnet = () => {
    const [w0, w1] = hot48[int(hot48.length)];
    return [w0, u32(w1 + int(16) * (rng() < 0.8 ? 1 : 4096))];
  };
  /** An interface id: SLAAC-random mostly, small numbers for servers. */
  const iid = () => (rng() < 0.25 ? [0, 1 + int(300)] : [u32(int(4294967296)), u32(int(4294967296))]);
  while (n < count) {
    const r = rng();
    if (r < 0.58) {
      const [w0, w1] = rng() < 0.9 ? subnet() : [u32(TOPS[int(TOPS.length)] * 65536 + int(65536)), int(4294967296)];
      const [w2, w3] = iid();
      put(w0, w1, w2, w3, 128);
    } else if (r < 0.83) {
      const [w0, w1] = rng() < 0.08 ? subnet() : [providers[int(providers.length)], u32(int(4294967296))];
      // A few feeds write a host address with /64 (host bits set).
      if (rng() < 0.02) put(w0, w1, int(4294967296), int(4294967296), 64);
      else put(w0, w1, 0, 0, 64);
    } else if (r < 0.89) {
      if (rng() < 0.2) {
        // A /56 inside a hot /48, mostly beside the subnets its hosts use.
        const [w0, w1] = hot48[int(hot48.length)];
        put(w0, u32(w1 + (1 + int(255)) * 256), 0, 0, 56);
      } else {
        const l = MID_LENGTHS[int(MID_LENGTHS.length)];
        const w0 = u32(TOPS[int(TOPS.length)] * 65536 + int(65536));
        put(w0 & maskWord(l, 0), int(4294967296) & maskWord(l, 1), 0, 0, l);
      }
    } else if (r < 0.8905) {
      const l = WIDE_LENGTHS[int(WIDE_LENGTHS.length)];
      let top = 0x2000 + int(0x2000);
      while (TOPS.includes(top)) top = 0x2000 + int(0x2000);
      put(u32(top * 65536 + int(65536)) & maskWord(l, 0), 0, 0, 0, l);
    } else if (r < 0.92) {
      // A run of adjacent hosts (a scanner seen address by address) or of adjacent /64s.
      const [w0, w1] = subnet();
      const run = 2 + int(7);
      if (rng() < 0.7) {
        const [w2, w3] = iid();
        for (let k = 0; k < run && n < count; k++) put(w0, w1, w2, u32(w3 + k), 128);
      } else {
        for (let k = 0; k < run && n < count; k++) put(w0, u32(w1 + k), 0, 0, 64);
      }
    } else if (r < 0.95 && n > 0) {
      const j = int(n);
      put(words[4 * j], words[4 * j + 1], words[4 * j + 2], words[4 * j + 3], len[j]);
    } else if (r < 0.952) {
      // IPv4-mapped hosts (some feeds carry them); never merge with IPv4.
      put(0, 0, 0xffff, u32(int(4294967296)), 128);
    } else {
      put(u32(TOPS[int(TOPS.length)] * 65536 + int(65536)), int(4294967296), ...iid(), 128);
    }
  }
  return { words, len };
}

/** The next hour's list: drops ~removeFraction of the entries and appends ~addFraction new ones. */
export function nextHourCorpusV6(corpus, { seed = 11, removeFraction = 0.02, addFraction = 0.02 } = {}) {
  const rng = createRng(seed);
  const n = corpus.len.length;
  const added = generateCorpusV6({ count: Math.round(n * addFraction), seed: seed * 7919 + 3 });
  const m = n + added.len.length;
  const words = new Uint32Array(4 * m);
  const len = new Uint8Array(m);
  let k = 0;
  for (let i = 0; i < n; i++) {
    if (rng() < removeFraction) continue;
    words.set(corpus.words.subarray(4 * i, 4 * i + 4), 4 * k);
    len[k++] = corpus.len[i];
  }
  words.set(added.words, 4 * k);
  len.set(added.len, k);
  k += added.len.length;
  return { words: words.slice(0, 4 * k), len: len.slice(0, k) };
}

function groupsOf(w0, w1, w2, w3) {
  return [w0 >>> 16, w0 & 0xffff, w1 >>> 16, w1 & 0xffff, w2 >>> 16, w2 & 0xffff, w3 >>> 16, w3 & 0xffff];
}

/** RFC 5952 text (lower case, longest run of 2+ zero groups compressed, first on a tie; mapped in mixed form). */
function canonicalText(g) {
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return `::ffff:${g[6] >>> 8}.${g[6] & 255}.${g[7] >>> 8}.${g[7] & 255}`;
  }
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  const hex = (a, b) =>
    g
      .slice(a, b)
      .map((x) => x.toString(16))
      .join(':');
  return best === -1 ? hex(0, 8) : `${hex(0, best)}::${hex(best + bestLen, 8)}`;
}

/** A non-canonical spelling of the same address (every form parsePrefix accepts). */
function otherText(g, pick) {
  switch (pick) {
    case 0:
      return canonicalText(g).toUpperCase();
    case 1:
      return g.map((x) => x.toString(16).padStart(4, '0')).join(':');
    case 2:
      return g.map((x) => x.toString(16)).join(':');
    default: {
      // `::` for a single zero group, else leading zeros on the first group.
      const z = g.indexOf(0);
      if (z !== -1 && g[z + 1] !== 0 && (z === 0 || g[z - 1] !== 0)) {
        const hex = (a, b) =>
          g
            .slice(a, b)
            .map((x) => x.toString(16))
            .join(':');
        return `${hex(0, z)}::${hex(z + 1, 8)}`;
      }
      return `0${canonicalText(g)}`.replace(/^0([0-9a-f]{4})/, '$1');
    }
  }
}

/** One entry per line; ~10% non-canonical text, some /128 written out, a few comments and CRLF lines. */
export function corpusV6ToText(corpus, { seed = 5 } = {}) {
  const rng = createRng(seed);
  const n = corpus.len.length;
  const lines = new Array(n);
  const w = corpus.words;
  for (let i = 0; i < n; i++) {
    const g = groupsOf(w[4 * i], w[4 * i + 1], w[4 * i + 2], w[4 * i + 3]);
    const r = rng();
    const text = r < 0.9 ? canonicalText(g) : otherText(g, Math.floor((r - 0.9) * 40));
    const l = corpus.len[i];
    let line = l === 128 && rng() < 0.9 ? text : `${text}/${l}`;
    const s = rng();
    if (s < 0.01) line += ' # seen 2026-11-30';
    else if (s < 0.015) line += '\r';
    lines[i] = line;
  }
  return Buffer.from(`# IPv6 block list (bench corpus)\n${lines.join('\n')}\n`, 'latin1');
}

/** Writes v6-<label>.txt and v6-<label>-next.txt into outDir; returns their paths. */
export function writeCorpusV6Files({ count = 1_000_000, outDir, seed } = {}) {
  const dir = outDir ?? join(dirname(fileURLToPath(import.meta.url)), 'out');
  mkdirSync(dir, { recursive: true });
  const label = count === 1_000_000 ? '1m' : String(count);
  const corpus = generateCorpusV6({ count, seed });
  const base = join(dir, `v6-${label}.txt`);
  const next = join(dir, `v6-${label}-next.txt`);
  writeFileSync(base, corpusV6ToText(corpus));
  writeFileSync(next, corpusV6ToText(nextHourCorpusV6(corpus), { seed: 6 }));
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
    console.error('usage: node bench/corpus-v6.mjs [--count N] [--out DIR]');
    process.exit(2);
  }
  console.log(JSON.stringify(writeCorpusV6Files({ count, outDir: opt('--out') })));
}

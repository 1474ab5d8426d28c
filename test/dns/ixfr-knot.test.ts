// IXFR against a real Knot DNS serving zone differences: each serial step is applied by IXFR onto the cache, and
// after every step the cache equals what a full transfer of the same serial gives (list, counts, figures, sha256).
// A serial beyond Knot's journal, NSD (no IXFR store: it answers with the full zone) and a bad cache file all end
// in a full transfer that is just as exact.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prefixesToStrings } from '../../src/cidr/index.js';
import { createRandom } from '../../src/lab/demo/policy-feed.js';
import { readCachedZone, resolveZone } from '../../src/policy/index.js';
import type { PolicyLog } from '../../src/policy/index.js';
import type { CountedZone } from '../../src/policy/zone-tally.js';
import { startKnot } from './knot.js';
import type { KnotServer } from './knot.js';
import { startNsd } from './nsd.js';
import { generateRpzZone, zoneFileText } from './zones.js';

const ZONE = 'ixfr.rpz.test';
/** Records whose prefixes several records give: an owner with two RRs, a host that is also a trigger. */
const SHARED = [
  '32.9.2.0.192.rpz-ip A 10.0.0.1',
  '32.9.2.0.192.rpz-ip A 10.0.0.2',
  'host1 A 198.51.100.99',
  '32.99.100.51.198.rpz-ip CNAME .',
  'info TXT "a skipped record"',
];

/** Body lines of a generated zone (its text without the $ORIGIN, $TTL, SOA and NS lines). */
function bodyLines(count: number, seed: number): string[] {
  return generateRpzZone(ZONE, 1, count, seed).text.split('\n').slice(4).filter(Boolean);
}

/** A zone history: each step drops ~2% of the generated lines and adds as many fresh ones. */
class History {
  serial = 1;
  lines: string[];
  private readonly fresh: string[];
  private readonly rand = createRandom(7);

  constructor(count: number) {
    this.lines = [...bodyLines(count, 1), ...SHARED];
    const owners = new Set(this.lines.map((l) => l.split(' ')[0]));
    this.fresh = bodyLines(count, 2).filter((l) => !owners.has(l.split(' ')[0]));
  }

  text(): string {
    return zoneFileText(ZONE, this.serial, this.lines);
  }

  /** Next serial with `n` generated lines replaced; returns the counts changed. */
  step(n: number): { added: number; removed: number } {
    const kept = this.lines.filter((l) => SHARED.includes(l) || this.rand() >= n / this.lines.length);
    const removed = this.lines.length - kept.length;
    this.lines = [...kept, ...this.fresh.splice(0, n)];
    this.serial++;
    return { added: n, removed };
  }

  without(line: string): void {
    this.lines = this.lines.filter((l) => l !== line);
    this.serial++;
  }
}

interface Entry {
  level: 'info' | 'warn';
  msg: string;
  fields: Record<string, unknown>;
}

function capture(): PolicyLog & { entries: Entry[] } {
  const entries: Entry[] = [];
  return {
    entries,
    info: (msg, fields = {}) => entries.push({ level: 'info', msg, fields }),
    warn: (msg, fields = {}) => entries.push({ level: 'warn', msg, fields }),
  };
}

/** The cached zone as comparable data: counts spelled out (null stands for one record per prefix). */
function view(z: CountedZone | null) {
  if (!z) return null;
  const ones = (c: Uint32Array | null, n: number): number[] => (c ? [...c] : new Array<number>(n).fill(1));
  const { records, decoded, skipped, serial, sha256 } = z;
  return {
    list: prefixesToStrings(z.list),
    counts: [...ones(z.counts.v4, z.list.v4.len.length), ...ones(z.counts.v6, z.list.v6.len.length)],
    records,
    decoded,
    skipped,
    serial,
    sha256,
  };
}

let tmp: string;
let dirs = 0;
const newDir = (): string => path.join(tmp, `cache-${++dirs}`);

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'tscm-ixfr-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/**
 * Resolves with the cache (expecting `transfer`), then from scratch into a fresh cache, and requires both results
 * and both cache files to be equal.
 */
async function resolveExact(server: { host: string; port: number }, cacheDir: string, transfer: string) {
  const log = capture();
  const inc = await resolveZone(server, ZONE, { cacheDir, log });
  expect(inc.transfer).toBe(transfer);
  const freshDir = newDir();
  const full = await resolveZone(server, ZONE, { cacheDir: freshDir });
  expect(full.transfer).toBe('axfr');
  const pick = (r: typeof inc) => ({ ...r, list: prefixesToStrings(r.list), transfer: 0, added: 0, removed: 0 });
  expect(pick(inc)).toEqual({ ...pick(full), fromCache: inc.fromCache });
  const [a, b] = await Promise.all([readCachedZone(cacheDir, server, ZONE), readCachedZone(freshDir, server, ZONE)]);
  expect(view(a)).toEqual(view(b));
  expect(a).not.toBeNull();
  return { inc, log };
}

describe('IXFR from Knot', () => {
  let knot: KnotServer;
  const history = new History(3000);
  let cacheDir: string;
  beforeAll(async () => {
    cacheDir = newDir();
    knot = await startKnot(ZONE, history.text(), history.serial);
  });
  afterAll(async () => {
    await knot?.stop();
  });

  it('applies each serial step by IXFR, the cache equal to a full transfer every time', async () => {
    const server = { host: knot.host, port: knot.port };
    const first = await resolveExact(server, cacheDir, 'axfr');
    expect(first.inc.decoded).toBeGreaterThan(3000);
    for (const n of [60, 10, 150]) {
      const change = history.step(n);
      await knot.update(history.text(), history.serial);
      const { inc, log } = await resolveExact(server, cacheDir, 'ixfr');
      expect(inc.serial).toBe(history.serial);
      expect({ added: inc.added, removed: inc.removed }).toEqual(change);
      const entry = log.entries.find((e) => e.msg === 'zone updated by IXFR');
      expect(entry?.fields).toMatchObject({ from: history.serial - 1, serial: history.serial, sequences: 1 });
      expect(log.entries.filter((e) => e.level === 'warn')).toEqual([]);
    }
    // Two steps between runs: one IXFR of two sequences.
    history.step(20);
    await knot.update(history.text(), history.serial);
    history.step(20);
    await knot.update(history.text(), history.serial);
    const { log } = await resolveExact(server, cacheDir, 'ixfr');
    expect(log.entries.find((e) => e.msg === 'zone updated by IXFR')?.fields['sequences']).toBe(2);
    // Unchanged: the cache, no transfer.
    expect((await resolveZone(server, ZONE, { cacheDir })).transfer).toBe('cache');
  });

  it('deletes one of two records giving a prefix, and the prefix only with the last', async () => {
    const server = { host: knot.host, port: knot.port };
    const steps: Array<[string, string, boolean]> = [
      ['32.9.2.0.192.rpz-ip A 10.0.0.2', '192.0.2.9/32', true],
      ['host1 A 198.51.100.99', '198.51.100.99/32', true],
      ['32.9.2.0.192.rpz-ip A 10.0.0.1', '192.0.2.9/32', false],
      ['info TXT "a skipped record"', '198.51.100.99/32', true],
    ];
    for (const [line, prefix, stays] of steps) {
      history.without(line);
      await knot.update(history.text(), history.serial);
      const { inc } = await resolveExact(server, cacheDir, 'ixfr');
      expect(inc.removed).toBe(1);
      expect(prefixesToStrings(inc.list).includes(prefix)).toBe(stays);
    }
  });

  it('transfers the whole zone when the cache file is damaged or foreign', async () => {
    const server = { host: knot.host, port: knot.port };
    const [file] = await readdir(cacheDir);
    const good = await readFile(path.join(cacheDir, file!));
    const bad: Buffer[] = [
      Buffer.from('TSCM-ZONE-CACHE\ngarbage'),
      // an older format of the same zone
      Buffer.from(good.toString('latin1').replace('"formatVersion":4', '"formatVersion":3'), 'latin1'),
      // another zone's file under this name
      Buffer.from(good.toString('latin1').replace(`"zone":"${ZONE}"`, `"zone":"${ZONE.replace('i', 'j')}"`), 'latin1'),
    ];
    for (const content of bad) {
      history.step(5);
      await knot.update(history.text(), history.serial);
      await writeFile(path.join(cacheDir, file!), content);
      const { log } = await resolveExact(server, cacheDir, 'axfr');
      expect(log.entries.find((e) => e.msg === 'zone cache entry ignored')?.level).toBe('warn');
    }
  });
});

describe('IXFR fallbacks', () => {
  it('transfers the whole zone when the cached serial is beyond Knot journal', async () => {
    const history = new History(2000);
    const knot = await startKnot(ZONE, history.text(), history.serial, { journalDepth: 2 });
    try {
      const server = { host: knot.host, port: knot.port };
      const cacheDir = newDir();
      history.step(20);
      await knot.update(history.text(), history.serial);
      await resolveExact(server, cacheDir, 'axfr'); // first run: no cache yet
      for (let i = 0; i < 4; i++) {
        history.step(20);
        await knot.update(history.text(), history.serial);
      }
      const { log } = await resolveExact(server, cacheDir, 'axfr');
      const fallback = log.entries.find((e) => e.msg === 'zone IXFR not usable, full transfer');
      expect(fallback?.fields).toMatchObject({ from: 2, serial: history.serial });
      expect(String(fallback?.fields['reason'])).toMatch(/AXFR-style/);
    } finally {
      await knot.stop();
    }
  });

  it('transfers the whole zone from NSD, which answers IXFR with the full zone', async () => {
    const history = new History(1000);
    const nsd = await startNsd([{ name: ZONE, text: history.text(), allowTransfer: true }], { host: '127.0.11.1' });
    try {
      const server = { host: nsd.host, port: nsd.port };
      const cacheDir = newDir();
      await resolveExact(server, cacheDir, 'axfr');
      history.step(20);
      await nsd.writeZone(ZONE, history.text());
      await nsd.restart();
      const { log } = await resolveExact(server, cacheDir, 'axfr');
      const fallback = log.entries.find((e) => e.msg === 'zone IXFR not usable, full transfer');
      expect(String(fallback?.fields['reason'])).toMatch(/AXFR-style/);
    } finally {
      await nsd.stop();
    }
  });
});

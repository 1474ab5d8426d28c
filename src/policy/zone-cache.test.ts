// The zone cache keeps records per prefix exactly, and ignores a file whose counts do not add up.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPrefixes, prefixesFromStrings, prefixesToStrings } from '../cidr/index.js';
import { cacheFilePath, readCachedZone, writeCachedZone } from './zone-cache.js';
import { ONE_EACH } from './zone-tally.js';
import type { CountedZone } from './zone-tally.js';

const SERVER = { host: '127.0.11.9', port: 5353 };
const ZONE = 'cache.rpz.test';
const list = prefixesFromStrings(['192.0.2.0/24', '198.51.100.7/32', '2001:db8::/48']);
const zone = (counts: CountedZone['counts'], records: number): CountedZone => ({
  list,
  counts,
  records,
  decoded: 3,
  skipped: { ns: 1 },
  serial: 7,
  sha256: hashPrefixes(list),
});

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'tscm-zone-cache-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('zone cache', () => {
  it('round-trips records per prefix, and one each as no array', async () => {
    const counted = zone({ v4: Uint32Array.of(2, 1), v6: Uint32Array.of(3) }, 7);
    await writeCachedZone(dir, SERVER, ZONE, counted);
    const back = await readCachedZone(dir, SERVER, ZONE);
    expect(prefixesToStrings(back!.list)).toEqual(prefixesToStrings(list));
    expect([...back!.counts.v4!, ...back!.counts.v6!]).toEqual([2, 1, 3]);
    await writeCachedZone(dir, SERVER, ZONE, zone(ONE_EACH, 4));
    expect((await readCachedZone(dir, SERVER, ZONE))!.counts).toEqual(ONE_EACH);
  });

  it('ignores a file whose counts do not add up to its records, or hold a zero', async () => {
    // 5 + 1 + 3 records for 7 records of which 1 is skipped; a prefix with no record. Written as they are (the
    // sha256 of the arrays matches), the reader's own count check refuses them.
    for (const counts of [Uint32Array.of(5, 1), Uint32Array.of(3, 0)]) {
      await writeCachedZone(dir, SERVER, ZONE, zone({ v4: counts, v6: Uint32Array.of(3) }, 7));
      const reasons: string[] = [];
      expect(await readCachedZone(dir, SERVER, ZONE, (r) => reasons.push(r))).toBeNull();
      expect(reasons.join()).toMatch(/add up|no record/);
    }
  });

  it('ignores a file whose arrays were changed; the arrays start aligned', async () => {
    const file = cacheFilePath(dir, SERVER, ZONE);
    await writeCachedZone(dir, SERVER, ZONE, zone({ v4: Uint32Array.of(2, 1), v6: Uint32Array.of(3) }, 7));
    const good = await readFile(file);
    // The arrays start aligned: the header (magic, size, JSON and its padding) is a multiple of 4 bytes.
    expect((16 + 4 + good.readUInt32LE(16)) % 4).toBe(0);
    const data = Buffer.from(good);
    data[data.length - 4] = data[data.length - 4]! ^ 1; // a byte of the arrays (the last IPv6 count)
    await writeFile(file, data);
    const reasons: string[] = [];
    expect(await readCachedZone(dir, SERVER, ZONE, (r) => reasons.push(r))).toBeNull();
    expect(reasons.join()).toMatch(/content does not match its sha256/);
    await writeFile(file, good);
    const back = await readCachedZone(dir, SERVER, ZONE);
    expect(prefixesToStrings(back!.list)).toEqual(prefixesToStrings(list));
    expect(back!.sha256).toBe(hashPrefixes(list));
  });
});

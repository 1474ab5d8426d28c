import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openHitRecorder } from './hit-recorder.js';
import { readHitReport } from './hit-report.js';
import { realLines, recordingLogger } from './test-helpers.js';

const T = Date.UTC(2026, 10, 30, 13, 20);
const HOUR = 3_600_000;
const BLOCK = ['192.168.100.0/24', '10.1.0.0/16', '198.51.100.0/24', '203.0.113.128/25', '2001:db8::/32'];
const ALLOW = ['192.168.100.195/32', '172.16.0.26/32'];
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tscm-hit-report-'));
  const rec = await openHitRecorder({ dir, log: recordingLogger() });
  rec.setEntries('edge-01', { block: BLOCK, allow: ALLOW });
  for (const line of realLines()) rec.observe('edge-01', Buffer.from(line), T);
  // A day and more before: outside a 24-hour report.
  rec.observe('edge-01', Buffer.from('%SEC-6-IPACCESSLOGS: list OLD denied 192.168.100.99 7 packets'), T - 30 * HOUR);
  await rec.close();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const report = (over: Partial<Parameters<typeof readHitReport>[0]> = {}) =>
  readHitReport({
    dir,
    device: 'edge-01',
    since: T - 24 * HOUR,
    until: T + HOUR,
    top: 3,
    block: BLOCK,
    allow: ALLOW,
    ...over,
  });

describe('hit report', () => {
  it('lists the busiest blocked sources and destinations with the block entry each falls in', async () => {
    const r = await report();
    expect(r.formatVersion).toBe(1);
    expect(r.buckets).toBe(1);
    expect(r.topSources).toEqual([
      { address: '10.100.8.34', packets: 343, blockEntry: null },
      { address: '192.168.100.12', packets: 34, blockEntry: '192.168.100.0/24' },
      { address: '172.16.0.26', packets: 20, blockEntry: null },
    ]);
    expect(r.topDestinations).toHaveLength(3);
    expect(r.topDestinations[0]!.packets).toBeGreaterThanOrEqual(r.topDestinations[2]!.packets);
  });

  it('names the block entries that never hit in the period, and counts those that did', async () => {
    const r = await report();
    expect(r.blockEntries.total).toBe(5);
    expect(r.blockEntries.neverHit).toEqual({ count: 2, first: ['203.0.113.128/25', '2001:db8::/32'] });
    expect(r.blockEntries.withHits).toBe(3);
    expect(r.blockEntries.top.map((e) => e.entry).sort()).toEqual([
      '10.1.0.0/16',
      '192.168.100.0/24',
      '198.51.100.0/24',
    ]);
    const older = await report({ since: T - 48 * HOUR });
    expect(older.buckets).toBe(2);
    expect(older.blockEntries.top.find((e) => e.entry === '192.168.100.0/24')!.packets).toBe(
      r.blockEntries.top.find((e) => e.entry === '192.168.100.0/24')!.packets + 7,
    );
  });

  it('reports allow-list traffic, flagging an address the block list holds too as a likely false positive', async () => {
    const r = await report({ top: 10 });
    expect(r.allowHits).toEqual([
      // permitted 1 + 327 + 2 + 1, denied 1 + 342 + 20
      {
        entry: '172.16.0.26/32',
        address: '172.16.0.26',
        packets: 694,
        blockEntry: null,
        likelyFalsePositive: false,
        current: true,
      },
      {
        entry: '192.168.100.195/32',
        address: '192.168.100.195',
        packets: 3,
        blockEntry: '192.168.100.0/24',
        likelyFalsePositive: true,
        current: true,
      },
    ]);
    expect(r.totals.allowHits).toBe(697);
  });

  it('marks entries that have left the lists since they hit', async () => {
    const r = await report({ block: BLOCK.filter((e) => e !== '198.51.100.0/24'), allow: ['172.16.0.26/32'] });
    expect(r.blockEntries.top.find((e) => e.entry === '198.51.100.0/24')).toMatchObject({ current: false });
    expect(r.blockEntries.total).toBe(4);
    expect(r.allowHits.find((a) => a.entry === '192.168.100.195/32')).toMatchObject({ current: false });
  });

  it('skips a damaged bucket file, naming it', async () => {
    await writeFile(path.join(dir, 'edge-01', 'hits', '2026-11-30T12.json'), 'not json at all');
    const r = await report();
    expect(r.buckets).toBe(1);
    expect(r.skippedFiles).toEqual([
      { file: '2026-11-30T12.json', reason: expect.stringContaining('is not valid JSON') },
    ]);
    expect(JSON.stringify(r.skippedFiles)).not.toContain('not json at all');
  });

  it('is empty for a device without buckets', async () => {
    const r = await readHitReport({ dir, device: 'nobody', since: 0, until: T, top: 5, block: BLOCK, allow: [] });
    expect(r).toMatchObject({ buckets: 0, topSources: [], allowHits: [], blockEntries: { withHits: 0 } });
    expect(r.blockEntries.neverHit.count).toBe(5);
  });
});

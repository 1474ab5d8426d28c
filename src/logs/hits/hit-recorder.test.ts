import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAclLogLine } from './acl-log-line.js';
import { openHitRecorder } from './hit-recorder.js';
import { realLines, recordingLogger } from './test-helpers.js';

const T = Date.UTC(2026, 10, 30, 13, 20); // 2026-11-30T13:20Z
const HOUR = 3_600_000;
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tscm-hits-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface BucketDoc {
  readonly start: string;
  readonly end: string;
  readonly totals: Record<string, number>;
  readonly deniedSources: Record<string, number>;
  readonly deniedDestinations: Record<string, number>;
  readonly acls: Record<string, { denied: number; permitted: number }>;
  readonly blockEntries: Record<string, number>;
  readonly allowEntries: Record<string, Record<string, number>>;
  readonly other: number;
}

async function bucket(device: string, name: string): Promise<BucketDoc> {
  return JSON.parse(await readFile(path.join(dir, device, 'hits', name), 'utf8')) as BucketDoc;
}

describe('hit recorder', () => {
  it('counts the real lines per source, destination, ACL and longest matching entry', async () => {
    const log = recordingLogger();
    const rec = await openHitRecorder({ dir, log });
    rec.setEntries('edge-01', {
      block: ['192.168.100.0/24', '10.0.0.0/8', '10.1.0.0/16', '2a02:cf40::/32', '203.0.113.0/24'],
      allow: ['192.168.100.195/32'],
    });
    const lines = realLines();
    for (const line of lines) rec.observe('edge-01', Buffer.from(line), T);
    await rec.close();

    const b = await bucket('edge-01', '2026-11-30T13.json');
    expect(b.start).toBe('2026-11-30T13:00:00.000Z');
    expect(b.end).toBe('2026-11-30T14:00:00.000Z');
    expect(b.totals.aclLines).toBe(lines.filter((l) => parseAclLogLine(l) !== null).length);
    // Three "list 177 denied udp 192.168.100.195(...)" lines, 1 packet each.
    expect(b.deniedSources['192.168.100.195']).toBe(3);
    // Two tcp lines of 1 packet and an icmp line of 32 packets.
    expect(b.deniedSources['192.168.100.12']).toBe(34);
    expect(b.deniedSources['10.100.8.34']).toBe(343);
    expect(b.deniedDestinations['81.2.69.144']).toBe(2);
    expect(b.acls['177']).toEqual({ denied: 4, permitted: 0 });
    // 10.1.2.30 twice, 10.1.2.60, 10.1.5.60, and 10.1.2.42 once plus a "message repeated 2 times": the /16, not
    // the /8 that also holds them.
    expect(b.blockEntries['10.1.0.0/16']).toBe(7);
    expect(b.blockEntries['10.0.0.0/8']).toBeGreaterThan(0);
    expect(b.blockEntries['203.0.113.0/24']).toBe(1);
    expect(b.blockEntries['2a02:cf40::/32']).toBeGreaterThan(0);
    expect(b.allowEntries).toEqual({ '192.168.100.195/32': { '192.168.100.195': 3 } });
    expect(b.other).toBe(0);
    const c = rec.counters().perDevice['edge-01']!;
    expect(c).toEqual({
      aclLines: b.totals.aclLines,
      denied: b.totals.deniedPackets,
      blockHits: b.totals.blockHits,
      allowHits: 3,
    });
    expect(log.records.filter((r) => r.level !== 'debug')).toEqual([]);
  });

  it('ignores messages without an ACL line and devices whose name is not a safe folder name', async () => {
    const log = recordingLogger();
    const rec = await openHitRecorder({ dir, log });
    rec.observe('edge-01', Buffer.from('<189>: %SYS-5-CONFIG_I: Configured from console by vty0'), T);
    rec.observe('../x', Buffer.from('%SEC-6-IPACCESSLOGS: list 1 denied 192.0.2.1 1 packet'), T);
    await rec.close();
    expect(await readdir(dir)).toEqual([]);
    expect(rec.counters().perDevice).toEqual({});
    expect(log.records.map((r) => r.msg)).toEqual([
      'hits: device name is not a safe folder name; its ACL lines are not counted',
    ]);
  });

  it('writes the last bucket when a device moves to the next one, and keeps old buckets for retainMs', async () => {
    const line = Buffer.from('%SEC-6-IPACCESSLOGS: list 1 denied 192.0.2.1 5 packets');
    const now = T + 3 * HOUR;
    const rec = await openHitRecorder({ dir, log: recordingLogger(), retainMs: 3 * HOUR, now: () => now });
    await mkdir(path.join(dir, 'r1', 'hits'), { recursive: true });
    await writeFile(path.join(dir, 'r1', 'hits', '2026-11-30T08.json'), '{}');
    rec.observe('r1', line, T);
    rec.observe('r1', line, T + HOUR);
    await rec.flush();
    expect((await readdir(path.join(dir, 'r1', 'hits'))).sort()).toEqual(['2026-11-30T13.json', '2026-11-30T14.json']);
    expect((await bucket('r1', '2026-11-30T13.json')).deniedSources).toEqual({ '192.0.2.1': 5 });
    await rec.close();
  });

  it('adds to what a bucket file already holds (a restart within the hour loses nothing)', async () => {
    const line = Buffer.from(
      '%ASA-4-106023: Deny udp src outside:198.51.100.9/53 dst inside:192.0.2.10/53 by access-group "in"',
    );
    for (let run = 0; run < 3; run++) {
      const rec = await openHitRecorder({ dir, log: recordingLogger() });
      rec.observe('fw', line, T);
      rec.observe('fw', line, T + 60_000);
      await rec.close();
    }
    const b = await bucket('fw', '2026-11-30T13.json');
    expect(b.totals).toMatchObject({ aclLines: 6, deniedPackets: 6 });
    expect(b.deniedSources).toEqual({ '198.51.100.9': 6 });
    expect(b.acls).toEqual({ in: { denied: 6, permitted: 0 } });
  });

  it('keeps at most maxKeysPerBucket keys, counting the rest as other', async () => {
    const rec = await openHitRecorder({ dir, log: recordingLogger(), maxKeysPerBucket: 5 });
    for (let i = 1; i <= 20; i++)
      rec.observe('r', Buffer.from(`%SEC-6-IPACCESSLOGS: list A denied 192.0.2.${i} 1 packet`), T);
    await rec.close();
    const b = await bucket('r', '2026-11-30T13.json');
    const keys = Object.keys(b.deniedSources).length + Object.keys(b.acls).length;
    expect(keys).toBe(5);
    expect(b.acls).toEqual({ A: { denied: 20, permitted: 0 } });
    expect(Object.keys(b.deniedSources)).toHaveLength(4);
    // The ACL row took the first key, four sources the rest: the other 16 sources' packets are counted as other.
    expect(b.deniedSources['192.0.2.1']).toBe(1);
    expect(b.other).toBe(16);
    expect(b.totals.deniedPackets).toBe(20);
  });

  it('moves a damaged bucket file aside, naming the file and never its content', async () => {
    const folder = path.join(dir, 'r', 'hits');
    await mkdir(folder, { recursive: true });
    const secretish = '{"formatVersion":1,"device":"r","start":"x","password":"hunter2"';
    await writeFile(path.join(folder, '2026-11-30T13.json'), secretish);
    const log = recordingLogger();
    const rec = await openHitRecorder({ dir, log });
    rec.observe('r', Buffer.from('%SEC-6-IPACCESSLOGS: list 1 denied 192.0.2.1 2 packets'), T);
    await rec.close();
    expect((await readdir(folder)).sort()).toEqual(['2026-11-30T13.json', '2026-11-30T13.json.damaged']);
    expect((await bucket('r', '2026-11-30T13.json')).deniedSources).toEqual({ '192.0.2.1': 2 });
    const warn = log.records.find((r) => r.level === 'warn')!;
    expect(warn.msg).toBe('hits: a damaged bucket file was moved aside');
    expect(JSON.stringify(warn)).toContain('2026-11-30T13.json');
    expect(JSON.stringify(warn)).not.toContain('hunter2');
  });

  it.each([
    ['a count that is not a safe integer', { deniedSources: { '192.0.2.1': 1e300 } }],
    ['a negative count', { deniedSources: { '192.0.2.1': -5 } }],
    ['a key that is not an address', { deniedSources: { 'evil<script>': 1 } }],
    ['an entry that is not a prefix', { blockEntries: { '10.0.0.0/33': 1 } }],
    ['another device', { device: 'other' }],
    ['an array for a map', { acls: [] }],
  ])('refuses a bucket file with %s', async (_what, patch) => {
    const good = {
      formatVersion: 1,
      device: 'r',
      start: '2026-11-30T13:00:00.000Z',
      end: '2026-11-30T14:00:00.000Z',
      totals: { aclLines: 1, deniedPackets: 1, permittedPackets: 0, blockHits: 0, allowHits: 0 },
      deniedSources: { '192.0.2.1': 1 },
      deniedDestinations: {},
      acls: {},
      blockEntries: {},
      allowEntries: {},
      other: 0,
    };
    const folder = path.join(dir, 'r', 'hits');
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, '2026-11-30T13.json'), JSON.stringify({ ...good, ...patch }));
    const log = recordingLogger();
    const rec = await openHitRecorder({ dir, log });
    rec.observe('r', Buffer.from('%SEC-6-IPACCESSLOGS: list 1 denied 192.0.2.1 1 packet'), T);
    await rec.close();
    expect(log.records.map((r) => r.msg)).toEqual(['hits: a damaged bucket file was moved aside']);
    expect((await bucket('r', '2026-11-30T13.json')).deniedSources).toEqual({ '192.0.2.1': 1 });
  });
});

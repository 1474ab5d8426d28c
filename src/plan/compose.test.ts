import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prefixCount, prefixesFromStrings, prefixesToStrings } from '../cidr/index.js';
import type { DeviceSpec } from '../config/types.js';
import { ConfigError } from '../errors.js';
import type { LockoutInput } from './carve-out.js';
import { composeDesired, type ComposeSource } from './compose.js';
import type { DesiredState, GroupRole } from './model.js';

const P = (...s: string[]) => prefixesFromStrings(s);

function spec(maxEntries = 1000): DeviceSpec {
  // Only the fields composeDesired reads.
  return {
    name: 'edge-1',
    source: { file: 'devices/edge-1.yaml', line: 1 },
    objectGroups: { block: 'TSCM-BLOCK', allow: 'TSCM-ALLOW', maxEntries, nestedSize: 100 },
  } as unknown as DeviceSpec;
}

const source = (role: GroupRole, priority: number, entries: readonly string[]): ComposeSource => ({
  role,
  priority,
  label: `${role}-${priority}`,
  list: P(...entries),
  serial: priority,
  records: entries.length,
  decoded: entries.length,
  rejected: 0,
  status: 'fresh',
});

const NOTHING: LockoutInput = { mode: 'carve', addresses: [], unresolved: [] };
const members = (d: DesiredState, role: GroupRole) => prefixesToStrings(d.groups.find((g) => g.role === role)!.members);

describe('composeDesired', () => {
  it('gives each address to the highest-priority source that names it and reports the figures per source', () => {
    const d = composeDesired(
      spec(),
      [
        source('block', 2, ['10.0.0.0/24', '198.51.100.7/32']),
        source('block', 1, ['10.0.0.0/25', '203.0.113.0/24']),
        source('allow', 1, ['10.0.0.5/32']),
      ],
      NOTHING,
    );
    expect(members(d, 'allow')).toEqual(['10.0.0.5/32']);
    expect(members(d, 'block')).not.toContain('10.0.0.5/32');
    const figures = d.report!.sources.map((s) => [s.source, s.aggregated, s.kept, s.droppedByCap, s.serial]);
    // block-1 keeps 10.0.0.0/25 minus the allowed host (7 entries) and 203.0.113.0/24; block-2 only what block-1
    // lacks: 10.0.0.128/25 and the host.
    expect(figures).toEqual([
      ['block-1', 2, 8, 0, 1],
      ['block-2', 2, 2, 0, 2],
      ['allow-1', 1, 1, 0, 1],
    ]);
    expect(d.report!.allowPrecedence).toEqual({
      overlaps: 1,
      sample: [{ allow: '10.0.0.5/32', blockEntry: '10.0.0.0/24' }],
      proven: true,
    });
    expect(d.truncation).toBeUndefined();
  });

  it('drops the lowest-priority source first when the cap bites, widest first within a source', () => {
    const d = composeDesired(
      spec(4),
      [
        source('block', 1, ['192.0.2.1/32', '192.0.2.3/32']),
        source('block', 2, ['198.51.100.0/24', '198.51.102.1/32', '2001:db8::/48']),
        source('block', 3, ['203.0.113.1/32', '203.0.113.3/32']),
        source('allow', 1, ['192.0.2.9/32']),
      ],
      NOTHING,
    );
    expect(members(d, 'block')).toEqual(['192.0.2.1/32', '192.0.2.3/32', '198.51.100.0/24']);
    expect(d.report!.sources.map((s) => [s.source, s.kept, s.droppedByCap])).toEqual([
      ['block-1', 2, 0],
      ['block-2', 1, 2],
      ['block-3', 0, 2],
      ['allow-1', 1, 0],
    ]);
    expect(d.truncation).toEqual({
      dropped: 4,
      limit: 4,
      sample: ['203.0.113.1/32', '203.0.113.3/32', '198.51.102.1/32', '2001:db8::/48'],
    });
    expect(d.report!.allowPrecedence).toEqual({ overlaps: 0, sample: [], proven: true });
  });

  it('does not cap sources whose entries merge across sources into few enough', () => {
    const d = composeDesired(
      spec(1),
      [source('block', 1, ['10.0.0.0/25']), source('block', 2, ['10.0.0.128/25'])],
      NOTHING,
    );
    expect(members(d, 'block')).toEqual(['10.0.0.0/24']);
    expect(d.truncation).toBeUndefined();
    expect(d.report!.sources.map((s) => s.droppedByCap)).toEqual([0, 0]);
  });

  it('names the allow entry that cut each block entry, for IPv6 too', () => {
    const d = composeDesired(
      spec(),
      [source('block', 1, ['2001:db8::/32', '10.0.0.0/8']), source('allow', 1, ['2001:db8:5::/48', '2000::/3'])],
      NOTHING,
    );
    // 2000::/3 covers the whole IPv6 block entry; 10.0.0.0/8 is not touched.
    expect(members(d, 'block')).toEqual(['10.0.0.0/8']);
    expect(d.report!.allowPrecedence!.sample).toEqual([{ allow: '2000::/3', blockEntry: '2001:db8::/32' }]);
  });

  it('carves protected addresses out of the part that covered them before the cap, and proves them absent', () => {
    const lockout: LockoutInput = {
      mode: 'carve',
      addresses: [{ prefix: '10.0.0.1/32', why: 'management address' }],
      unresolved: ['syslog.example'],
    };
    const d = composeDesired(
      spec(4),
      [source('block', 1, ['192.0.2.1/32']), source('block', 2, ['10.0.0.0/29', '198.51.100.0/24'])],
      lockout,
    );
    // 10.0.0.0/29 less the host: 10.0.0.0/32, 10.0.0.2/31, 10.0.0.4/30; the cap (3 left) keeps the widest of part 2.
    expect(members(d, 'block')).toEqual(['10.0.0.2/31', '10.0.0.4/30', '192.0.2.1/32', '198.51.100.0/24']);
    expect(d.report!.lockout.carved).toMatchObject([{ address: '10.0.0.1/32', source: 'block-2' }]);
    expect(d.report!.lockout.unresolved).toEqual(['syslog.example']);
    expect(d.report!.sources.map((s) => [s.kept, s.droppedByCap])).toEqual([
      [1, 0],
      [3, 1],
    ]);
  });

  it('refuses an empty block list, one the allow list covers, and an allow list that fills the cap', () => {
    const w = (f: () => unknown) => expect(f).toThrow(ConfigError);
    w(() => composeDesired(spec(), [source('block', 1, []), source('block', 2, [])], NOTHING));
    expect(() =>
      composeDesired(spec(), [source('block', 1, ['10.0.0.0/24']), source('allow', 1, ['10.0.0.0/16'])], NOTHING),
    ).toThrow(/edge-1.*allow list covers every address/);
    expect(() =>
      composeDesired(
        spec(2),
        [source('block', 1, ['10.0.0.0/8']), source('allow', 1, ['192.0.2.1/32', '192.0.2.3/32'])],
        NOTHING,
      ),
    ).toThrow(/fills objectGroups.maxEntries \(2\)/);
  });
});

// ---- Reference: sets of addresses over 10.0.0.0/24 (offsets 0..255), the rules written the plain way. ----

const BASE = '10.0.0.';
interface RefEntry {
  readonly off: number;
  readonly len: number;
}
const size = (e: RefEntry) => 2 ** (32 - e.len);
const entryString = (e: RefEntry) => `${BASE}${e.off}/${e.len}`;
const setOf = (entries: readonly RefEntry[]): Set<number> => {
  const s = new Set<number>();
  for (const e of entries) for (let a = e.off; a < e.off + size(e); a++) s.add(a);
  return s;
};
/** The minimal CIDR cover of a set: an aligned block wholly in the set is one entry, else its halves. */
function cover(set: ReadonlySet<number>, off = 0, len = 24): RefEntry[] {
  const n = 2 ** (32 - len);
  let inside = 0;
  for (let a = off; a < off + n; a++) if (set.has(a)) inside++;
  if (inside === n) return [{ off, len }];
  if (inside === 0) return [];
  return [...cover(set, off, len + 1), ...cover(set, off + n / 2, len + 1)];
}
const minus = (a: ReadonlySet<number>, b: ReadonlySet<number>) => new Set([...a].filter((x) => !b.has(x)));
const unite = (sets: readonly ReadonlySet<number>[]) => new Set(sets.flatMap((s) => [...s]));
/** capPrefixes' rule: widest first, then lower address. */
const widestFirst = (entries: readonly RefEntry[], n: number) =>
  [...entries].sort((x, y) => x.len - y.len || x.off - y.off).slice(0, Math.max(0, n));

interface RefResult {
  readonly block: RefEntry[];
  readonly allow: RefEntry[] | null;
  readonly kept: number[];
  readonly dropped: number[];
}

function reference(
  blocks: readonly RefEntry[][],
  allows: readonly RefEntry[][],
  protect: readonly RefEntry[],
  limit: number,
): RefResult | 'error' {
  const allowSet = unite(allows.map(setOf));
  const seen = new Set<number>();
  const parts = blocks.map((b) => {
    const s = setOf(b);
    const part = minus(minus(minus(s, seen), allowSet), setOf(protect));
    for (const a of s) seen.add(a);
    return part;
  });
  if (seen.size === 0 || parts.every((p) => p.size === 0)) return 'error';
  const allow = allows.length > 0 ? cover(allowSet) : null;
  const budget = limit - (allow?.length ?? 0);
  if (budget <= 0 && allow) return 'error';
  const partEntries = parts.map((p) => cover(p));
  if (cover(unite(parts)).length <= budget) {
    return { block: cover(unite(parts)), allow, kept: partEntries.map((e) => e.length), dropped: parts.map(() => 0) };
  }
  let left = budget;
  const keptSets: Set<number>[] = [];
  const kept: number[] = [];
  const dropped: number[] = [];
  for (const entries of partEntries) {
    const k = widestFirst(entries, left);
    left -= k.length;
    keptSets.push(setOf(k));
    kept.push(k.length);
    dropped.push(entries.length - k.length);
  }
  return { block: cover(unite(keptSets)), allow, kept, dropped };
}

const entryArb = fc
  .record({ off: fc.integer({ min: 0, max: 255 }), len: fc.integer({ min: 24, max: 32 }) })
  .map(({ off, len }) => ({ off: off - (off % 2 ** (32 - len)), len }));
const listArb = fc.array(entryArb, { maxLength: 8 });

function check(blocks: RefEntry[][], allows: RefEntry[][], protect: RefEntry[], limit: number): void {
  const sources = [
    ...blocks.map((b, i) => source('block', i + 1, b.map(entryString))),
    ...allows.map((a, i) => source('allow', i + 1, a.map(entryString))),
  ];
  const lockout: LockoutInput = {
    mode: 'carve',
    addresses: protect.map((p) => ({ prefix: entryString(p), why: 'protect' })),
    unresolved: [],
  };
  const want = reference(blocks, allows, protect, limit);
  if (want === 'error') {
    expect(() => composeDesired(spec(limit), sources, lockout)).toThrow(ConfigError);
    return;
  }
  const d = composeDesired(spec(limit), sources, lockout);
  expect(members(d, 'block')).toEqual(want.block.map(entryString));
  if (want.allow) expect(members(d, 'allow')).toEqual(want.allow.map(entryString));
  else expect(d.groups).toHaveLength(1);
  const blockReports = d.report!.sources.filter((s) => s.role === 'block');
  expect(blockReports.map((s) => s.kept)).toEqual(want.kept);
  expect(blockReports.map((s) => s.droppedByCap)).toEqual(want.dropped);
  expect(blockReports.map((s) => s.aggregated)).toEqual(blocks.map((b) => cover(setOf(b)).length));
  const totalDropped = want.dropped.reduce((a, b) => a + b, 0);
  expect(d.truncation?.dropped ?? 0).toBe(totalDropped);
  const groupSize = d.groups.reduce((n, g) => n + prefixCount(g.members), 0);
  expect(groupSize).toBeLessThanOrEqual(limit);
  if (want.allow) {
    // Each allow source keeps what the allow sources above it do not name.
    const seen = new Set<number>();
    const allowKept = allows.map((a) => {
      const part = minus(setOf(a), seen);
      for (const x of setOf(a)) seen.add(x);
      return cover(part).length;
    });
    expect(d.report!.sources.filter((s) => s.role === 'allow').map((s) => s.kept)).toEqual(allowKept);
    // Overlaps: the merged block entries the allow set cuts into.
    const allowSet = unite(allows.map(setOf));
    const cut = cover(unite(blocks.map(setOf))).filter((e) => [...setOf([e])].some((a) => allowSet.has(a)));
    const ap = d.report!.allowPrecedence!;
    expect(ap.overlaps).toBe(cut.length);
    expect(ap.sample.map((s) => s.blockEntry)).toEqual(cut.slice(0, 5).map(entryString));
    for (const s of ap.sample) {
      expect(want.allow.map(entryString)).toContain(s.allow);
      const [ao, bo] = [s.allow, s.blockEntry].map((x) => setOf([parseRef(x)]));
      expect([...ao!].some((a) => bo!.has(a))).toBe(true);
    }
  }
}

function parseRef(s: string): RefEntry {
  const [addr, len] = s.split('/');
  return { off: Number(addr!.split('.')[3]), len: Number(len) };
}

describe('composeDesired against a reference (sets of addresses)', () => {
  const limitArb = fc.integer({ min: 1, max: 24 });
  it('merge + allow precedence + priority cap', () => {
    fc.assert(
      fc.property(
        fc.array(listArb, { minLength: 1, maxLength: 4 }),
        fc.array(listArb, { maxLength: 2 }),
        limitArb,
        (blocks, allows, limit) => check(blocks, allows, [], limit),
      ),
      { numRuns: 200 },
    );
  });

  it('merge + allow precedence + carve-out + priority cap', () => {
    fc.assert(
      fc.property(
        fc.array(listArb, { minLength: 1, maxLength: 4 }),
        fc.array(listArb, { maxLength: 2 }),
        fc.array(entryArb, { maxLength: 3 }),
        limitArb,
        (blocks, allows, protect, limit) => check(blocks, allows, protect, limit),
      ),
      { numRuns: 200 },
    );
  });
});

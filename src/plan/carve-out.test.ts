import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aggregate, formatPrefixes, parsePrefix, prefixesFromStrings, union } from '../cidr/index.js';
import type { PrefixList } from '../cidr/types.js';
import { ConfigError, InternalError } from '../errors.js';
import { assertNotCovered, carveProtected, type LockoutInput, type ProtectedAddress } from './carve-out.js';

const p = (...s: string[]): PrefixList => prefixesFromStrings(s);
const lockout = (mode: 'carve' | 'strict', ...addresses: [string, string][]): LockoutInput => ({
  mode,
  addresses: addresses.map(([prefix, why]) => ({ prefix, why })),
  unresolved: [],
});

function refusalOf(run: () => unknown): Error {
  try {
    run();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a refusal');
}

describe('carveProtected', () => {
  it('takes the management address out of the entry that covered it, and says which entry and source', () => {
    const parts = [
      { list: p('192.0.2.0/24', '198.51.100.7'), label: 'block.a @ 127.0.42.1:5353' },
      { list: p('203.0.113.0/24'), label: 'b.txt' },
    ];
    const out = carveProtected(parts, lockout('carve', ['192.0.2.10/32', 'management address']));
    expect(formatPrefixes(out.parts[0]!)).toEqual([
      '192.0.2.0/29',
      '192.0.2.8/31',
      '192.0.2.11/32',
      '192.0.2.12/30',
      '192.0.2.16/28',
      '192.0.2.32/27',
      '192.0.2.64/26',
      '192.0.2.128/25',
      '198.51.100.7/32',
    ]);
    expect(formatPrefixes(out.parts[1]!)).toEqual(['203.0.113.0/24']);
    expect(out.carved).toEqual([
      {
        address: '192.0.2.10/32',
        why: 'management address',
        coveredBy: '192.0.2.0/24',
        source: 'block.a @ 127.0.42.1:5353',
      },
    ]);
  });

  it('a protected prefix wider than the entries removes them all and names the first few', () => {
    const parts = [{ list: p('10.0.0.1', '10.0.0.3', '10.0.0.5', '10.0.0.7', '10.0.0.9', '11.0.0.0/8'), label: 'f' }];
    const out = carveProtected(parts, lockout('carve', ['10.0.0.0/24', 'protect']));
    expect(formatPrefixes(out.parts[0]!)).toEqual(['11.0.0.0/8']);
    expect(out.carved).toEqual([
      {
        address: '10.0.0.0/24',
        why: 'protect',
        coveredBy: '10.0.0.1/32, 10.0.0.3/32, 10.0.0.5/32 and 2 more',
        source: 'f',
      },
    ]);
  });

  it('names every entry holding the address in a list that is not aggregated (nested holders, then those inside)', () => {
    const parts = [
      { list: p('0.0.0.0/0', '10.0.0.0/8', '10.0.0.0/24', '10.0.0.4/30', '10.0.0.5', '10.0.0.6'), label: 'f' },
    ];
    const out = carveProtected(parts, lockout('carve', ['10.0.0.4/31', 'protect']));
    expect(out.carved[0]!.coveredBy).toBe('0.0.0.0/0, 10.0.0.0/8, 10.0.0.0/24 and 2 more');
    const v6 = [{ list: p('::/0', '2001:db8::/32', '2001:db8::1', '2001:db8::2', '2001:db9::1'), label: 'g' }];
    const out6 = carveProtected(v6, lockout('carve', ['2001:db8::/126', 'protect']));
    expect(out6.carved[0]!.coveredBy).toBe('::/0, 2001:db8::/32, 2001:db8::1/128 and 1 more');
    expect(formatPrefixes(out6.parts[0]!)).not.toContain('2001:db8::1/128');
  });

  it('carves IPv6 too, each family on its own', () => {
    const parts = [{ list: p('2001:db8::/32', '10.0.0.0/8'), label: 'z' }];
    const out = carveProtected(
      parts,
      lockout('carve', ['2001:db8::1/128', 'policy server'], ['::ffff:10.0.0.1/128', 'x']),
    );
    expect(formatPrefixes(out.parts[0]!)).toContain('2001:db8::/128');
    expect(formatPrefixes(out.parts[0]!)).not.toContain('2001:db8::/32');
    expect(formatPrefixes(out.parts[0]!)).toContain('10.0.0.0/8');
    expect(out.carved).toEqual([
      { address: '2001:db8::1/128', why: 'policy server', coveredBy: '2001:db8::/32', source: 'z' },
    ]);
  });

  it('leaves a part without a protected address as it was (aggregated) and reports nothing', () => {
    const out = carveProtected(
      [{ list: p('10.0.0.0/9', '10.128.0.0/9'), label: 'z' }],
      lockout('strict', ['192.0.2.1/32', 'm']),
    );
    expect(formatPrefixes(out.parts[0]!)).toEqual(['10.0.0.0/8']);
    expect(out.carved).toEqual([]);
  });

  it('strict: refuses with every covered address, why, the covering entry, its source and the fix', () => {
    const parts = [
      { list: p('127.0.42.0/24'), label: 'block.a @ 127.0.42.10:5353' },
      { list: p('127.0.0.0/8'), label: 'list.txt' },
    ];
    const guard = lockout(
      'strict',
      ['127.0.42.20/32', 'management address'],
      ['127.0.0.1/32', 'tscm host'],
      ['192.0.2.1/32', 'x'],
    );
    // The parts overlap here (compose makes them disjoint; the carve does not rely on it): one carve per part hit.
    const err = refusalOf(() => carveProtected(parts, guard));
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toBe(
      'protect: strict: the block list covers 2 protected addresses: 127.0.42.20/32 (management address) covered by ' +
        '127.0.42.0/24 from block.a @ 127.0.42.10:5353; 127.0.42.20/32 (management address) covered by 127.0.0.0/8 ' +
        'from list.txt; 127.0.0.1/32 (tscm host) covered by 127.0.0.0/8 from list.txt; ' +
        'refusing the plan (the device keeps its current groups)',
    );
    expect((err as ConfigError).hint).toMatch(/remove the covering entries .* protect: carve/);
  });
});

describe('assertNotCovered', () => {
  it('passes a block set clear of every protected address and throws InternalError naming one it covers', () => {
    const guard = lockout('carve', ['192.0.2.10/32', 'management address'], ['2001:db8::/48', 'protect']);
    expect(() => assertNotCovered(p('192.0.2.11', '2001:db9::/32'), guard)).not.toThrow();
    expect(() => assertNotCovered(p('192.0.2.0/30', '2001:db8:0:1::/64'), guard)).toThrow(InternalError);
    expect(() => assertNotCovered(p('2001:db8:0:1::/64'), guard)).toThrow(/2001:db8::\/48 \(protect\)/);
  });
});

// A reference over a small universe: 256 IPv4 addresses (10.0.0.0/24) and 256 IPv6 (2001:db8::/120), each set a
// bitset; the carve-out must equal bitwise "part and not protected", and report exactly the addresses each part hit.
const V6_BASE = '2001:db8::';
const prefixArb = fc
  .record({ v6: fc.boolean(), at: fc.integer({ min: 0, max: 255 }), len: fc.integer({ min: 0, max: 8 }) })
  .map(({ v6, at, len }) => {
    const start = at & ~((1 << (8 - len)) - 1) & 255;
    return v6 ? `${V6_BASE}${start.toString(16)}/${120 + len}` : `10.0.0.${start}/${24 + len}`;
  });

function bitsOf(prefix: string): Set<number> {
  const parsed = parsePrefix(prefix)!;
  const size = parsed.family === 'ipv4' ? 1 << (32 - parsed.len) : 2 ** (128 - parsed.len);
  const low = parsed.family === 'ipv4' ? parsed.addr & 255 : parsed.words[3] & 255;
  const base = parsed.family === 'ipv4' ? 0 : 256;
  const out = new Set<number>();
  for (let i = 0; i < size; i++) out.add(base + low + i);
  return out;
}
const bitsOfList = (list: PrefixList): Set<number> => new Set(formatPrefixes(list).flatMap((e) => [...bitsOf(e)]));
const meets = (a: Set<number>, b: Set<number>): boolean => [...a].some((x) => b.has(x));

describe('carveProtected against a bitset reference', () => {
  it('carves exactly the protected addresses and reports each hit with its covering entries', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(prefixArb, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 4 }),
        fc.array(prefixArb, { maxLength: 4 }),
        fc.constantFrom<'carve' | 'strict'>('carve', 'strict'),
        (partTexts, protectedTexts, mode) => {
          const parts = partTexts.map((texts, i) => ({ list: p(...texts), label: `source ${i + 1}` }));
          const addresses: ProtectedAddress[] = protectedTexts.map((t, i) => ({
            prefix: formatPrefixes(p(t))[0]!,
            why: `why ${i}`,
          }));
          const guard = { mode, addresses, unresolved: [] };
          const guardBits = new Set(addresses.flatMap((a) => [...bitsOf(a.prefix)]));
          const expected = parts.flatMap((part) =>
            addresses.flatMap((a) => {
              const covering = formatPrefixes(part.list).filter((e) => meets(bitsOf(e), bitsOf(a.prefix)));
              if (covering.length === 0) return [];
              const shown = covering.slice(0, 3).join(', ');
              const coveredBy = covering.length > 3 ? `${shown} and ${covering.length - 3} more` : shown;
              return [{ address: a.prefix, why: a.why, coveredBy, source: part.label }];
            }),
          );
          if (mode === 'strict' && expected.length > 0) {
            const err = refusalOf(() => carveProtected(parts, guard));
            expect(err).toBeInstanceOf(ConfigError);
            for (const c of expected.slice(0, 10)) {
              expect(err.message).toContain(`${c.address} (${c.why}) covered by ${c.coveredBy} from ${c.source}`);
            }
            return;
          }
          const out = carveProtected(parts, guard);
          expect(out.carved).toEqual(expected);
          for (const [i, part] of parts.entries()) {
            const want = [...bitsOfList(part.list)].filter((x) => !guardBits.has(x)).sort((a, b) => a - b);
            expect([...bitsOfList(out.parts[i]!)].sort((a, b) => a - b)).toEqual(want);
            expect(formatPrefixes(aggregate(out.parts[i]!))).toEqual(formatPrefixes(out.parts[i]!));
          }
          const all = out.parts.reduce((a, b) => union(a, b));
          expect(() => assertNotCovered(all, guard)).not.toThrow();
          const before = parts.map((x) => x.list).reduce((a, b) => union(a, b));
          if (meets(bitsOfList(before), guardBits))
            expect(() => assertNotCovered(before, guard)).toThrow(InternalError);
          else expect(() => assertNotCovered(before, guard)).not.toThrow();
        },
      ),
      { numRuns: 120, seed: 12 },
    );
  });
});

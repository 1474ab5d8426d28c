// Property tests of the IPv4 fast paths (the WebAssembly kernel's scan, with its covered-space filter when
// aggregating; parseCidrText { aggregate }; sort.ts; the kernel's sort and aggregate) against a line-by-line
// reference built from the string parsers (parsePrefix, parseIpv4Address) and the list operations
// (PrefixListBuilder, aggregate), for every shape feature: CRLF, comments, blank lines, a BOM, bare and /32 hosts,
// host bits, duplicates, sorted input, errors and ranges.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PrefixListBuilder } from './builder.js';
import { formatIpv4Address } from './format.js';
import { parseIpv4Address, parsePrefix } from './parse-prefix.js';
import { parseCidrText } from './parse-text.js';
import { splitRangeV4 } from './range.js';
import { aggregate } from './set-ops.js';
import { sortV4, sortV4ByAddress } from './sort.js';
import type { PrefixList } from './types.js';
import { V4Kernel } from './v4-kernel.js';
import { validatePrefixList } from './validate.js';
import { writePrefixes } from './write.js';

/** The reference: each line split, comment cut, trimmed and parsed by the string parsers. */
function reference(text: string): { list: PrefixList; errorLines: number[]; hostBits: number } {
  const builder = new PrefixListBuilder();
  const errorLines: number[] = [];
  let hostBits = 0;
  const body = text.startsWith('\ufeff') ? text.slice(1) : text;
  const lines = body.split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((line, i) => {
    const entry = line.split('#')[0]!.trim();
    if (entry === '') return;
    if (entry.includes('-')) {
      const [from, to] = entry.split('-').map((s) => s.trim());
      const a = parseIpv4Address(from!);
      const b = parseIpv4Address(to!);
      if (entry.split('-').length === 2 && a >= 0 && b >= 0 && a <= b) splitRangeV4(a, b, builder);
      else errorLines.push(i + 1);
      return;
    }
    const p = parsePrefix(entry);
    if (p === null) return void errorLines.push(i + 1);
    if (p.family === 'ipv4') builder.addV4(p.addr, p.len);
    else builder.addV6(p.words[0], p.words[1], p.words[2], p.words[3], p.len);
    if (p.hostBits) hostBits++;
  });
  return { list: builder.build(), errorLines, hostBits };
}

// Addresses from a few small neighbourhoods (overlaps, adjacency, duplicates) and the edges of the space.
const address = fc.oneof(
  fc.integer({ min: 0x0a000000, max: 0x0a0003ff }),
  fc.integer({ min: 0xc0a80000, max: 0xc0a800ff }),
  fc.constantFrom(0, 1, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff),
  fc.integer({ min: 0, max: 0xffffffff }),
);
const length = fc.oneof(fc.constant(32), fc.integer({ min: 0, max: 32 }), fc.integer({ min: 22, max: 31 }));
const blanks = fc.constantFrom('', '', ' ', '\t', '  \t');

const validEntry = fc.tuple(address, length, fc.boolean(), fc.boolean()).map(([a, len, hostBits, slash32]) => {
  const masked = len === 0 ? 0 : (a & ((0xffffffff << (32 - len)) >>> 0)) >>> 0;
  const text = formatIpv4Address(hostBits ? a : masked);
  return len === 32 && !slash32 ? text : `${text}/${len}`;
});
const oddEntry = fc.constantFrom(
  '010.1.1.1', // leading zero: refused
  '10.0.0.0/08',
  '10.0.0.0/33',
  '256.1.1.1',
  '1.2.3',
  '1.2.3.4.5',
  '1.2.3.4/',
  '1.2.3.4 5',
  '1.2.3.4/24x',
  '10.0.0.1-10.0.0.6',
  '10.0.0.9 - 10.0.0.2',
  '2001:db8::/32',
  '::ffff:10.0.0.1',
  'hello',
  '0.0.0.0/0',
);
const line = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(blanks, validEntry, blanks).map(([a, e, b]) => `${a}${e}${b}`) },
  { weight: 1, arbitrary: fc.tuple(validEntry, fc.string()).map(([e, c]) => `${e} #${c.replace(/[\r\n]/g, '')}`) },
  { weight: 1, arbitrary: fc.string().map((c) => `# ${c.replace(/[\r\n]/g, '')}`) },
  { weight: 1, arbitrary: blanks },
  { weight: 1, arbitrary: oddEntry },
);
const file = fc
  .record({
    lines: fc.array(line, { maxLength: 60 }),
    crlf: fc.boolean(),
    bom: fc.boolean(),
    finalNewline: fc.boolean(),
  })
  .map(({ lines, crlf, bom, finalNewline }) => {
    const eol = crlf ? '\r\n' : '\n';
    return (bom ? '\ufeff' : '') + lines.join(eol) + (finalNewline && lines.length > 0 ? eol : '');
  });

const bytes = (list: PrefixList) => writePrefixes(list).toString('latin1');

function checkAgainstReference(text: string): void {
  const ref = reference(text);
  for (const aggregated of [false, true]) {
    const r = parseCidrText(text, 't.txt', { aggregate: aggregated });
    expect(r.errors.map((e) => e.line)).toEqual(ref.errorLines);
    expect(r.hostBitsCount).toBe(ref.hostBits);
    expect(validatePrefixList(r.list)).toBeNull();
    expect(bytes(r.list)).toBe(bytes(aggregated ? aggregate(ref.list) : ref.list));
  }
}

describe('parseCidrText fast paths against the line-by-line reference', () => {
  it('any mix of entries, comments, blanks, CRLF, a BOM and bad lines', () => {
    fc.assert(fc.property(file, checkAgainstReference), { numRuns: 300 });
  });

  it('sorted input and input full of duplicates', () => {
    const entries = fc.array(validEntry, { minLength: 1, maxLength: 80 });
    fc.assert(
      fc.property(entries, fc.boolean(), (list, dup) => {
        const sorted = [...list].sort(
          (a, b) => parseIpv4Address(a.split('/')[0]!) - parseIpv4Address(b.split('/')[0]!),
        );
        const lines = dup ? [...sorted, ...sorted, ...list] : sorted;
        checkAgainstReference(lines.join('\n') + '\n');
      }),
      { numRuns: 200 },
    );
  });

  it('a large file: blank lines, /24s, shuffled and sorted, LF and CRLF', () => {
    const lines: string[] = [];
    let x = 12345;
    for (let i = 0; i < 30_000; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      lines.push(i % 3 === 0 ? '' : i % 7 === 0 ? `${formatIpv4Address(x & 0xffffff00)}/24` : formatIpv4Address(x));
    }
    checkAgainstReference(lines.join('\n'));
    checkAgainstReference([...lines].sort().join('\r\n'));
  });
});

describe('sorts and the kernel aggregate against simple references', () => {
  const raw = fc.array(fc.tuple(address, length), { maxLength: 200 }).map((entries) => {
    const addr = new Uint32Array(entries.length);
    const len = new Uint8Array(entries.length);
    entries.forEach(([a, l], i) => {
      addr[i] = l === 0 ? 0 : (a & ((0xffffffff << (32 - l)) >>> 0)) >>> 0;
      len[i] = l;
    });
    return { addr, len };
  });

  it('sortV4ByAddress is a stable sort by address (random, sorted, nearly sorted); sortV4 by address then length', () => {
    fc.assert(
      // 'nearly': sorted, then about 1/16 of the entries moved down (as host bits masked off a sorted file do),
      // or a few more than that (the radix path again); equal addresses with different lengths test stability.
      fc.property(
        raw,
        fc.constantFrom('random', 'sorted', 'nearly'),
        fc.array(fc.nat()),
        ({ addr, len }, order, moves) => {
          const pairs = Array.from(addr, (a, i) => [a, len[i]!] as const);
          if (order !== 'random') {
            pairs.sort((p, q) => p[0] - q[0]);
            if (order === 'nearly') {
              for (const m of moves.slice(0, 2 + (pairs.length >>> 4))) {
                if (pairs.length === 0) break;
                const at = m % pairs.length;
                // Down to an earlier entry's address (equal addresses, other lengths: stability), or below it.
                const to = pairs[(m >>> 3) % (at + 1)]![0];
                pairs[at] = [m % 2 === 0 ? to : to >>> 1, pairs[at]![1]];
              }
            }
            pairs.forEach(([a, l], i) => ((addr[i] = a), (len[i] = l)));
          }
          const stable = [...pairs].sort((p, q) => p[0] - q[0]);
          const a1 = addr.slice();
          const l1 = len.slice();
          sortV4ByAddress(a1, l1, a1.length);
          expect(Array.from(a1, (a, i) => [a, l1[i]])).toEqual(stable);
          const full = [...pairs].sort((p, q) => p[0] - q[0] || p[1] - q[1]);
          sortV4(addr, len, addr.length);
          expect(Array.from(addr, (a, i) => [a, len[i]])).toEqual(full);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('sortV4ByAddress on a nearly sorted list (the aside-and-merge path) keeps equal addresses in input order', () => {
    // 64 entries in order, four moved down (at most 64/16 = 4 take this path): two onto earlier entries' addresses
    // with other lengths, one between entries, one to 0.
    const addr = Uint32Array.from({ length: 64 }, (_, i) => 16 * (i + 1));
    const len = new Uint8Array(64).fill(28);
    const moved: [number, number, number][] = [
      [20, 48, 30],
      [30, 48, 29],
      [40, 100, 32],
      [63, 0, 32],
    ];
    for (const [at, a, l] of moved) {
      addr[at] = a;
      len[at] = l;
    }
    const expected = Array.from(addr, (a, i) => [a, len[i]!]).sort((p, q) => p[0]! - q[0]!);
    sortV4ByAddress(addr, len, 64);
    expect(Array.from(addr, (a, i) => [a, len[i]!])).toEqual(expected);
    expect(expected.filter(([a]) => a === 48)).toEqual([
      [48, 28],
      [48, 30],
      [48, 29],
    ]);
  });

  it("the WebAssembly kernel's sort and aggregate equal aggregate of the built list", () => {
    fc.assert(
      fc.property(raw, ({ addr, len }) => {
        const builder = new PrefixListBuilder();
        addr.forEach((a, i) => builder.addV4(a, len[i]!));
        const expected = aggregate(builder.build());
        const k = new V4Kernel({ entries: addr.length, sort: true });
        k.addr.set(addr);
        k.len.set(len);
        const m = k.aggregate(addr.length);
        expect(Array.from(k.addr.subarray(0, m))).toEqual(Array.from(expected.v4.addr));
        expect(Array.from(k.len.subarray(0, m))).toEqual(Array.from(expected.v4.len));
      }),
      { numRuns: 300 },
    );
  });
});

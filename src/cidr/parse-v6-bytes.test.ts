// The byte-level IPv6 line parser against parsePrefix (the string path, the authority): on any line it either
// defers (-1) or adds exactly what parsePrefix reads, with the same host-bits flag; on well-formed lines it accepts.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatIpv6Address } from './format.js';
import { parsePrefix } from './parse-prefix.js';
import { parseCidrText } from './parse-text.js';
import { parseV6Line, parseV6Lines, V6_LINE } from './parse-v6-bytes.js';
import { prefixesFromStrings } from './strings.js';
import { exactEquals } from './exact-ops.js';

interface Added {
  words: number[];
  len: number;
}

/** Runs the byte parser on one line (from its first non-blank byte, as parse-text.ts calls it). */
function byteParse(line: string): { next: number; added: Added[]; hostBits: number; n: number } {
  const buf = Buffer.from(line, 'latin1');
  const added: Added[] = [];
  let i = 0;
  while (i < buf.length && (buf[i] === 32 || buf[i] === 9 || buf[i] === 13)) i++;
  const next = parseV6Line(buf, i, buf.length, {
    addV4: () => {
      throw new Error('IPv4 from the IPv6 parser');
    },
    addV6: (w0, w1, w2, w3, len) => added.push({ words: [w0, w1, w2, w3], len }),
  });
  return { next, added, hostBits: V6_LINE[0]!, n: buf.length };
}

/** What the string path makes of the line: the entry before `#`, trimmed. */
const entryOf = (line: string): string => line.split('\n')[0]!.split('#')[0]!.trim();

function checkAgainstParsePrefix(line: string, mustAccept: boolean): void {
  const got = byteParse(line);
  const entry = entryOf(line);
  const ref = entry.includes('-') ? null : parsePrefix(entry);
  if (got.next === -1) {
    expect(got.added).toEqual([]);
    if (mustAccept) expect(ref === null || ref.family !== 'ipv6').toBe(true);
    return;
  }
  expect(ref).not.toBeNull();
  if (ref === null || ref.family !== 'ipv6') throw new Error(`accepted ${JSON.stringify(line)}`);
  expect(got.added).toEqual([{ words: ref.words, len: ref.len }]);
  expect(got.hostBits).toBe(ref.hostBits ? 1 : 0);
  const nl = line.indexOf('\n');
  expect(got.next).toBe(nl === -1 ? got.n : nl + 1);
}

const group = fc.oneof(fc.constantFrom(0, 1, 0xffff, 0xdb8, 0x2001), fc.integer({ min: 0, max: 0xffff }));
const groups = fc.array(group, { minLength: 8, maxLength: 8 });
const hex = (g: number): string => g.toString(16);

/** Every spelling of an address parsePrefix accepts: RFC 5952, upper case, leading zeros, full, `::` anywhere. */
const addressText = fc.tuple(groups, fc.nat(), fc.nat()).map(([g, pick, at]) => {
  const w = [0, 2, 4, 6].map((k) => (g[k]! * 65536 + g[k + 1]!) >>> 0) as [number, number, number, number];
  switch (pick % 6) {
    case 0:
      return formatIpv6Address(...w);
    case 1:
      return formatIpv6Address(...w).toUpperCase();
    case 2:
      return g.map((x) => x.toString(16).padStart(4, '0')).join(':');
    case 3: {
      // `::` over a run of zero groups (forced), anywhere
      const s = at % 8;
      const e = s + 1 + ((at >> 3) % (8 - s));
      const gg = g.map((x, k) => (k >= s && k < e ? 0 : x));
      return `${gg.slice(0, s).map(hex).join(':')}::${gg.slice(e).map(hex).join(':')}`;
    }
    case 4:
      return `${g.slice(0, 6).map(hex).join(':')}:${g[6]! >> 8}.${g[6]! & 255}.${g[7]! >> 8}.${g[7]! & 255}`;
    default:
      return `::ffff:${g[6]! >> 8}.${g[6]! & 255}.${g[7]! >> 8}.${g[7]! & 255}`;
  }
});
const suffix = fc.oneof(
  fc.constant(''),
  fc.integer({ min: 0, max: 128 }).map((l) => `/${l}`),
  fc.constantFrom('/129', '/01', '/1234', '/', '/-1', '/ 64', '%eth0', '/64/64'),
);
const tail = fc.constantFrom(
  '',
  ' ',
  '\t',
  '\r',
  ' # comment',
  '#x',
  '  \t# c\r',
  '\n2001:db8::1\n',
  ' junk',
  '\u00a0',
);
const line = fc.tuple(fc.constantFrom('', ' ', '\t '), addressText, suffix, tail).map((p) => p.join(''));

// Adversarial: the same lines with characters replaced, inserted or deleted from the text's own alphabet.
const alphabet = fc.constantFrom(...':.0123456789abcdefABCDEFg/%-# \t\r'.split(''));
const mutated = fc
  .tuple(line, fc.array(fc.tuple(fc.nat(), alphabet, fc.integer({ min: 0, max: 2 })), { maxLength: 4 }))
  .map(([text, edits]) => {
    let s = text;
    for (const [at, c, kind] of edits) {
      const k = s.length === 0 ? 0 : at % s.length;
      s =
        kind === 0
          ? s.slice(0, k) + c + s.slice(k + 1)
          : kind === 1
            ? s.slice(0, k) + c + s.slice(k)
            : s.slice(0, k) + s.slice(k + 1);
    }
    return s;
  });

describe('parseV6Line', () => {
  it('reads every well-formed spelling exactly as parsePrefix does, and accepts it', () => {
    fc.assert(
      fc.property(line, (text) => checkAgainstParsePrefix(text, !/junk|\u00a0/.test(text))),
      { numRuns: 2000 },
    );
  });

  it('never accepts what parsePrefix refuses (mutated and random text)', () => {
    fc.assert(
      fc.property(mutated, (text) => checkAgainstParsePrefix(text, false)),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: alphabet, maxLength: 50 }), (text) => checkAgainstParsePrefix(text, false)),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['::', [0, 0, 0, 0], 128],
    ['::/0', [0, 0, 0, 0], 0],
    ['1::', [0x10000, 0, 0, 0], 128],
    ['::1.2.3.4', [0, 0, 0, 0x01020304], 128],
    ['1:2:3:4:5:6:7::', [0x10002, 0x30004, 0x50006, 0x70000], 128],
    ['FFFF:ffff:FFFF:ffff:FFFF:ffff:255.255.255.255/128', [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], 128],
  ])('%s', (text, words, len) => {
    expect(byteParse(text).added).toEqual([{ words, len }]);
  });

  it.each([
    '1:2:3:4:5:6:7:8::',
    '1:2:3:4:5:6:7::8',
    ':1::',
    '1::2::3',
    '12345::',
    '::01.2.3.4',
    '1:2:3:4:5:6:7:1.2.3.4',
    '::/129',
    '::/01',
    'fe80::1%eth0',
    '1.2.3.4::',
  ])('defers %s', (text) => {
    expect(byteParse(text).next).toBe(-1);
  });
});

describe('parseCidrText with IPv6 lines', () => {
  it('gives the same list, errors and host-bit count as the string path line by line', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(line, mutated), { maxLength: 30 }), (lines) => {
        // Ranges (`a-b`) take the string path both ways; left out so every line has one parsePrefix reading.
        const text = lines.filter((l) => !l.includes('-')).join('\n');
        const got = parseCidrText(text, 'f');
        const good: string[] = [];
        let errors = 0;
        let hostBits = 0;
        for (const l of text.split('\n')) {
          const e = entryOf(l);
          if (e === '') continue;
          const p = parsePrefix(e);
          if (p === null) errors++;
          else {
            good.push(e);
            if (p.hostBits) hostBits++;
          }
        }
        expect(got.errors.length).toBe(errors);
        expect(got.hostBitsCount).toBe(hostBits);
        expect(exactEquals(got.list, prefixesFromStrings(good))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('parseV6Lines (a run of lines in one call)', () => {
  it('takes consecutive IPv6 lines, counts lines and host bits, and stops at the first line it does not take', () => {
    const text = '2001:db8::1\n  2001:db8::/32 # c\n2001:db8::1/64\r\n10.0.0.1\n2001:db8::2\n';
    const buf = Buffer.from(text, 'latin1');
    const added: number[] = [];
    const next = parseV6Lines(buf, 0, buf.length, {
      addV4: () => {},
      addV6: (_w0, _w1, _w2, _w3, len) => added.push(len),
    });
    expect(next).toBe(text.indexOf('10.0.0.1'));
    expect(added).toEqual([128, 32, 64]);
    expect([V6_LINE[0], V6_LINE[1]]).toEqual([1, 3]);
    expect(parseV6Lines(buf, next, buf.length, { addV4: () => {}, addV6: () => {} })).toBe(-1);
  });

  it('takes every line of a run whatever the digits of the lines before it (each line read afresh)', () => {
    const lens = [128, 64, 7, 48, 0, 100, 9, 128, 32, 1, 127];
    const text = lens.map((len) => (len === 128 ? '2001:db8::1\n' : `2001:db8::/${len}\n`)).join('');
    const buf = Buffer.from(text, 'latin1');
    const added: number[] = [];
    const next = parseV6Lines(buf, 0, buf.length, {
      addV4: () => {},
      addV6: (_w0, _w1, _w2, _w3, len) => added.push(len),
    });
    expect(next).toBe(buf.length);
    expect(added).toEqual(lens);
    expect(V6_LINE[1]).toBe(lens.length);
  });

  it('keeps parseCidrText line numbers exact around runs of IPv6 lines', () => {
    const lines = [
      '2001:db8::1',
      '2001:db8::2',
      'bad',
      '',
      '# c',
      '10.0.0.0/8',
      '2001:db8::3',
      '2001:db8::4',
      '::/129',
      '2001:db8::5',
      '1.2.3.4/33',
    ];
    const got = parseCidrText(lines.join('\n'), 'f');
    expect(got.errors.map((e) => e.line)).toEqual([3, 9, 11]);
    expect(got.list.v6.len.length).toBe(5);
    expect(got.list.v4.len.length).toBe(1);
  });
});

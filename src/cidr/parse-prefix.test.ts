import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatIpv6Address, formatPrefix } from './format.js';
import { describePrefixError, parseIpv4Address, parseIpv6Address, parsePrefix } from './parse-prefix.js';

describe('parsePrefix IPv4', () => {
  it('parses addresses and prefixes', () => {
    expect(parsePrefix('192.0.2.1')).toEqual({ family: 'ipv4', addr: 0xc0000201, len: 32, hostBits: false });
    expect(parsePrefix('10.0.0.0/8')).toEqual({ family: 'ipv4', addr: 0x0a000000, len: 8, hostBits: false });
    expect(parsePrefix('0.0.0.0/0')).toEqual({ family: 'ipv4', addr: 0, len: 0, hostBits: false });
    expect(parsePrefix('255.255.255.255')).toEqual({ family: 'ipv4', addr: 0xffffffff, len: 32, hostBits: false });
    expect(parsePrefix('255.255.255.255/32')?.len).toBe(32);
  });

  it('flags host bits beyond the prefix length', () => {
    expect(parsePrefix('10.0.0.1/8')).toEqual({ family: 'ipv4', addr: 0x0a000001, len: 8, hostBits: true });
    expect(parsePrefix('255.255.255.255/0')?.hostBits).toBe(true);
    expect(parsePrefix('10.0.0.0/7')?.hostBits).toBe(false);
    expect(parsePrefix('11.0.0.0/7')?.hostBits).toBe(true);
  });

  it.each([
    '',
    '1.2.3',
    '1.2.3.4.5',
    '1.2.3.256',
    '010.1.1.1',
    '1.2.3.00',
    '1.2.3.4/33',
    '1.2.3.4/',
    '1.2.3.4/08',
    '1.2.3.4/-1',
    '1.2.3.4/+8',
    ' 1.2.3.4',
    '1.2.3.4 ',
    '1..3.4',
    '.1.2.3',
    '1.2.3.4/8/8',
    'a.b.c.d',
    '1.2.3.4x',
    '１.2.3.4',
  ])('rejects %j', (text) => {
    expect(parsePrefix(text)).toBeNull();
    expect(describePrefixError(text)).toMatch(/./);
  });

  it('explains leading zeros and bad lengths', () => {
    expect(describePrefixError('010.1.1.1')).toMatch(/leading zero/);
    expect(describePrefixError('10.1.1.1/33')).toMatch(/prefix length/);
    expect(describePrefixError('::1/129')).toMatch(/0\.\.128/);
    expect(describePrefixError('1:2')).toMatch(/IPv6/);
  });

  it('round-trips every address through its text', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 }), (addr, len) => {
        const text = formatPrefix({ family: 'ipv4', addr, len });
        const p = parsePrefix(text);
        expect(p).toEqual({ family: 'ipv4', addr, len, hostBits: len < 32 && addr % 2 ** (32 - len) !== 0 });
        expect(parseIpv4Address(text.split('/')[0]!)).toBe(addr);
      }),
    );
  });
});

describe('parsePrefix IPv6', () => {
  it.each([
    ['::', [0, 0, 0, 0]],
    ['::1', [0, 0, 0, 1]],
    ['1::', [0x00010000, 0, 0, 0]],
    ['2001:db8::1', [0x20010db8, 0, 0, 1]],
    ['2001:DB8:0:0:8:800:200C:417A', [0x20010db8, 0, 0x00080800, 0x200c417a]],
    ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff]],
    ['::ffff:192.0.2.1', [0, 0, 0xffff, 0xc0000201]],
    ['::192.0.2.1', [0, 0, 0, 0xc0000201]],
    ['64:ff9b::192.0.2.1', [0x0064ff9b, 0, 0, 0xc0000201]],
    ['1:2:3:4:5:6:7::', [0x00010002, 0x00030004, 0x00050006, 0x00070000]],
    ['::2:3:4:5:6:7:8', [0x00000002, 0x00030004, 0x00050006, 0x00070008]],
    ['1:2:3:4:5:6:1.2.3.4', [0x00010002, 0x00030004, 0x00050006, 0x01020304]],
  ])('parses %s', (text, words) => {
    expect(parseIpv6Address(text)).toEqual(words);
  });

  it.each([
    ':',
    ':::',
    '1:::2',
    '1::2::3',
    ':1::2',
    '1::2:',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8::',
    '12345::',
    'g::',
    '::1.2.3',
    '1.2.3.4::',
    '::1.2.3.4:5',
    'fe80::1%eth0',
    '::010.1.1.1',
    '1:2:3:4:5:6:7:1.2.3.4',
  ])('rejects %s', (text) => {
    expect(parseIpv6Address(text)).toBeNull();
    expect(parsePrefix(text)).toBeNull();
  });

  it('parses lengths and flags host bits', () => {
    expect(parsePrefix('::/0')).toEqual({ family: 'ipv6', words: [0, 0, 0, 0], len: 0, hostBits: false });
    expect(parsePrefix('::1/128')).toEqual({ family: 'ipv6', words: [0, 0, 0, 1], len: 128, hostBits: false });
    expect(parsePrefix('2001:db8::1/64')?.hostBits).toBe(true);
    expect(parsePrefix('2001:db8::/32')?.hostBits).toBe(false);
    expect(parsePrefix('2001:db8::/28')?.hostBits).toBe(true);
    expect(parsePrefix('::1/129')).toBeNull();
    expect(parsePrefix('::1/01')).toBeNull();
  });

  it('formats in RFC 5952 canonical text', () => {
    const f = (text: string): string => formatIpv6Address(...parseIpv6Address(text)!);
    expect(f('2001:0db8:0000:0000:0000:0000:0000:0001')).toBe('2001:db8::1');
    expect(f('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1'); // first of equal runs
    expect(f('2001:db8:0:1:0:0:0:1')).toBe('2001:db8:0:1::1'); // longest run wins
    expect(f('2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1'); // a single zero group is not compressed
    expect(f('::')).toBe('::');
    expect(f('::1')).toBe('::1');
    expect(f('1::')).toBe('1::');
    expect(f('ABCD::EF01')).toBe('abcd::ef01');
    expect(f('::ffff:c000:0201')).toBe('::ffff:192.0.2.1'); // IPv4-mapped in mixed notation
    expect(f('::c000:201')).toBe('::c000:201');
  });

  it('round-trips random addresses through canonical text', () => {
    const word = fc.oneof(fc.constant(0), fc.constant(0xffff), fc.integer({ min: 0, max: 0xffffffff }));
    fc.assert(
      fc.property(fc.tuple(word, word, word, word), fc.integer({ min: 0, max: 128 }), (w, len) => {
        const words = w.map((x) => x >>> 0) as [number, number, number, number];
        const text = formatPrefix({ family: 'ipv6', words, len });
        expect(text).toBe(text.toLowerCase());
        expect(text).not.toMatch(/(^|:)0[0-9a-f]/);
        expect(parsePrefix(text)).toMatchObject({ family: 'ipv6', words, len });
      }),
    );
  });
});

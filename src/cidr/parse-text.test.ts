import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { prefixCount } from './builder.js';
import { formatPrefixes } from './format.js';
import { parseIpv4Address, parsePrefix } from './parse-prefix.js';
import { CidrTextParser, isAddressShaped, parseCidrText } from './parse-text.js';
import { validatePrefixList } from './validate.js';

const texts = (input: string | Uint8Array): string[] => formatPrefixes(parseCidrText(input, 'test.txt').list);

describe('parseCidrText', () => {
  it('keeps every IPv4 entry of a file of several batches, whatever size it said it had', () => {
    // 150,000 distinct hosts (over two 65,536-entry batches) in reverse order, among IPv6 lines; then the same
    // text parsed in one piece with a size hint far too small (the arrays grow past their first size).
    const lines: string[] = [];
    for (let i = 150_000; i > 0; i--) {
      lines.push(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
      if (i % 1000 === 0) lines.push(`2001:db8::${(i / 1000).toString(16)}`);
    }
    const text = Buffer.from(lines.join('\n'));
    const small = new CidrTextParser('small-hint.txt', 100);
    for (let off = 0; off < text.length;) {
      const space = small.space();
      const m = Math.min(space.length, text.length - off);
      space.set(text.subarray(off, off + m));
      small.took(m);
      off += m;
    }
    for (const r of [parseCidrText(text, 'list.txt'), small.finish()]) {
      expect(r.errors).toEqual([]);
      expect(r.list.v4.len.length).toBe(150_000);
      expect(r.list.v6.len.length).toBe(150);
      expect(validatePrefixList(r.list)).toBeNull();
      for (let i = 0; i < 150_000; i++) if (r.list.v4.addr[i] !== 0x0a000000 + i + 1) expect(i).toBe(-1);
    }
  });

  it('reads entries, comments, blank lines and CRLF', () => {
    const input = [
      '# whole-line comment',
      '',
      '10.0.0.0/8',
      '192.0.2.1   # trailing comment',
      '  198.51.100.0/24\t',
      '203.0.113.7\r',
      '   ',
      '\t# indented comment',
      '2001:db8::/32 # v6',
      '::1',
      '::ffff:192.0.2.9',
      '0.0.0.0/0',
      '255.255.255.255',
    ].join('\n');
    const r = parseCidrText(input, 'test.txt');
    expect(r.errors).toEqual([]);
    expect(validatePrefixList(r.list)).toBeNull();
    expect(formatPrefixes(r.list)).toEqual([
      '0.0.0.0/0',
      '10.0.0.0/8',
      '192.0.2.1/32',
      '198.51.100.0/24',
      '203.0.113.7/32',
      '255.255.255.255/32',
      '::1/128',
      '::ffff:192.0.2.9/128',
      '2001:db8::/32',
    ]);
  });

  it('accepts bytes, a UTF-8 BOM, no final newline and CRLF-only files', () => {
    expect(texts(Buffer.from('\ufeff10.0.0.1\r\n10.0.0.2', 'utf8'))).toEqual(['10.0.0.1/32', '10.0.0.2/32']);
    expect(texts(new Uint8Array(Buffer.from('1.2.3.4\n')))).toEqual(['1.2.3.4/32']);
    expect(texts('')).toEqual([]);
    expect(texts('\n\n# only comments\n')).toEqual([]);
  });

  it('converts ranges to prefixes (IPv4 fast path, spaces, IPv6)', () => {
    expect(texts('192.0.2.0-192.0.2.255')).toEqual(['192.0.2.0/24']);
    expect(texts('10.0.0.1 - 10.0.0.6 # six hosts')).toEqual([
      '10.0.0.1/32',
      '10.0.0.2/31',
      '10.0.0.4/31',
      '10.0.0.6/32',
    ]);
    expect(texts('0.0.0.0-255.255.255.255')).toEqual(['0.0.0.0/0']);
    expect(texts('255.255.255.255-255.255.255.255')).toEqual(['255.255.255.255/32']);
    expect(texts('2001:db8::-2001:db8::ffff')).toEqual(['2001:db8::/112']);
    expect(texts('::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')).toEqual(['::/0']);
  });

  it('normalises host bits and counts them so callers can warn', () => {
    const r = parseCidrText('10.0.0.1/8\n10.1.0.0/16\n2001:db8::1/32\n', 's');
    expect(formatPrefixes(r.list)).toEqual(['10.0.0.0/8', '10.1.0.0/16', '2001:db8::/32']);
    expect(r.hostBitsCount).toBe(2);
  });

  it('reports every bad line with source, line number and reason (the entry only if address-shaped)', () => {
    const input = [
      '10.0.0.0/8',
      '010.1.1.1',
      '1.2.3.4/33',
      'example.com',
      '1.2.3.4 5.6.7.8',
      '10.0.0.9-10.0.0.1',
      '10.0.0.0/24-10.0.1.0',
      '1.2.3.4-::1',
      '::1-::g',
      '1::2::3 # comment',
      '1.2.3.4-1.2.3',
      '192.0.2.1',
    ].join('\r\n');
    const r = parseCidrText(input, 'feeds/bad.txt');
    expect(formatPrefixes(r.list)).toEqual(['10.0.0.0/8', '192.0.2.1/32']);
    expect(r.errors.map((e) => [e.line, e.token])).toEqual([
      [2, '010.1.1.1'],
      [3, '1.2.3.4/33'],
      [4, undefined],
      [5, undefined],
      [6, '10.0.0.9-10.0.0.1'],
      [7, '10.0.0.0/24-10.0.1.0'],
      [8, '1.2.3.4-::1'],
      [9, undefined],
      [10, '1::2::3'],
      [11, undefined],
    ]);
    for (const e of r.errors) {
      expect(e.source).toBe('feeds/bad.txt');
      expect(e.reason.length).toBeGreaterThan(5);
    }
    expect(r.errors[0]!.reason).toMatch(/leading zero/);
    expect(r.errors[4]!.reason).toMatch(/after its end/);
    expect(r.errors[6]!.reason).toMatch(/mixes IPv4 and IPv6/);
  });

  it('never quotes what is not address-shaped, in the token or the reason', () => {
    const lines = [
      'hunter2',
      'PATH=/usr/bin:/bin',
      'x'.repeat(10_000),
      'deadbeefcafe:1:2',
      '1.2.3.4-hunter2',
      '::1-::zz',
    ];
    const r = parseCidrText(lines.join('\n'), 's');
    expect(r.errors.map((e) => e.line)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const e of r.errors) {
      expect(e.token).toBeUndefined();
      for (const secret of ['hunter2', 'PATH', 'xxx', 'deadbeef', 'zz']) expect(e.reason).not.toContain(secret);
    }
  });

  it('address-shaped: IPv4 and IPv6 forms, valid or not, and ranges of them', () => {
    for (const t of ['1.2.3.4', '300.1.2.3/40', '::1', '2001:db8::/32', '::ffff:1.2.3.4', 'fe80::1-fe80::9'])
      expect(isAddressShaped(t), t).toBe(true);
    for (const t of ['hunter2', '1.2.3', 'example.com', 'deadbeef', 'a:b', '12345::1', '1.2.3.4 5.6.7.8', ''])
      expect(isAddressShaped(t), t).toBe(false);
  });

  // The byte-level fast path must accept exactly what the string path (parsePrefix and ranges) accepts.
  it('fast path agrees with parsePrefix on arbitrary IPv4-like lines', () => {
    const chunk = fc.constantFrom(
      '0',
      '1',
      '9',
      '10',
      '01',
      '00',
      '255',
      '256',
      '999',
      '1000',
      '.',
      '/',
      '/0',
      '/32',
      '/33',
      '/08',
      '-',
      ' ',
      '\t',
      '\r',
      '#',
      'x',
      ':',
      '1.2.3.4',
      '255.255.255.255',
    );
    const line = fc.array(chunk, { maxLength: 12 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(line, (text) => {
        const r = parseCidrText(text, 's');
        const hash = text.indexOf('#');
        const entry = (hash === -1 ? text : text.slice(0, hash)).trim();
        const dash = entry.indexOf('-');
        if (entry === '') {
          expect(r.errors).toEqual([]);
          expect(prefixCount(r.list)).toBe(0);
        } else if (dash !== -1) {
          const from = entry.slice(0, dash).trim();
          const to = entry.slice(dash + 1).trim();
          const a = parseIpv4Address(from);
          const b = parseIpv4Address(to);
          const ok = !from.includes('/') && !to.includes('/') && a >= 0 && b >= 0 && a <= b;
          if (!from.includes(':') && !to.includes(':')) expect(r.errors.length).toBe(ok ? 0 : 1);
          if (ok) {
            // The prefixes tile exactly a..b.
            let next = a;
            for (let i = 0; i < r.list.v4.len.length; i++) {
              expect(r.list.v4.addr[i]).toBe(next);
              next += 2 ** (32 - r.list.v4.len[i]!);
            }
            expect(next).toBe(b + 1);
          }
        } else {
          const p = parsePrefix(entry);
          expect(r.errors.length).toBe(p === null ? 1 : 0);
          if (p !== null && p.family === 'ipv4') {
            expect(r.list.v4.len[0]).toBe(p.len);
            expect(r.list.v4.addr[0]).toBe(p.addr - (p.addr % 2 ** (32 - p.len)));
            expect(r.hostBitsCount).toBe(p.hostBits ? 1 : 0);
          }
        }
      }),
      { numRuns: 3000 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PrefixListBuilder } from './builder.js';
import { formatPrefix, formatPrefixes, prefixesToStrings } from './format.js';
import { prefixesFromStrings } from './strings.js';
import { writePrefixes } from './write.js';

const sample = prefixesFromStrings([
  '255.255.255.255/32',
  '0.0.0.0/0',
  '10.0.0.0/8',
  '192.0.2.1',
  '192.0.2.128/25',
  '::1',
  '::/0',
  '2001:db8::/32',
  '::ffff:192.0.2.1/128',
  '2001:db8:0:0:1:0:0:1/128',
]);

describe('formatting', () => {
  it('formats IPv4 first, then IPv6, in list order', () => {
    expect(formatPrefixes(sample)).toEqual([
      '0.0.0.0/0',
      '10.0.0.0/8',
      '192.0.2.1/32',
      '192.0.2.128/25',
      '255.255.255.255/32',
      '::/0',
      '::1/128',
      '::ffff:192.0.2.1/128',
      '2001:db8::/32',
      '2001:db8::1:0:0:1/128',
    ]);
    expect(prefixesToStrings(sample)).toEqual(formatPrefixes(sample));
  });

  it('prints hosts bare with bareHosts', () => {
    expect(formatPrefixes(sample, { bareHosts: true })).toEqual([
      '0.0.0.0/0',
      '10.0.0.0/8',
      '192.0.2.1',
      '192.0.2.128/25',
      '255.255.255.255',
      '::/0',
      '::1',
      '::ffff:192.0.2.1',
      '2001:db8::/32',
      '2001:db8::1:0:0:1',
    ]);
    expect(formatPrefix({ family: 'ipv4', addr: 0x01020304, len: 32 }, { bareHosts: true })).toBe('1.2.3.4');
    expect(formatPrefix({ family: 'ipv6', words: [0, 0, 0, 1], len: 128 })).toBe('::1/128');
  });

  it('writePrefixes writes the same lines as formatPrefixes, newline-terminated', () => {
    for (const bareHosts of [false, true]) {
      const expected = formatPrefixes(sample, { bareHosts }).join('\n') + '\n';
      expect(writePrefixes(sample, { bareHosts }).toString('latin1')).toBe(expected);
    }
    expect(writePrefixes(prefixesFromStrings([])).length).toBe(0);
  });

  it('writePrefixes matches formatPrefixes on random lists', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 })), {
          maxLength: 100,
        }),
        fc.boolean(),
        (entries, bareHosts) => {
          const b = new PrefixListBuilder();
          for (const [a, l] of entries) b.addV4(a, l);
          const list = b.build();
          const lines = formatPrefixes(list, { bareHosts });
          expect(writePrefixes(list, { bareHosts }).toString('latin1')).toBe(lines.map((l) => `${l}\n`).join(''));
        },
      ),
    );
  });

  it('round-trips through strings', () => {
    expect(formatPrefixes(prefixesFromStrings(prefixesToStrings(sample)))).toEqual(formatPrefixes(sample));
  });

  it('prefixesFromStrings rejects bad entries with a ConfigError naming the entry', () => {
    expect(() => prefixesFromStrings(['10.0.0.0/8', '10.0.0.0/33'])).toThrow(/index 1: "10\.0\.0\.0\/33"/);
    try {
      prefixesFromStrings(['nope']);
    } catch (err) {
      expect((err as Error).name).toBe('ConfigError');
    }
    expect.assertions(2);
  });
});

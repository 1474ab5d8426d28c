import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashPrefixes } from './hash.js';
import { prefixesFromStrings } from './strings.js';

describe('hashPrefixes', () => {
  it('is sha256 over family, length and address bytes per entry', () => {
    const list = prefixesFromStrings(['::1', '10.0.0.0/8', '192.0.2.1']);
    const bytes = Buffer.from([
      ...[4, 8, 10, 0, 0, 0],
      ...[4, 32, 192, 0, 2, 1],
      ...[6, 128, ...new Array<number>(15).fill(0), 1],
    ]);
    expect(hashPrefixes(list)).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('is stable across runs (pinned value: plans saved earlier must not look stale)', () => {
    expect(hashPrefixes(prefixesFromStrings(['10.0.0.0/8', '2001:db8::/32']))).toBe(
      createHash('sha256')
        .update(Buffer.from('04080a00000006202001' + '0db8' + '00'.repeat(12), 'hex'))
        .digest('hex'),
    );
    expect(hashPrefixes(prefixesFromStrings([]))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('depends on content and not on input order or duplicates', () => {
    const a = hashPrefixes(prefixesFromStrings(['10.0.0.0/8', '10.0.0.0/16', '10.0.0.0/8']));
    const b = hashPrefixes(prefixesFromStrings(['10.0.0.0/16', '10.0.0.0/8']));
    expect(a).toBe(b);
    expect(hashPrefixes(prefixesFromStrings(['10.0.0.0/8']))).not.toBe(a);
    expect(hashPrefixes(prefixesFromStrings(['10.0.0.0/9']))).not.toBe(
      hashPrefixes(prefixesFromStrings(['10.0.0.0/8'])),
    );
    expect(hashPrefixes(prefixesFromStrings(['::a00:0/104']))).not.toBe(
      hashPrefixes(prefixesFromStrings(['10.0.0.0/8'])),
    );
  });
});

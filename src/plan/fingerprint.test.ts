import { describe, expect, it } from 'vitest';
import { EMPTY_PREFIXES, prefixesFromStrings } from '../cidr/index.js';
import { fingerprintObserved } from './fingerprint.js';

const P = (...s: string[]) => prefixesFromStrings(s);

describe('fingerprintObserved', () => {
  const a = { name: 'A', exists: true, members: P('10.0.0.0/24', '2001:db8::/32') };
  const b = { name: 'B', exists: true, members: P('192.0.2.1/32') };

  it('is a sha256 independent of the order of groups', () => {
    expect(fingerprintObserved([a, b])).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprintObserved([b, a])).toBe(fingerprintObserved([a, b]));
  });

  it('changes when a member, a name or existence changes', () => {
    const base = fingerprintObserved([a, b]);
    expect(fingerprintObserved([a, { ...b, members: P('192.0.2.2/32') }])).not.toBe(base);
    expect(fingerprintObserved([a, { ...b, name: 'C' }])).not.toBe(base);
    const empty = { name: 'B', exists: true, members: EMPTY_PREFIXES };
    expect(fingerprintObserved([a, empty])).not.toBe(fingerprintObserved([a, { ...empty, exists: false }]));
  });
});

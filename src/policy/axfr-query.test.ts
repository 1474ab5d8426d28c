import dnsPacket from 'dns-packet';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { buildQuery } from './axfr.js';

const label = fc.stringMatching(/^[a-z0-9_-]{1,63}$/);
const zone = fc.array(label, { minLength: 0, maxLength: 4 }).map((ls) => ls.join('.'));

describe('buildQuery', () => {
  it('writes the same bytes as dns-packet for any zone, id and type', () => {
    fc.assert(
      fc.property(
        zone,
        fc.integer({ min: 0, max: 65535 }),
        fc.constantFrom('SOA', 'AXFR') as fc.Arbitrary<'SOA' | 'AXFR'>,
        (z, id, type) => {
          const reference = dnsPacket.streamEncode({
            type: 'query',
            id,
            flags: 0,
            questions: [{ type, name: z, class: 'IN' }],
          });
          expect(buildQuery(id, z, type).equals(reference)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses a name DNS cannot carry', () => {
    expect(() => buildQuery(1, `${'a'.repeat(64)}.rpz`, 'AXFR')).toThrow(ConfigError);
    expect(() => buildQuery(1, 'a..rpz', 'AXFR')).toThrow(/empty label/);
    expect(() => buildQuery(1, Array.from({ length: 5 }, () => 'b'.repeat(63)).join('.'), 'SOA')).toThrow(/255/);
  });
});

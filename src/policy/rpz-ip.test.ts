import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIpv4Address, formatIpv6Address } from '../cidr/index.js';
import { decodeRpzIpTrigger, encodeRpzIpOwner, makeTriggerOut } from './rpz-ip.js';
import { readName, WireName } from './wire-walk.js';

/** Wire form of a presentation name, read back into a WireName. */
function wireName(text: string): WireName {
  const parts = text.split('.').map((l) => Buffer.from(l, 'latin1'));
  const buf = Buffer.concat([...parts.flatMap((p) => [Buffer.from([p.length]), p]), Buffer.from([0])]);
  const name = new WireName();
  readName(buf, 0, buf.length, name);
  return name;
}

/** Decodes `<trigger>.rpz-ip.zone` to a CIDR string, or null. */
function decode(owner: string): string | null {
  const name = wireName(`${owner}.zone`);
  const out = makeTriggerOut();
  if (!decodeRpzIpTrigger(name, name.count - 2, out)) return null;
  const addr = out.v6 ? formatIpv6Address(out.w[0]!, out.w[1]!, out.w[2]!, out.w[3]!) : formatIpv4Address(out.w[0]!);
  return `${addr}/${out.len}`;
}

describe('rpz-ip triggers', () => {
  it('decodes the examples of the RPZ draft', () => {
    expect(decode('32.1.2.0.192.rpz-ip')).toBe('192.0.2.1/32');
    expect(decode('24.0.2.0.192.rpz-ip')).toBe('192.0.2.0/24');
    expect(decode('128.1.zz.db8.2001.rpz-ip')).toBe('2001:db8::1/128');
    expect(decode('128.1.0.0.0.0.0.db8.2001.rpz-ip')).toBe('2001:db8::1/128');
    expect(decode('48.zz.DB8.2001.rpz-ip')).toBe('2001:db8::/48');
    expect(decode('128.zz.rpz-ip')).toBe('::/128');
    expect(decode('128.1.zz.rpz-ip')).toBe('::1/128');
    expect(decode('16.zz.fe80.rpz-ip')).toBe('fe80::/16');
  });

  it.each([
    ['33.1.2.0.192.rpz-ip', 'IPv4 length over 32'],
    ['0.0.0.0.0.rpz-ip', 'length 0'],
    ['24.1.2.0.192.rpz-ip', 'host bits set'],
    ['032.1.2.0.192.rpz-ip', 'leading zero in the length'],
    ['32.01.2.0.192.rpz-ip', 'leading zero in an octet'],
    ['32.1.2.0.256.rpz-ip', 'octet over 255'],
    ['32.1.2.0.rpz-ip', 'three octets'],
    ['32.1.2.0.192.10.rpz-ip', 'five octets without zz'],
    ['64.zz.1.zz.rpz-ip', 'two zz'],
    ['129.1.zz.rpz-ip', 'IPv6 length over 128'],
    ['128.1.2.3.4.5.6.7.8.9.rpz-ip', 'nine groups'],
    ['128.1.2.3.4.5.6.7.zz.8.rpz-ip', 'zz with eight groups'],
    ['128.12345.zz.rpz-ip', 'group over 4 digits'],
    ['128.g.zz.rpz-ip', 'not hex'],
    ['32.rpz-ip', 'no address'],
  ])('refuses %s (%s)', (owner) => {
    expect(decode(owner)).toBeNull();
  });

  it('round-trips every IPv4 and IPv6 prefix through encode and decode', () => {
    const v4 = fc
      .tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 1, max: 32 }))
      .map(([a, len]) => `${formatIpv4Address(len === 32 ? a : (a & ~((1 << (32 - len)) - 1)) >>> 0)}/${len}`);
    const group = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff }));
    const v6 = fc
      .tuple(fc.array(group, { minLength: 8, maxLength: 8 }), fc.integer({ min: 1, max: 128 }))
      .map(([g, len]) => {
        const words = [0, 1, 2, 3].map((k) => ((g[2 * k]! << 16) | g[2 * k + 1]!) >>> 0);
        const masked = words.map((w, k) => {
          const bits = Math.min(32, Math.max(0, len - 32 * k));
          return bits === 32 ? w : bits === 0 ? 0 : (w & ~((1 << (32 - bits)) - 1)) >>> 0;
        });
        return `${formatIpv6Address(masked[0]!, masked[1]!, masked[2]!, masked[3]!)}/${len}`;
      });
    fc.assert(
      fc.property(fc.oneof(v4, v6), (cidr) => {
        expect(decode(encodeRpzIpOwner(cidr))).toBe(cidr);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses an IPv4 trigger with any host bit set, whatever the address (also from 128.0.0.0 on)', () => {
    const triggers = fc
      .tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 1, max: 31 }), fc.nat())
      .map(([a, len, pick]) => {
        const hostBit = 2 ** (pick % (32 - len));
        const addr = (a - (a % 2 ** (32 - len)) + hostBit) >>> 0;
        return `${len}.${addr & 255}.${(addr >>> 8) & 255}.${(addr >>> 16) & 255}.${addr >>> 24}.rpz-ip`;
      });
    fc.assert(
      fc.property(triggers, (owner) => {
        expect(decode(owner)).toBeNull();
      }),
      { numRuns: 2000 },
    );
  });

  it('encodes with zz for the longest zero run', () => {
    expect(encodeRpzIpOwner('192.0.2.1')).toBe('32.1.2.0.192.rpz-ip');
    expect(encodeRpzIpOwner('2001:db8::1')).toBe('128.1.zz.db8.2001.rpz-ip');
    expect(encodeRpzIpOwner('2001:0:0:1::/64')).toBe('64.zz.1.0.0.2001.rpz-ip');
    expect(() => encodeRpzIpOwner('192.0.2.1/24')).toThrow();
  });
});

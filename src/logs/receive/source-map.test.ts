import { describe, expect, it } from 'vitest';
import type { DeviceSpec } from '../../config/types.js';
import { ConfigError } from '../../errors.js';
import { buildSourceMap, deviceSyslogAddresses, normaliseAddress } from './source-map.js';

function spec(host: string, peers: string[] = [], sources: string[] = []): DeviceSpec {
  // Only the fields deviceSyslogAddresses reads.
  return {
    name: 'edge-1',
    source: { file: 'devices/edge-1.yaml', line: 1 },
    management: { host, port: 22 },
    peers: peers.map((p) => ({ host: p, port: 22 })),
    logs: { upload: false, rotateKb: 100, sources },
  } as unknown as DeviceSpec;
}

describe('normaliseAddress', () => {
  it.each([
    ['::ffff:192.0.2.7', '192.0.2.7'],
    ['::FFFF:c000:0207', '192.0.2.7'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['fe80::1%eth0', 'fe80::1'],
    [' 192.0.2.1 ', '192.0.2.1'],
    ['::1', '::1'],
    ['not-an-address', 'not-an-address'],
  ])('%s -> %s', (input, out) => {
    expect(normaliseAddress(input)).toBe(out);
  });
});

describe('buildSourceMap', () => {
  it('maps every address of every device, whatever its spelling', () => {
    const map = buildSourceMap([
      { name: 'a', addresses: ['192.0.2.1', '2001:db8::1'] },
      { name: 'b', addresses: ['192.0.2.2', '192.0.2.2'] },
    ]);
    expect(map.size).toBe(3);
    expect(map.lookup('::ffff:192.0.2.1')).toBe('a');
    expect(map.lookup('2001:DB8:0::1')).toBe('a');
    expect(map.lookup('192.0.2.2')).toBe('b');
    expect(map.lookup('192.0.2.3')).toBeUndefined();
  });

  it('refuses an address claimed by two devices, naming both', () => {
    const build = () =>
      buildSourceMap([
        { name: 'a', addresses: ['192.0.2.1'] },
        { name: 'b', addresses: ['::ffff:192.0.2.1'] },
      ]);
    expect(build).toThrow(ConfigError);
    expect(build).toThrow('syslog source 192.0.2.1 belongs to two devices, a and b: its messages cannot be filed');
  });
});

describe('deviceSyslogAddresses', () => {
  it('takes management, peers and logs.sources, resolving hostnames with the system resolver', async () => {
    const got = await deviceSyslogAddresses(spec('localhost', ['192.0.2.9'], ['198.51.100.4', '::ffff:192.0.2.9']));
    expect(got).toContain('192.0.2.9');
    expect(got).toContain('198.51.100.4');
    // localhost from /etc/hosts: 127.0.0.1 and/or ::1, no DNS traffic.
    expect(got.some((a) => a === '127.0.0.1' || a === '::1')).toBe(true);
    expect(new Set(got).size).toBe(got.length);
  });

  it('an unresolved hostname: a ConfigError naming the device and host, or reported and skipped', async () => {
    const lookup = async (host: string): Promise<string[]> => {
      if (host === 'gone.example') throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
      return ['192.0.2.50'];
    };
    const s = spec('gone.example', ['peer.example'], ['198.51.100.4']);
    await expect(deviceSyslogAddresses(s, { lookup })).rejects.toThrow(
      'device edge-1: host gone.example does not resolve (ENOTFOUND), so its syslog messages cannot be recognised',
    );
    const unresolved: string[] = [];
    const got = await deviceSyslogAddresses(s, { lookup, onUnresolved: (h, why) => unresolved.push(`${h} ${why}`) });
    expect(got).toEqual(['192.0.2.50', '198.51.100.4']);
    expect(unresolved).toEqual(['gone.example ENOTFOUND']);
  });
});

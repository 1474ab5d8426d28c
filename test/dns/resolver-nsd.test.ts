// ZoneResolver against real servers on loopback: the shared NSD, a private NSD whose zone changes (serial cache),
// a closed port, a silent TCP server. Each error path is checked for its kind, and that it names zone and server.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { prefixesFromStrings, prefixesToStrings } from '../../src/cidr/index.js';
import { ConfigError, TransientError } from '../../src/errors.js';
import { pinOf, ZoneResolver } from '../../src/policy/index.js';
import type { ZoneSource } from '../../src/config/types.js';
import { startNsd } from './nsd.js';
import { SHARED_ZONES, sharedZoneContents } from './shared-nsd.js';
import { fixedRpzZone } from './zones.js';

const nsd = inject('nsd');
const server = { host: nsd.host, port: nsd.port };
const zoneSource = (zone: string, at = server): ZoneSource => ({ kind: 'zone', zone, server: at });

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'tscm-resolver-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function rejection(p: Promise<unknown>): Promise<Error & { hint?: string }> {
  try {
    await p;
  } catch (err) {
    return err as Error & { hint?: string };
  }
  throw new Error('expected a rejection');
}

describe('ZoneResolver cache', () => {
  it('transfers a zone once per run however many devices use it', async () => {
    const resolver = new ZoneResolver();
    const [a, b] = await Promise.all([
      resolver.resolve(zoneSource(SHARED_ZONES.small)),
      resolver.resolve(zoneSource('SMALL.rpz.test.')),
    ]);
    expect(a).toBe(b);
    expect(resolver.transfers).toBe(1);
    expect(prefixesToStrings(a.list)).toEqual(['192.0.2.0/24', '198.51.100.7/32', '203.0.113.128/25']);
    expect(pinOf(a)).toEqual({
      kind: 'zone',
      zone: SHARED_ZONES.small,
      server: `127.0.0.1:${nsd.port}`,
      serial: 7,
      sha256: a.sha256,
    });
  });

  it('with deferred cache writes, resolves before the write and a later read in the process waits for it', async () => {
    const cacheDir = path.join(tmp, 'deferred');
    const first = new ZoneResolver({ cacheDir });
    first.deferCacheWrites();
    const a = await first.resolve(zoneSource(SHARED_ZONES.small));
    expect(a.transfer).toBe('axfr');
    // The next reader waits for the pending write instead of finding no cache (or half a file).
    const second = new ZoneResolver({ cacheDir });
    const b = await second.resolve(zoneSource(SHARED_ZONES.small));
    expect(b.transfer).toBe('cache');
    expect(b.sha256).toBe(a.sha256);
    await first.settled();
    const files = await readdir(cacheDir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/\.bin$/);
  });

  it('reuses the cached set across runs while the serial is unchanged', async () => {
    const cacheDir = path.join(tmp, 'unchanged');
    const first = new ZoneResolver({ cacheDir });
    const a = await first.resolve(zoneSource(SHARED_ZONES.v6));
    expect(a.fromCache).toBe(false);
    expect(first.transfers).toBe(1);
    const second = new ZoneResolver({ cacheDir });
    const b = await second.resolve(zoneSource(SHARED_ZONES.v6));
    expect(second.transfers).toBe(0);
    expect(b.fromCache).toBe(true);
    expect(b.serial).toBe(a.serial);
    expect(b.sha256).toBe(a.sha256);
    expect(prefixesToStrings(b.list)).toEqual(prefixesToStrings(a.list));
    expect({ records: b.records, decoded: b.decoded, skipped: b.skipped }).toEqual({
      records: a.records,
      decoded: a.decoded,
      skipped: a.skipped,
    });
  });

  it('ignores a damaged cache file and transfers again', async () => {
    const cacheDir = path.join(tmp, 'damaged');
    await new ZoneResolver({ cacheDir }).resolve(zoneSource(SHARED_ZONES.small));
    const [file] = await readdir(cacheDir);
    await writeFile(path.join(cacheDir, file!), 'TSCM-ZONE-CACHE\ngarbage');
    const warnings: string[] = [];
    const log = { info: () => {}, warn: (msg: string) => void warnings.push(msg) };
    const again = new ZoneResolver({ cacheDir, log });
    const r = await again.resolve(zoneSource(SHARED_ZONES.small));
    expect(again.transfers).toBe(1);
    expect(r.fromCache).toBe(false);
    expect(warnings).toContain('zone cache entry ignored');
  });

  it('transfers again when the serial changes', async () => {
    const name = 'moving.rpz.test';
    const own = await startNsd([{ name, text: fixedRpzZone(name, 1, ['192.0.2.1/32']).text, allowTransfer: true }]);
    try {
      const at = { host: own.host, port: own.port };
      const cacheDir = path.join(tmp, 'moving');
      const a = await new ZoneResolver({ cacheDir }).resolve(zoneSource(name, at));
      expect(prefixesToStrings(a.list)).toEqual(['192.0.2.1/32']);
      await own.writeZone(name, fixedRpzZone(name, 2, ['192.0.2.1/32', '192.0.2.2/32']).text);
      await own.restart();
      const resolver = new ZoneResolver({ cacheDir });
      const b = await resolver.resolve(zoneSource(name, { host: own.host, port: own.port }));
      expect(resolver.transfers).toBe(1);
      expect(b.fromCache).toBe(false);
      expect(b.serial).toBe(2);
      expect(prefixesToStrings(b.list)).toEqual(['192.0.2.1/32', '192.0.2.2/32']);
      // A serial going *down* (a reset server) is a change too: no RFC 1982 ordering is applied.
      await own.writeZone(name, fixedRpzZone(name, 1, ['192.0.2.3/32']).text);
      await own.restart();
      const c = await new ZoneResolver({ cacheDir }).resolve(zoneSource(name, { host: own.host, port: own.port }));
      expect(c.fromCache).toBe(false);
      expect(prefixesToStrings(c.list)).toEqual(['192.0.2.3/32']);
    } finally {
      await own.stop();
    }
  });
});

describe('ZoneResolver errors name the zone, the server and the fix', () => {
  const at = `127.0.0.1:${nsd.port}`;

  it('refused transfer', async () => {
    const err = await rejection(new ZoneResolver().resolve(zoneSource(SHARED_ZONES.refused)));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain(`AXFR of zone ${SHARED_ZONES.refused} from ${at} was refused (REFUSED)`);
    expect(err.hint).toContain('new policies take about 15 minutes to appear');
  });

  it('zone the server does not serve', async () => {
    const err = await rejection(new ZoneResolver().resolve(zoneSource('other.example')));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain(`policy server ${at} refused the SOA query for zone other.example`);
  });

  it('NXDOMAIN', async () => {
    const err = await rejection(new ZoneResolver().resolve(zoneSource(`nope.${SHARED_ZONES.small}`)));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toBe(`zone nope.${SHARED_ZONES.small} does not exist on policy server ${at} (NXDOMAIN)`);
  });

  it('empty zone is refused, never an empty set', async () => {
    const err = await rejection(new ZoneResolver().resolve(zoneSource(SHARED_ZONES.empty)));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain(`zone ${SHARED_ZONES.empty} on ${at} is empty`);
  });

  it('a zone with records but no addresses is refused too', async () => {
    const err = await rejection(new ZoneResolver().resolve(zoneSource(SHARED_ZONES.noaddr)));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toBe(
      `zone ${SHARED_ZONES.noaddr} on ${at} has 4 records but no rpz-ip trigger or A/AAAA record ` +
        '(skipped: ns 1, qname-trigger 1, rpz-nsdname 1, txt 1)',
    );
  });

  it('a server that is not authoritative for the name (a referral)', async () => {
    const err = await rejection(new ZoneResolver().resolve(zoneSource(`sub.${SHARED_ZONES.odd}`)));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toBe(
      `policy server ${at} is not authoritative for zone sub.${SHARED_ZONES.odd} (no SOA of the zone in an authoritative answer)`,
    );
  });

  it('connection refused', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const { port } = probe.address() as net.AddressInfo;
    await new Promise((r) => probe.close(r));
    const err = await rejection(new ZoneResolver().resolve(zoneSource('x.test', { host: '127.0.0.1', port })));
    expect(err).toBeInstanceOf(TransientError);
    expect(err.message).toBe(
      `SOA query for zone x.test from 127.0.0.1:${port}: connection refused (nothing listens on TCP ${port})`,
    );
  });

  it('timeout on a server that accepts and never answers', async () => {
    const silent = net.createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const resolver = new ZoneResolver({ timeoutMs: 200 });
      const err = await rejection(resolver.resolve(zoneSource('x.test', { host: '127.0.0.1', port })));
      expect(err).toBeInstanceOf(TransientError);
      expect(err.message).toContain(`SOA query for zone x.test from 127.0.0.1:${port}: no data for 200 ms`);
      expect(err.hint).toContain(`TCP ${port}`);
    } finally {
      silent.close();
    }
  });
});

describe('file sources', () => {
  it('reads a CIDR list file', async () => {
    const file = path.join(tmp, 'list.txt');
    await writeFile(file, '# block\n192.0.2.0/24\n2001:db8::/32  # v6\n\n10.0.0.1/8\n');
    const r = await new ZoneResolver().resolve({ kind: 'file', path: file });
    expect(prefixesToStrings(r.list)).toEqual(['10.0.0.0/8', '192.0.2.0/24', '2001:db8::/32']);
    expect(pinOf(r)).toEqual({ kind: 'file', path: file, sha256: r.sha256 });
  });

  it('reports every bad line with file:line', async () => {
    const file = path.join(tmp, 'bad.txt');
    await writeFile(file, '192.0.2.0/24\n192.0.2.300\nfoo\n10.0.0.0/8\n');
    const err = await rejection(new ZoneResolver().resolve({ kind: 'file', path: file }));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain('2 invalid entries');
    expect(err.message).toContain(`${file}:2:`);
    expect(err.message).toContain(`${file}:3:`);
  });

  it('refuses an empty file and a missing one', async () => {
    const file = path.join(tmp, 'empty.txt');
    await writeFile(file, '# nothing yet\n');
    const empty = await rejection(new ZoneResolver().resolve({ kind: 'file', path: file }));
    expect(empty).toBeInstanceOf(ConfigError);
    expect(empty.message).toContain('has no entries');
    const missing = await rejection(new ZoneResolver().resolve({ kind: 'file', path: path.join(tmp, 'none.txt') }));
    expect(missing).toBeInstanceOf(ConfigError);
    expect(missing.message).toBe(`the CIDR list file ${path.join(tmp, 'none.txt')} does not exist`);
  });

  it('sees the same set in a file as in the zone', async () => {
    const small = sharedZoneContents().small;
    const file = path.join(tmp, 'same.txt');
    await writeFile(file, small.expected.join('\n'));
    const resolver = new ZoneResolver();
    const [f, z] = await Promise.all([
      resolver.resolve({ kind: 'file', path: file }),
      resolver.resolve(zoneSource(small.name)),
    ]);
    expect(f.sha256).toBe(z.sha256);
    expect(prefixesToStrings(f.list)).toEqual(prefixesToStrings(prefixesFromStrings([...small.expected])));
  });
});

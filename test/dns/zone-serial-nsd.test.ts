// The loop asks each zone's serial once per pass, then resolves the zones of the devices that need them: the
// resolver must not ask again. Counted on the wire, in front of the real NSD.
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../src/errors.js';
import { checkZoneSerial, ZoneResolver } from '../../src/policy/index.js';
import { startDnsCounter, type DnsCounter } from '../helpers/dns-counter.js';
import { SHARED_ZONES } from './shared-nsd.js';

const nsd = inject('nsd');
let counter: DnsCounter;
let tmp: string;
beforeAll(async () => {
  counter = await startDnsCounter({ host: nsd.host, port: nsd.port });
  tmp = await mkdtemp(path.join(os.tmpdir(), 'tscm-serial-'));
});
afterAll(async () => {
  await counter.close();
  await rm(tmp, { recursive: true, force: true });
});

it('checkSerial then resolve: one SOA query and one transfer; a second resolver with the cache: one SOA only', async () => {
  const source = { kind: 'zone', zone: SHARED_ZONES.small, server: { host: counter.host, port: 5353 } } as const;
  const cacheDir = path.join(tmp, 'zones');
  const first = new ZoneResolver({ cacheDir });
  expect(await first.checkSerial(source)).toBe(7);
  expect(await first.checkSerial({ ...source, zone: 'SMALL.rpz.test.' })).toBe(7);
  const zone = await first.resolve(source);
  expect(zone.serial).toBe(7);
  expect(first.wasTransferred(source)).toBe(true);
  expect(counter.count('SOA', SHARED_ZONES.small)).toBe(1);
  expect(counter.count('AXFR', SHARED_ZONES.small)).toBe(1);

  counter.reset();
  const second = new ZoneResolver({ cacheDir });
  await second.checkSerial(source);
  const again = await second.resolve(source);
  expect(again.fromCache).toBe(true);
  expect(second.wasTransferred(source)).toBe(false);
  expect(second.transfers).toBe(0);
  expect([...counter.counts()]).toEqual([[`SOA ${SHARED_ZONES.small}`, 1]]);
});

it('checkZoneSerial names a zone the server does not serve as a ConfigError', async () => {
  const err = await checkZoneSerial({ host: counter.host, port: 5353 }, 'nothere.rpz.test').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConfigError);
  expect((err as Error).message).toMatch(/nothere\.rpz\.test/);
});

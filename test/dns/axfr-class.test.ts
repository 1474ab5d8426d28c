// Records of a class other than IN in a transfer are skipped and counted, never decoded: a CH-class A record at
// an rpz-ip owner once became a block entry. NSD refuses to load such a zone ("only class IN is supported", NSD
// 4.6.1), so the lab DNS server serves them, over the same TCP transfer path as every zone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prefixesToStrings } from '../../src/cidr/index.js';
import { startLabDnsServer } from '../../src/lab/dns-server.js';
import type { LabDnsServer } from '../../src/lab/dns-server.js';
import { resolveZone, transferZone } from '../../src/policy/index.js';

const ZONE = 'class-mix.test';
const SOA_DATA = { mname: `ns1.${ZONE}`, rname: `h.${ZONE}`, serial: 7, refresh: 1, retry: 1, expire: 1, minimum: 1 };

describe('AXFR with records of other classes', () => {
  let server: LabDnsServer;
  beforeAll(async () => {
    server = await startLabDnsServer({
      zones: [
        {
          name: ZONE,
          serial: 42,
          prefixes: ['192.0.2.1'],
          extraRecords: [
            { name: `32.5.113.0.203.rpz-ip.${ZONE}`, type: 'A', class: 'CH', ttl: 60, data: '203.0.113.5' },
            { name: `32.9.113.0.203.rpz-ip.${ZONE}`, type: 'CNAME', class: 'CH', ttl: 60, data: '.' },
            { name: `host1.${ZONE}`, type: 'A', class: 'HS', ttl: 60, data: '198.51.100.7' },
            // A CH SOA of the apex in the middle of the stream must not end the transfer early.
            { name: ZONE, type: 'SOA', class: 'CH', ttl: 60, data: SOA_DATA },
            { name: `host2.${ZONE}`, type: 'A', class: 'IN', ttl: 60, data: '198.51.100.8' },
          ],
        },
      ],
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('decodes only the IN records and counts the others by class', async () => {
    const z = await transferZone({ host: server.host, port: server.port }, ZONE);
    expect(prefixesToStrings(z.list)).toEqual(['192.0.2.1/32', '198.51.100.8/32']);
    expect(z.skipped).toEqual({ 'class-ch': 3, 'class-hs': 1, ns: 1 });
    expect(z.records).toBe(7);
    expect(z.serial).toBe(42);
  });

  it('the resolver warns about the skipped classes', async () => {
    const warnings: Record<string, unknown>[] = [];
    const log = { info: () => undefined, warn: (_m: string, f?: Record<string, unknown>) => warnings.push(f ?? {}) };
    const r = await resolveZone({ host: server.host, port: server.port }, ZONE, { log });
    expect(r.decoded).toBe(2);
    expect(warnings).toEqual([expect.objectContaining({ skipped: { 'class-ch': 3, 'class-hs': 1 } })]);
  });
});

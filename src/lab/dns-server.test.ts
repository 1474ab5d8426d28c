// The lab DNS server, and through it the transfer faults NSD will not produce on demand: message shapes
// (one RR per message, SOA alone first), a cut mid-stream, first/last SOA serial mismatch, refusal.
import dgram from 'node:dgram';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prefixesToStrings } from '../cidr/index.js';
import { ConfigError, TransientError } from '../errors.js';
import { querySoa, transferZone, ZoneResolver } from '../policy/index.js';
import { startLabDnsServer } from './dns-server.js';
import type { LabDnsServer } from './dns-server.js';

const PREFIXES = ['192.0.2.0/24', '198.51.100.7', '2001:db8::1', '2001:db8:abcd::/48', '10.0.0.0/8'];
const SORTED = ['10.0.0.0/8', '192.0.2.0/24', '198.51.100.7/32', '2001:db8::1/128', '2001:db8:abcd::/48'];
// Enough records for several 500-RR messages, so a cut lands mid-stream.
const MANY = Array.from({ length: 1500 }, (_, i) => `10.1.${i >> 8}.${i & 255}`);

let lab: LabDnsServer;
let server: { host: string; port: number };
beforeAll(async () => {
  lab = await startLabDnsServer({
    zones: [
      { name: 'lab.rpz', serial: 10, prefixes: PREFIXES },
      { name: 'one.rpz', serial: 1, prefixes: PREFIXES, faults: { shape: 'one-per-message' } },
      { name: 'soafirst.rpz', serial: 1, prefixes: PREFIXES, faults: { shape: 'soa-first' } },
      { name: 'cut.rpz', serial: 1, prefixes: MANY, faults: { truncate: true } },
      { name: 'torn.rpz', serial: 1, prefixes: PREFIXES, faults: { closingSerial: 2 } },
      { name: 'closed.rpz', serial: 1, prefixes: PREFIXES, refuseTransfer: true },
    ],
  });
  server = { host: lab.host, port: lab.port };
});
afterAll(async () => {
  await lab.close();
});

async function rejection(p: Promise<unknown>): Promise<Error & { hint?: string }> {
  try {
    await p;
  } catch (err) {
    return err as Error & { hint?: string };
  }
  throw new Error('expected a rejection');
}

describe('lab DNS server', () => {
  it('serves SOA over TCP and UDP', async () => {
    expect(await querySoa(server, 'lab.rpz')).toEqual({ rcode: 'NOERROR', authoritative: true, serial: 10 });
    const sock = dgram.createSocket('udp4');
    const reply = await new Promise<Buffer>((resolve) => {
      sock.on('message', (m) => resolve(m));
      sock.send(
        dnsPacket.encode({ type: 'query', id: 9, questions: [{ type: 'SOA', name: 'lab.rpz' }] }),
        lab.port,
        lab.host,
      );
    });
    sock.close();
    const packet = dnsPacket.decode(reply);
    expect(packet.id).toBe(9);
    expect(packet.answers?.[0]?.type).toBe('SOA');
    expect((await querySoa(server, 'x.lab.rpz')).rcode).toBe('NXDOMAIN');
    expect((await querySoa(server, 'elsewhere.example')).rcode).toBe('REFUSED');
  });

  it('still serves over TCP when another program holds the UDP port (an mDNS responder on 5353)', async () => {
    const holder = dgram.createSocket('udp4');
    const port = await new Promise<number>((resolve) =>
      holder.bind(0, '127.0.0.1', () => resolve(holder.address().port)),
    );
    try {
      const tcpOnly = await startLabDnsServer({
        host: '127.0.0.1',
        port,
        zones: [{ name: 'tcp.rpz', serial: 3, prefixes: ['192.0.2.1'] }],
      });
      try {
        expect((await querySoa({ host: '127.0.0.1', port }, 'tcp.rpz')).serial).toBe(3);
      } finally {
        await tcpOnly.close();
      }
    } finally {
      holder.close();
    }
  });

  it('transfers whatever the message shape', async () => {
    for (const zone of ['lab.rpz', 'one.rpz', 'soafirst.rpz']) {
      let messages = 0;
      const z = await transferZone(server, zone, { onMessage: () => messages++ });
      expect(prefixesToStrings(z.list)).toEqual(SORTED);
      expect(z.skipped).toEqual({ ns: 1 });
      expect(z.records).toBe(PREFIXES.length + 1);
      if (zone === 'one.rpz') expect(messages).toBe(PREFIXES.length + 3);
      if (zone === 'soafirst.rpz') expect(messages).toBe(2);
    }
  });

  it('serves over IPv6 loopback, and errors print the address in brackets', async () => {
    const v6 = await startLabDnsServer({ host: '::1', zones: [{ name: 'six.rpz', serial: 3, prefixes: PREFIXES }] });
    try {
      const r = await new ZoneResolver().resolve({
        kind: 'zone',
        zone: 'six.rpz',
        server: { host: '::1', port: v6.port },
      });
      expect(prefixesToStrings(r.list)).toEqual(SORTED);
      const err = await rejection(transferZone({ host: '::1', port: v6.port }, 'lab.rpz'));
      expect(err.message).toBe(`AXFR of zone lab.rpz from [::1]:${v6.port} was refused (REFUSED)`);
    } finally {
      await v6.close();
    }
  });

  it('counts the transfers and SOA queries it answers, per zone', async () => {
    const before = lab.queryCounts();
    await querySoa(server, 'one.rpz');
    await querySoa(server, 'one.rpz');
    await transferZone(server, 'one.rpz');
    await querySoa(server, 'x.one.rpz'); // not the apex: not a SOA query of the zone
    const after = lab.queryCounts();
    expect((after.soa['one.rpz'] ?? 0) - (before.soa['one.rpz'] ?? 0)).toBe(2);
    expect((after.transfers['one.rpz'] ?? 0) - (before.transfers['one.rpz'] ?? 0)).toBe(1);
    expect(after.transfers['lab.rpz'] ?? 0).toBe(before.transfers['lab.rpz'] ?? 0);
  });

  it('setZone changes what the next transfer sees', async () => {
    lab.setZone({ name: 'lab.rpz', serial: 11, prefixes: ['203.0.113.0/24'] });
    try {
      const z = await transferZone(server, 'lab.rpz');
      expect(z.serial).toBe(11);
      expect(prefixesToStrings(z.list)).toEqual(['203.0.113.0/24']);
    } finally {
      lab.setZone({ name: 'lab.rpz', serial: 10, prefixes: PREFIXES });
    }
  });
});

describe('transfer faults', () => {
  it('a cut mid-stream fails and yields nothing partial', async () => {
    const resolver = new ZoneResolver();
    const err = await rejection(resolver.resolve({ kind: 'zone', zone: 'cut.rpz', server }));
    expect(err).toBeInstanceOf(TransientError);
    expect(err.message).toBe(
      `AXFR of zone cut.rpz from 127.0.0.1:${lab.port}: the server closed the connection before the reply was ` +
        'complete (truncated; partial data discarded)',
    );
  });

  it('first and last SOA serials must agree', async () => {
    const err = await rejection(transferZone(server, 'torn.rpz'));
    expect(err).toBeInstanceOf(TransientError);
    expect(err.message).toContain('incoherent transfer, the first SOA has serial 1 and the last 2');
  });

  it('a refused transfer is a ConfigError with the hint', async () => {
    const err = await rejection(new ZoneResolver().resolve({ kind: 'zone', zone: 'closed.rpz', server }));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toBe(`AXFR of zone closed.rpz from 127.0.0.1:${lab.port} was refused (REFUSED)`);
    expect(err.hint).toBe('the server does not allow this address yet; new policies take about 15 minutes to appear');
  });

  it('rejects prefixes an rpz-ip trigger cannot carry', async () => {
    expect(() => lab.setZone({ name: 'bad.rpz', serial: 1, prefixes: ['192.0.2.1/24'] })).toThrow(/192\.0\.2\.1\/24/);
  });
});

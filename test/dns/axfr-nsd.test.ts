// AXFR from a real NSD: the lean decoder against dns-packet on NSD's own messages (with its name compression),
// and the decoded prefix sets against what the generated zones hold.
import dnsPacket from 'dns-packet';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { formatIpv4Address, formatIpv6Address, prefixesFromStrings, prefixesToStrings } from '../../src/cidr/index.js';
import { querySoa, transferZone } from '../../src/policy/index.js';
import { readHeader, readWord, walkAnswers, WireName } from '../../src/policy/wire-walk.js';
import { sharedZoneContents } from './shared-nsd.js';
import type { GeneratedZone } from './zones.js';

const TYPE_NAMES: Record<number, string> = { 1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 15: 'MX', 16: 'TXT', 28: 'AAAA' };

/** One line per record from the lean walker: owner, type, and the address for A/AAAA. */
function leanLines(msg: Buffer): string[] {
  const out: string[] = [];
  walkAnswers(msg, readHeader(msg), new WireName(), (name, type, buf, rdata) => {
    let data = '';
    if (type === 1) data = formatIpv4Address(readWord(buf, rdata));
    if (type === 28) {
      data = formatIpv6Address(
        readWord(buf, rdata),
        readWord(buf, rdata + 4),
        readWord(buf, rdata + 8),
        readWord(buf, rdata + 12),
      );
    }
    out.push(`${name.toString()} ${TYPE_NAMES[type] ?? type} ${data}`);
  });
  return out;
}

/** The same lines from dns-packet's full decode. */
function packetLines(msg: Buffer): string[] {
  return (dnsPacket.decode(msg).answers ?? []).map((rr) => {
    let data = '';
    if (rr.type === 'A') data = rr.data;
    if (rr.type === 'AAAA') data = prefixesToStrings(prefixesFromStrings([rr.data]))[0]!.replace(/\/128$/, '');
    return `${rr.name.toLowerCase()} ${rr.type} ${data}`;
  });
}

const sorted = (z: GeneratedZone): string[] => prefixesToStrings(prefixesFromStrings([...z.expected]));

describe('AXFR from NSD', () => {
  const nsd = inject('nsd');
  const server = { host: nsd.host, port: nsd.port };
  let zones: ReturnType<typeof sharedZoneContents>;
  beforeAll(() => {
    zones = sharedZoneContents();
  });

  it('decodes the 100k-record zone exactly as dns-packet does, message by message', async () => {
    const messages: Buffer[] = [];
    const z = await transferZone(server, zones.big.name, { onMessage: (m) => messages.push(Buffer.from(m)) });
    expect(messages.length).toBeGreaterThan(1);
    let records = 0;
    for (const m of messages) {
      const lean = leanLines(m);
      expect(lean).toEqual(packetLines(m));
      records += lean.length;
    }
    // Both framing SOAs and the apex NS are in the stream.
    expect(records).toBe(zones.big.expected.length + 3);
    expect(z.records).toBe(zones.big.expected.length + 1);
    expect(z.serial).toBe(zones.big.serial);
    expect(z.skipped).toEqual({ ns: 1 });
    expect(prefixesToStrings(z.list)).toEqual(sorted(zones.big));
    expect(z.decoded).toBe(zones.big.expected.length);
  });

  it('decodes IPv6 triggers with and without zz', async () => {
    const z = await transferZone(server, zones.v6.name);
    expect(prefixesToStrings(z.list)).toEqual(sorted(zones.v6));
    expect(z.decoded).toBe(4);
  });

  it('counts every record it cannot use under a reason, and an owner with several RRs once', async () => {
    const messages: Buffer[] = [];
    const z = await transferZone(server, zones.odd.name, { onMessage: (m) => messages.push(Buffer.from(m)) });
    for (const m of messages) expect(leanLines(m)).toEqual(packetLines(m));
    expect(prefixesToStrings(z.list)).toEqual(sorted(zones.odd));
    expect(z.skipped).toEqual(zones.odd.skipped);
    const skipped = Object.values(z.skipped).reduce((a, b) => a + b, 0);
    // 3 RRs at 32.9.2.0.192.rpz-ip give one prefix: records = used RRs + skipped RRs.
    expect(z.records).toBe(skipped + zones.odd.expected.length + 2);
  });

  it('reads the serial over TCP', async () => {
    await expect(querySoa(server, zones.small.name)).resolves.toEqual({
      rcode: 'NOERROR',
      authoritative: true,
      serial: zones.small.serial,
    });
    const nx = await querySoa(server, `nope.${zones.small.name}`);
    expect(nx.rcode).toBe('NXDOMAIN');
    expect(nx.authoritative).toBe(false);
  });
});

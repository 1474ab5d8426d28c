// The lab DNS server's IXFR (RFC 1995), through tscm's own resolver and its zone cache: a change made with setZone
// arrives as differences and gives the set a full transfer gives; a serial the journal no longer holds gets the
// whole zone (AXFR style), which the resolver answers with a full transfer; a current client gets the SOA alone.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prefixesToStrings } from '../cidr/index.js';
import type { ZoneSource } from '../config/types.js';
import { transferZone, ZoneResolver } from '../policy/index.js';
import { startLabDnsServer } from './dns-server.js';
import type { LabDnsServer } from './dns-server.js';

const ZONE = 'ix.rpz';
/** 1200 hosts: the differences and the whole zone both span several 500-record messages. */
const BASE = Array.from({ length: 1200 }, (_, i) => `10.2.${i >> 8}.${i & 255}/32`);

let lab: LabDnsServer;
let cacheDir: string;
let source: ZoneSource;
let server: { host: string; port: number };
beforeAll(async () => {
  lab = await startLabDnsServer({ zones: [{ name: ZONE, serial: 1, prefixes: BASE }] });
  server = { host: lab.host, port: lab.port };
  source = { kind: 'zone', zone: ZONE, server };
  cacheDir = mkdtempSync(join(tmpdir(), 'tscm-lab-ixfr-'));
});
afterAll(async () => {
  await lab.close();
  rmSync(cacheDir, { recursive: true, force: true });
});

const counts = (): { full: number; incremental: number } => {
  const c = lab.queryCounts();
  return { full: c.transfers[ZONE] ?? 0, incremental: c.incremental[ZONE] ?? 0 };
};

/** One IXFR query over TCP with the client's serial; the answers of every reply message, in order. */
async function rawIxfr(serial: number): Promise<dnsPacket.Answer[]> {
  const query = dnsPacket.encode({
    type: 'query',
    id: 7,
    questions: [{ type: 'IXFR', name: ZONE }],
    authorities: [
      {
        type: 'SOA',
        name: ZONE,
        data: { mname: 'a.', rname: 'b.', serial, refresh: 1, retry: 1, expire: 1, minimum: 1 },
      },
    ],
  });
  const socket = net.connect(lab.port, lab.host);
  const len = Buffer.alloc(2);
  len.writeUInt16BE(query.length);
  socket.write(Buffer.concat([len, query]));
  const answers: dnsPacket.Answer[] = [];
  let pending = Buffer.alloc(0);
  await new Promise<void>((resolve, reject) => {
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        const msg = dnsPacket.decode(pending.subarray(2, 2 + pending.readUInt16BE(0)));
        pending = pending.subarray(2 + pending.readUInt16BE(0));
        answers.push(...(msg.answers ?? []));
      }
      // Done at the SOA alone (a first message of the whole zone holds 500 records), or at the closing SOA.
      const first = answers[0];
      const last = answers[answers.length - 1];
      const closed = answers.length > 2 && last?.type === 'SOA' && first?.type === 'SOA';
      if (answers.length === 1 || (closed && last.data.serial === first.data.serial)) {
        socket.destroy();
        resolve();
      }
    });
  });
  return answers;
}

describe('lab DNS server IXFR', () => {
  it('a change arrives as differences onto the cache, equal to a full transfer of the new version', async () => {
    const first = await new ZoneResolver({ cacheDir }).resolve(source);
    expect(first.transfer).toBe('axfr');

    // 2% out, 2% in, as an hourly feed change.
    const next = [...BASE.slice(24), ...Array.from({ length: 24 }, (_, i) => `10.3.0.${i}/32`)];
    lab.setZone({ name: ZONE, serial: 2, prefixes: next });
    const before = counts();
    const second = await new ZoneResolver({ cacheDir }).resolve(source);
    expect(second.transfer).toBe('ixfr');
    expect({ added: second.added, removed: second.removed }).toEqual({ added: 24, removed: 24 });
    expect(counts()).toEqual({ full: before.full, incremental: before.incremental + 1 });

    const full = await transferZone(server, ZONE);
    expect(prefixesToStrings(second.list)).toEqual(prefixesToStrings(full.list));
    expect(second.serial).toBe(2);
  });

  it('a current client gets the SOA alone; an unknown serial gets the whole zone, AXFR style', async () => {
    lab.setZone({ name: ZONE, serial: 3, prefixes: BASE });
    const current = await rawIxfr(3);
    expect(current.map((a) => a.type)).toEqual(['SOA']);

    const whole = await rawIxfr(12345);
    expect(whole[1]?.type).not.toBe('SOA'); // RFC 1995 section 4: a second record not an SOA is a full zone
    expect(whole.filter((a) => a.type === 'CNAME')).toHaveLength(BASE.length);
  });

  it('a cache older than the journal falls back to a full transfer with the right set', async () => {
    const resolver = (): ZoneResolver => new ZoneResolver({ cacheDir });
    lab.setZone({ name: ZONE, serial: 4, prefixes: BASE });
    expect((await resolver().resolve(source)).serial).toBe(4);
    // Nine newer versions: serial 4 leaves the journal (8 versions kept).
    for (let s = 5; s <= 13; s++) lab.setZone({ name: ZONE, serial: s, prefixes: BASE.slice(s) });
    const before = counts();
    const late = await resolver().resolve(source);
    expect(late.transfer).toBe('axfr');
    expect(prefixesToStrings(late.list)).toEqual(BASE.slice(13));
    expect(counts().full).toBe(before.full + 2); // the AXFR-style answer to IXFR, then the resolver's own AXFR
  });
});

// A small authoritative DNS server for `tscm lab`, the demo and tests on machines without NSD: serves in-memory
// RPZ zones (each prefix an rpz-ip trigger `CNAME .`) with SOA and NS, AXFR over TCP, SOA/NS over UDP and TCP, and
// IXFR (RFC 1995) from the versions setZone replaced: one condensed difference sequence from the client's serial,
// the single current SOA when the client is current, the whole zone (AXFR style) when the serial is not known.
// Per zone it can refuse transfers and inject the transfer faults of cisco-protocol.md section 6 (rows 28-30):
// message shapes, a cut mid-stream, a closing SOA with another serial.
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';
import type { Answer, Packet } from 'dns-packet';
import { encodeRpzIpOwner } from '../policy/index.js';

export interface LabZoneFaults {
  /** `batched` (default, up to 500 RRs a message), `one-per-message` (BIND one-answer), `soa-first` (PowerDNS). */
  readonly shape?: 'batched' | 'one-per-message' | 'soa-first';
  /** Close the connection after half of the transfer's messages. */
  readonly truncate?: boolean;
  /** Send this serial in the closing SOA instead of the zone's. */
  readonly closingSerial?: number;
}

export interface LabZone {
  readonly name: string;
  readonly serial: number;
  /** CIDRs or addresses, each served as `<rpz-ip owner> CNAME .`. */
  readonly prefixes: readonly string[];
  /** Answer AXFR with REFUSED (as a server whose ACL does not list the client yet). */
  readonly refuseTransfer?: boolean;
  /** Records served in the transfer besides the triggers, as given (e.g. of class CH, which NSD refuses to load). */
  readonly extraRecords?: readonly Answer[];
  readonly faults?: LabZoneFaults;
}

export interface LabDnsServerOptions {
  readonly host?: string;
  /** 0 picks a free port (the same one for TCP and UDP). */
  readonly port?: number;
  readonly zones: readonly LabZone[];
}

export interface LabDnsServer {
  readonly host: string;
  readonly port: number;
  /** Adds or replaces a zone (a new serial makes the next SOA query see a change). */
  setZone(zone: LabZone): void;
  removeZone(name: string): void;
  /**
   * Queries answered so far per zone, for tests and benchmarks: full transfers (AXFR, and IXFR answered with the
   * whole zone), IXFR answered with differences or the current SOA, SOA queries (UDP or TCP).
   */
  queryCounts(): {
    readonly transfers: Record<string, number>;
    readonly incremental: Record<string, number>;
    readonly soa: Record<string, number>;
  };
  close(): Promise<void>;
}

const BATCH = 500;
const TTL = 300;
/** Earlier versions of a zone kept for IXFR (NSD and Knot bound their journals too). */
const JOURNAL_VERSIONS = 8;

interface ServedZone {
  readonly spec: LabZone;
  readonly name: string;
  readonly owners: Set<string>;
}

const norm = (name: string): string => (name.endsWith('.') ? name.slice(0, -1) : name).toLowerCase();

function soaRecord(z: ServedZone, serial = z.spec.serial): Answer {
  const data = { mname: `ns1.${z.name}`, rname: `hostmaster.${z.name}`, serial, refresh: 3600, retry: 600 };
  return { name: z.name, type: 'SOA', ttl: TTL, data: { ...data, expire: 86400, minimum: 60 } };
}

function nsRecord(z: ServedZone): Answer {
  return { name: z.name, type: 'NS', ttl: TTL, data: `ns1.${z.name}` };
}

function prepareZone(spec: LabZone): ServedZone {
  const name = norm(spec.name);
  const owners = new Set<string>();
  for (const p of spec.prefixes) owners.add(`${encodeRpzIpOwner(p)}.${name}`);
  return { spec, name, owners };
}

const trigger = (owner: string): Answer => ({ name: owner, type: 'CNAME', ttl: TTL, data: '.' });

/** Records in reply messages of up to `size` answers, the question in the first. */
function encodeReply(query: Packet, records: readonly Answer[], size = BATCH, firstSize = size): Buffer[] {
  const groups: Answer[][] = [];
  let i = 0;
  if (firstSize !== size) groups.push(records.slice(0, (i = firstSize)));
  for (; i < records.length; i += size) groups.push(records.slice(i, i + size));
  return groups.map((answers, k) =>
    dnsPacket.encode({
      type: 'response',
      id: query.id ?? 0,
      flags: dnsPacket.AUTHORITATIVE_ANSWER,
      questions: k === 0 ? (query.questions ?? []) : [],
      answers,
    }),
  );
}

/** The AXFR reply messages (without TCP framing), shaped and faulted as the zone asks. */
function transferMessages(z: ServedZone, query: Packet): Buffer[] {
  const records: Answer[] = [soaRecord(z), nsRecord(z)];
  for (const owner of z.owners) records.push(trigger(owner));
  records.push(...(z.spec.extraRecords ?? []));
  records.push(soaRecord(z, z.spec.faults?.closingSerial ?? z.spec.serial));
  const shape = z.spec.faults?.shape ?? 'batched';
  const size = shape === 'one-per-message' ? 1 : BATCH;
  const messages = encodeReply(query, records, size, shape === 'soa-first' ? 1 : size);
  return z.spec.faults?.truncate ? messages.slice(0, Math.max(1, Math.floor(messages.length / 2))) : messages;
}

/**
 * The IXFR reply to a client at `from`: one difference sequence condensed from the journal, the current SOA alone
 * when the client is current, or null when `from` is not in the journal (or the extra records changed since): the
 * caller then answers with the whole zone, as RFC 1995 section 4 allows.
 */
function differenceMessages(z: ServedZone, from: number, query: Packet, journal: ServedZone[]): Buffer[] | null {
  if (from === z.spec.serial) return encodeReply(query, [soaRecord(z)]);
  const old = journal.find((j) => j.spec.serial === from);
  if (!old || JSON.stringify(old.spec.extraRecords ?? []) !== JSON.stringify(z.spec.extraRecords ?? [])) return null;
  const records: Answer[] = [soaRecord(z), soaRecord(old)];
  for (const owner of old.owners) if (!z.owners.has(owner)) records.push(trigger(owner));
  records.push(soaRecord(z));
  for (const owner of z.owners) if (!old.owners.has(owner)) records.push(trigger(owner));
  records.push(soaRecord(z));
  return encodeReply(query, records);
}

/** The serial of the SOA an IXFR query carries in its authority section (the version the client holds). */
function clientSerial(query: Packet): number | undefined {
  const soa = query.authorities?.find((a) => a.type === 'SOA');
  return soa?.type === 'SOA' ? soa.data.serial : undefined;
}

export async function startLabDnsServer(opts: LabDnsServerOptions): Promise<LabDnsServer> {
  const host = opts.host ?? '127.0.0.1';
  const zones = new Map<string, ServedZone>();
  for (const z of opts.zones) zones.set(norm(z.name), prepareZone(z));
  /** Per zone, the versions setZone replaced, newest last. */
  const journals = new Map<string, ServedZone[]>();
  const setZone = (zone: LabZone): void => {
    const next = prepareZone(zone);
    const prev = zones.get(next.name);
    if (prev && prev.spec.serial !== zone.serial) {
      const journal = (journals.get(next.name) ?? []).filter((j) => j.spec.serial !== prev.spec.serial);
      journal.push(prev);
      journals.set(next.name, journal.slice(-JOURNAL_VERSIONS));
    }
    zones.set(next.name, next);
  };
  const transfers: Record<string, number> = {};
  const incremental: Record<string, number> = {};
  const soaQueries: Record<string, number> = {};
  const count = (table: Record<string, number>, zone: string): void => void (table[zone] = (table[zone] ?? 0) + 1);

  const findZone = (qname: string): ServedZone | undefined => {
    for (let name = qname; ;) {
      const z = zones.get(name);
      if (z) return z;
      const dot = name.indexOf('.');
      if (dot < 0) return undefined;
      name = name.slice(dot + 1);
    }
  };

  /** A plain (non-AXFR) answer. */
  const answer = (query: Packet): Buffer => {
    const q = query.questions?.[0];
    const base = { type: 'response' as const, id: query.id ?? 0, questions: query.questions ?? [] };
    const z = q ? findZone(norm(q.name)) : undefined;
    if (!q || !z) return dnsPacket.encode({ ...base, flags: 5 }); // REFUSED
    const qname = norm(q.name);
    const aa = dnsPacket.AUTHORITATIVE_ANSWER;
    if (qname === z.name && q.type === 'SOA') count(soaQueries, z.name);
    if (qname === z.name) {
      const answers = q.type === 'SOA' ? [soaRecord(z)] : q.type === 'NS' ? [nsRecord(z)] : [];
      return dnsPacket.encode({ ...base, flags: aa, answers, authorities: answers.length ? [] : [soaRecord(z)] });
    }
    if (z.owners.has(qname)) {
      const answers: Answer[] = q.type === 'CNAME' ? [{ name: qname, type: 'CNAME', ttl: TTL, data: '.' }] : [];
      return dnsPacket.encode({ ...base, flags: aa, answers, authorities: answers.length ? [] : [soaRecord(z)] });
    }
    return dnsPacket.encode({ ...base, flags: aa | 3, authorities: [soaRecord(z)] }); // NXDOMAIN
  };

  const sockets = new Set<net.Socket>();
  const serveTcp = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let pending = Buffer.alloc(0);
    let busy = Promise.resolve();
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        const msg = pending.subarray(2, 2 + pending.readUInt16BE(0));
        pending = pending.subarray(2 + msg.length);
        busy = busy.then(() => replyTcp(socket, msg)).catch(() => void socket.destroy());
      }
    });
  };

  const writeFrame = async (socket: net.Socket, msg: Buffer): Promise<void> => {
    const len = Buffer.alloc(2);
    len.writeUInt16BE(msg.length);
    if (!socket.write(Buffer.concat([len, msg]))) await new Promise((r) => socket.once('drain', r));
  };

  const replyTcp = async (socket: net.Socket, msg: Buffer): Promise<void> => {
    const query = dnsPacket.decode(msg);
    const q = query.questions?.[0];
    const z = q ? findZone(norm(q.name)) : undefined;
    if ((q?.type !== 'AXFR' && q?.type !== 'IXFR') || !z || norm(q.name) !== z.name) {
      return writeFrame(socket, answer(query));
    }
    if (z.spec.refuseTransfer) {
      return writeFrame(socket, dnsPacket.encode({ type: 'response', id: query.id ?? 0, flags: 5, questions: [q] }));
    }
    const from = q.type === 'IXFR' ? clientSerial(query) : undefined;
    const differences = from === undefined ? null : differenceMessages(z, from, query, journals.get(z.name) ?? []);
    count(differences === null ? transfers : incremental, z.name);
    for (const m of differences ?? transferMessages(z, query)) await writeFrame(socket, m);
    if (differences === null && z.spec.faults?.truncate) socket.end();
  };

  const tcp = net.createServer(serveTcp);
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (tcp.address() as net.AddressInfo).port;
  const udp = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
  udp.on('message', (msg, rinfo) => {
    try {
      const query = dnsPacket.decode(msg);
      const q = query.questions?.[0];
      const reply =
        q?.type === 'AXFR' || q?.type === 'IXFR'
          ? dnsPacket.encode({ type: 'response', id: query.id ?? 0, flags: 5, questions: [q] })
          : answer(query);
      udp.send(reply, rinfo.port, rinfo.address);
    } catch {
      // Not DNS: ignore, as a server would.
    }
  });
  // UDP is a courtesy for `dig SOA`: tscm asks and transfers over TCP. A machine whose mDNS responder holds UDP
  // 5353 on every address still gets a working lab.
  const udpBound = await new Promise<boolean>((resolve) => {
    udp.once('error', () => resolve(false));
    udp.bind(port, host, () => resolve(true));
  });
  if (!udpBound) udp.close();

  return {
    host,
    port,
    setZone,
    removeZone: (name) => {
      zones.delete(norm(name));
      journals.delete(norm(name));
    },
    queryCounts: () => ({ transfers: { ...transfers }, incremental: { ...incremental }, soa: { ...soaQueries } }),
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all([
        new Promise((r) => tcp.close(r)),
        udpBound ? new Promise<void>((r) => udp.close(() => r())) : undefined,
      ]);
    },
  };
}

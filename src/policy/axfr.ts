// SOA query and AXFR over TCP (RFC 5936). The transfer loops over messages until the closing SOA, whatever their
// shape (one RR each, everything in one, SOA alone first), checks rcode and that both SOA serials agree, and
// discards everything on an early EOF. Records go straight from the wire into the zone decoder.
// Imports stay narrow (no dns-packet, no whole cidr/index): a transfer is a whole process, start-up included.
import { randomInt } from 'node:crypto';
import { hashPrefixes } from '../cidr/hash.js';
import type { PrefixList } from '../cidr/types.js';
import type { Endpoint } from '../config/types.js';
import { ConfigError, TransientError } from '../errors.js';
import { exchangeOverTcp, formatEndpoint } from './tcp-exchange.js';
import type { DnsTimeouts } from './tcp-exchange.js';
import { RecordClassifier, ZoneRecordDecoder } from './zone-records.js';
import { CLASS_IN, readHeader, readSoaSerial, TYPE_SOA, walkAnswers, WireFormatError, WireName } from './wire-walk.js';

export type { DnsTimeouts } from './tcp-exchange.js';

const RCODE_NAMES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET'];
RCODE_NAMES[8] = 'NXRRSET';
RCODE_NAMES[9] = 'NOTAUTH';
RCODE_NAMES[10] = 'NOTZONE';

export function rcodeName(rcode: number): string {
  return RCODE_NAMES[rcode] ?? `RCODE${rcode}`;
}

const FLAG_QR = 0x8000;
const FLAG_AA = 0x0400;

export interface SoaAnswer {
  readonly rcode: string;
  /** Authoritative answer bit set and an SOA for exactly the zone in the answer section. */
  readonly authoritative: boolean;
  readonly serial?: number;
}

export interface DecodedZone {
  readonly list: PrefixList;
  readonly records: number;
  readonly decoded: number;
  readonly skipped: Record<string, number>;
  readonly serial: number;
  readonly sha256: string;
}

export interface TransferOptions extends DnsTimeouts {
  /** Sees every raw reply message (tests compare the lean decoder with dns-packet on it). */
  readonly onMessage?: (msg: Buffer) => void;
  /** Takes the records instead of a fresh ZoneRecordDecoder (the resolver's counting decoder for its cache). */
  readonly decoder?: Pick<ZoneRecordDecoder, 'isApex' | 'add' | 'finish'>;
}

function normaliseZone(zone: string): string {
  return (zone.endsWith('.') ? zone.slice(0, -1) : zone).toLowerCase();
}

const QTYPES = { SOA: TYPE_SOA, AXFR: 252, IXFR: 251 } as const;
/** Our SOA in an IXFR query's authority section: owner, type, class, TTL, RDLENGTH, two names, five fields. */
const IXFR_SOA_BYTES = 2 + 2 + 2 + 4 + 2 + 4 + 20;

/**
 * A TCP query (2-byte length first) for the zone, class IN; the zone as normaliseZone() leaves it. An IXFR query
 * also carries our SOA with `serial` in the authority section (RFC 1995 servers read nothing else of it), its
 * names pointing at the question's. Built by hand: the transfer path loads no generic DNS codec.
 */
export function buildQuery(id: number, zone: string, type: keyof typeof QTYPES, serial = 0): Buffer {
  const labels = zone === '' ? [] : zone.split('.').map((l) => Buffer.from(l, 'utf8'));
  const nameBytes = labels.reduce((n, l) => n + 1 + l.length, 1);
  if (nameBytes > 255 || labels.some((l) => l.length === 0 || l.length > 63)) {
    throw new ConfigError(
      `zone name "${zone}" is not a valid DNS name (empty label, label over 63 bytes or name over 255)`,
      'check the zone name in the device definition',
    );
  }
  const ixfr = type === 'IXFR';
  const msg = Buffer.alloc(2 + 12 + nameBytes + 4 + (ixfr ? IXFR_SOA_BYTES : 0));
  msg.writeUInt16BE(msg.length - 2, 0);
  msg.writeUInt16BE(id, 2);
  msg.writeUInt16BE(1, 6); // QDCOUNT
  let pos = 14;
  for (const l of labels) {
    msg[pos++] = l.length;
    pos += l.copy(msg, pos);
  }
  msg[pos++] = 0;
  pos = msg.writeUInt16BE(QTYPES[type], pos);
  pos = msg.writeUInt16BE(CLASS_IN, pos);
  if (ixfr) {
    msg.writeUInt16BE(1, 10); // NSCOUNT
    pos = msg.writeUInt16BE(0xc00c, pos); // owner: the question's name (offset 12 of the message)
    pos = msg.writeUInt16BE(TYPE_SOA, pos);
    pos = msg.writeUInt16BE(CLASS_IN, pos);
    pos = msg.writeUInt32BE(0, pos); // TTL
    pos = msg.writeUInt16BE(4 + 20, pos); // RDLENGTH
    pos = msg.writeUInt16BE(0xc00c, pos); // MNAME
    pos = msg.writeUInt16BE(0xc00c, pos); // RNAME
    msg.writeUInt32BE(serial >>> 0, pos); // SERIAL; refresh, retry, expire and minimum stay 0
  }
  return msg;
}

/** Asks the server for the zone's SOA over TCP (the same path the transfer takes, so a blocked port shows here). */
export async function querySoa(server: Endpoint, zone: string, opts: DnsTimeouts = {}): Promise<SoaAnswer> {
  const name = normaliseZone(zone);
  const id = randomInt(65536);
  let answer: SoaAnswer | undefined;
  const what = `SOA query for zone ${name}`;
  const classifier = new RecordClassifier(name);
  const wireName = new WireName();
  await exchangeOverTcp(
    server,
    what,
    buildQuery(id, name, 'SOA'),
    (msg) => {
      let serial: number | undefined;
      try {
        const header = readHeader(msg);
        if (header.id !== id || (header.flags & FLAG_QR) === 0) return false; // not ours: keep reading
        walkAnswers(msg, header, wireName, (owner, type, buf, rdata, rdlength) => {
          if (serial === undefined && type === TYPE_SOA && classifier.isApex(owner)) {
            serial = readSoaSerial(buf, rdata, rdlength);
          }
        });
        answer = {
          rcode: rcodeName(header.rcode),
          authoritative: (header.flags & FLAG_AA) !== 0 && serial !== undefined,
          ...(serial !== undefined ? { serial } : {}),
        };
      } catch (err) {
        if (!(err instanceof WireFormatError)) throw err;
        throw new TransientError(`${what} from ${formatEndpoint(server)}: malformed reply (${err.message})`);
      }
      return true;
    },
    opts,
  );
  if (!answer) throw new TransientError(`${what} from ${formatEndpoint(server)}: no reply`);
  return answer;
}

/** The error for a non-zero rcode in a transfer reply. */
export function transferRcodeError(server: Endpoint, zone: string, rcode: string): Error {
  const at = `AXFR of zone ${zone} from ${formatEndpoint(server)}`;
  if (rcode === 'REFUSED' || rcode === 'NOTAUTH') {
    return new ConfigError(
      `${at} was refused (${rcode})`,
      'the server does not allow this address yet; new policies take about 15 minutes to appear',
    );
  }
  if (rcode === 'NXDOMAIN') {
    return new ConfigError(`${at}: no such zone (NXDOMAIN)`, 'check the zone name in the device definition');
  }
  return new TransientError(`${at} failed (${rcode})`, 'the server may be loading the zone; retry later');
}

type Phase = 'first' | 'body' | 'done';

/** Transfers the zone and decodes it into prefixes. Throws before returning anything partial. */
export async function transferZone(server: Endpoint, zone: string, opts: TransferOptions = {}): Promise<DecodedZone> {
  const name = normaliseZone(zone);
  const at = `AXFR of zone ${name} from ${formatEndpoint(server)}`;
  const id = randomInt(65536);
  const decoder = opts.decoder ?? new ZoneRecordDecoder(name);
  const wireName = new WireName();
  let phase: Phase = 'first';
  let serial = 0;

  const visit = (owner: WireName, type: number, buf: Uint8Array, rdata: number, rdlength: number, cls: number) => {
    if (phase === 'body') {
      // Only the zone's own (class IN) SOA closes the transfer; any other record, or class, is the decoder's.
      if (type !== TYPE_SOA || cls !== CLASS_IN) return decoder.add(owner, type, buf, rdata, rdlength, cls);
      const closing = readSoaSerial(buf, rdata, rdlength);
      if (closing !== serial) {
        throw new TransientError(
          `${at}: incoherent transfer, the first SOA has serial ${serial} and the last ${closing}`,
          'the zone changed during the transfer; retry',
        );
      }
      phase = 'done';
      return;
    }
    if (phase === 'first') {
      if (type !== TYPE_SOA || cls !== CLASS_IN || !decoder.isApex(owner)) {
        throw new TransientError(`${at}: the transfer does not start with the zone's SOA`);
      }
      serial = readSoaSerial(buf, rdata, rdlength);
      phase = 'body';
      return;
    }
    throw new TransientError(`${at}: records after the closing SOA`);
  };

  await exchangeOverTcp(
    server,
    `AXFR of zone ${name}`,
    buildQuery(id, name, 'AXFR'),
    (msg) => {
      opts.onMessage?.(msg);
      try {
        const header = readHeader(msg);
        if (header.id !== id || (header.flags & FLAG_QR) === 0) {
          throw new TransientError(`${at}: a reply with a foreign id (${header.id}) in the stream`);
        }
        if (header.rcode !== 0) throw transferRcodeError(server, name, rcodeName(header.rcode));
        walkAnswers(msg, header, wireName, visit);
      } catch (err) {
        if (err instanceof WireFormatError) throw new TransientError(`${at}: malformed message: ${err.message}`);
        throw err;
      }
      return phase === 'done';
    },
    opts,
  );
  const result = decoder.finish();
  return { ...result, serial, sha256: result.sha256 ?? hashPrefixes(result.list) };
}

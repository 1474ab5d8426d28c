// Incremental zone transfer (RFC 1995) over TCP: the query carries the cached SOA in its authority section; the
// reply is the current SOA, then difference sequences (SOA old, deletions, SOA new, additions) chained from the
// cached serial to the current one, then the current SOA again. The walk applies each sequence to the cached
// multiset as it arrives and checks the chain exactly. Whatever does not fit (an rcode, an AXFR-style reply, a gap,
// a deletion the cache cannot match, a malformed message) ends in a 'fallback' outcome with its reason: the
// caller then transfers the whole zone. Nothing partial is ever returned.
import { randomInt } from 'node:crypto';
import type { Endpoint } from '../config/types.js';
import { buildQuery, rcodeName } from './axfr.js';
import { exchangeOverTcp } from './tcp-exchange.js';
import type { DnsTimeouts } from './tcp-exchange.js';
import { DeltaMismatch, ZoneDelta } from './zone-delta.js';
import type { CountedZone } from './zone-tally.js';
import { CLASS_IN, readHeader, readSoaSerial, TYPE_SOA, walkAnswers, WireFormatError, WireName } from './wire-walk.js';

const FLAG_QR = 0x8000;

export type IxfrOutcome =
  | { readonly kind: 'current' }
  | {
      readonly kind: 'updated';
      readonly zone: CountedZone;
      readonly added: number;
      readonly removed: number;
      readonly sequences: number;
    }
  | { readonly kind: 'fallback'; readonly reason: string };

/** The reply cannot be applied; `message` is the reason logged with the fallback. */
export class IxfrFallback extends Error {
  override readonly name = 'IxfrFallback';
}

const misfit = (err: DeltaMismatch): IxfrFallback =>
  new IxfrFallback(`the differences do not fit the cache: ${err.message}`);

/** RFC 1982: a is newer than b. */
function serialNewer(a: number, b: number): boolean {
  const d = (a - b) >>> 0;
  return d !== 0 && d < 0x80000000;
}

type Phase = 'first' | 'second' | 'deletions' | 'additions' | 'done';

/**
 * The sequence walk over the reply messages of one IXFR. `expected` is the serial the SOA query reported: the
 * reply must lead there. onMessage returns true when the reply is complete; result() then tells what it was.
 */
export class IxfrWalk {
  private readonly delta: ZoneDelta;
  private readonly name = new WireName();
  private phase: Phase = 'first';
  private newSerial = 0;
  /** Serial the sequence being read starts from (deletions) or leads to (additions). */
  private at: number;
  private sequences = 0;
  private messages = 0;
  private current = false;

  constructor(
    zone: string,
    private readonly id: number,
    private readonly base: CountedZone,
    private readonly expected: number,
  ) {
    this.delta = new ZoneDelta(zone, base);
    this.at = base.serial;
  }

  onMessage(msg: Uint8Array): boolean {
    let header;
    try {
      header = readHeader(msg);
      if (header.id !== this.id || (header.flags & FLAG_QR) === 0) {
        throw new IxfrFallback(`a reply with a foreign id (${header.id}) in the stream`);
      }
      if (header.rcode !== 0) throw new IxfrFallback(`the server answered ${rcodeName(header.rcode)}`);
      walkAnswers(msg, header, this.name, this.visit);
    } catch (err) {
      if (err instanceof WireFormatError) throw new IxfrFallback(`malformed message: ${err.message}`);
      if (err instanceof DeltaMismatch) throw misfit(err);
      throw err;
    }
    this.messages++;
    if (this.phase === 'first') throw new IxfrFallback('a reply without the zone SOA');
    if (this.phase === 'second' && this.messages === 1 && header.ancount === 1) {
      // Only the server's SOA: up to date when it is our serial. A serial older than ours means the server thinks
      // we are ahead (it went back); nothing incremental can follow.
      if (this.newSerial === this.base.serial) return (this.current = true);
      if (!serialNewer(this.newSerial, this.base.serial)) {
        throw new IxfrFallback(`the server's serial ${this.newSerial} is older than the cached ${this.base.serial}`);
      }
    }
    return this.phase === 'done';
  }

  result(): IxfrOutcome {
    if (this.current) return { kind: 'current' };
    if (this.phase !== 'done') throw new IxfrFallback('the reply ended before the final SOA');
    const { added, removed } = this.delta;
    try {
      const zone = this.delta.finish(this.newSerial);
      return { kind: 'updated', zone, added, removed, sequences: this.sequences };
    } catch (err) {
      throw err instanceof DeltaMismatch ? misfit(err) : err;
    }
  }

  private readonly visit = (
    owner: WireName,
    type: number,
    buf: Uint8Array,
    rdata: number,
    rdlength: number,
    cls: number,
  ): void => {
    const isSoa = type === TYPE_SOA && cls === CLASS_IN;
    if (isSoa && !this.delta.isApex(owner)) throw new IxfrFallback('an SOA record below the zone apex');
    const serial = isSoa ? readSoaSerial(buf, rdata, rdlength) : 0;
    switch (this.phase) {
      case 'first':
        if (!isSoa) throw new IxfrFallback('the reply does not start with the zone SOA');
        if (serial !== this.expected) {
          throw new IxfrFallback(`the reply leads to serial ${serial}, the SOA query said ${this.expected}`);
        }
        this.newSerial = serial;
        this.phase = 'second';
        return;
      case 'second':
        // RFC 1995 section 4: a second record that is not an SOA (or the current SOA: an empty zone) is a full zone.
        if (!isSoa || serial === this.newSerial) throw new IxfrFallback('an AXFR-style reply (full zone)');
        if (serial !== this.base.serial) {
          throw new IxfrFallback(`the differences start at serial ${serial}, the cache holds ${this.base.serial}`);
        }
        this.phase = 'deletions';
        return;
      case 'deletions':
        if (!isSoa) return this.delta.remove(owner, type, buf, rdata, rdlength, cls);
        this.at = serial;
        this.sequences++;
        this.phase = 'additions';
        return;
      case 'additions':
        if (!isSoa) return this.delta.add(owner, type, buf, rdata, rdlength, cls);
        if (serial === this.at && serial !== this.newSerial) {
          this.phase = 'deletions'; // the next sequence, from where the last one ended
          return;
        }
        if (serial === this.newSerial && this.at === this.newSerial) {
          this.phase = 'done';
          return;
        }
        throw new IxfrFallback(
          serial === this.newSerial
            ? `the differences end at serial ${this.at}, not at the current ${this.newSerial}`
            : `a gap in the differences: a sequence ends at serial ${this.at}, the next starts at ${serial}`,
        );
      case 'done':
        throw new IxfrFallback('records after the final SOA');
    }
  };
}

/** Asks for the differences from the cached zone's serial to `expected` and applies them. Never throws. */
export async function requestIxfr(
  server: Endpoint,
  zone: string,
  base: CountedZone,
  expected: number,
  timeouts: DnsTimeouts = {},
): Promise<IxfrOutcome> {
  const id = randomInt(65536);
  const walk = new IxfrWalk(zone, id, base, expected);
  try {
    await exchangeOverTcp(
      server,
      `IXFR of zone ${zone}`,
      buildQuery(id, zone, 'IXFR', base.serial),
      (m) => walk.onMessage(m),
      timeouts,
    );
    return walk.result();
  } catch (err) {
    return { kind: 'fallback', reason: (err as Error).message };
  }
}

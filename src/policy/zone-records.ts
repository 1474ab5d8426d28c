// Turns the records of one zone into prefixes, fed straight into a PrefixListBuilder (no string per record).
// Used: rpz-ip triggers (any RR at the trigger's owner: CNAME ., CNAME *., rpz-drop, local data; the owner is the
// prefix, so an owner with several RRs yields one prefix) and A/AAAA records elsewhere (one host each).
// Everything else is counted under a reason and reported, never silently dropped. Only class IN records count:
// a CH (or any other class) record at an rpz-ip owner is no address of the policy (it once became a block entry).
import { PrefixListBuilder, prefixCount } from '../cidr/index.js';
import type { PrefixList } from '../cidr/types.js';
import { decodeRpzIpTrigger, makeTriggerOut } from './rpz-ip.js';
import { CLASS_IN, readWord, TYPE_A, TYPE_AAAA, TYPE_CNAME, TYPE_NS, TYPE_SOA, TYPE_TXT } from './wire-walk.js';
import type { WireName } from './wire-walk.js';

/** Why a record gave no prefix. */
export type SkipReason =
  | 'ns'
  | 'soa'
  | 'txt'
  | 'qname-trigger'
  | 'rpz-nsdname'
  | 'rpz-nsip'
  | 'rpz-client-ip'
  | 'bad-rpz-ip'
  | 'bad-address-rdata'
  | 'out-of-zone'
  | `type-${number}`
  | `class-${string}`;

export interface DecodedRecords {
  readonly list: PrefixList;
  /** Records of the zone, without the SOA that opens and closes the transfer. */
  readonly records: number;
  /** Distinct prefixes decoded (an rpz-ip owner with several RRs counts once). */
  readonly decoded: number;
  readonly skipped: Record<string, number>;
}

/** RFC 1035 and 2136 class mnemonics, lower case as skip reasons are. */
const CLASS_NAMES: Record<number, string> = { 3: 'ch', 4: 'hs', 254: 'none', 255: 'any' };

const ascii = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.toLowerCase(), 'latin1'));
const RPZ_IP = ascii('rpz-ip');
const RPZ_NSDNAME = ascii('rpz-nsdname');
const RPZ_NSIP = ascii('rpz-nsip');
const RPZ_CLIENT_IP = ascii('rpz-client-ip');

/** Lower-case labels of a zone name, without the root; `example.org.` and `Example.org` are the same zone. */
export function zoneLabels(zone: string): Uint8Array[] {
  const trimmed = zone.endsWith('.') ? zone.slice(0, -1) : zone;
  return trimmed === '' ? [] : trimmed.split('.').map(ascii);
}

export class ZoneRecordDecoder {
  private readonly zone: Uint8Array[];
  private readonly builder = new PrefixListBuilder();
  private readonly trigger = makeTriggerOut();
  private readonly skips = new Map<string, number>();
  private records = 0;

  constructor(zone: string) {
    this.zone = zoneLabels(zone);
  }

  /** Whether `name` is the zone apex. */
  isApex(name: WireName): boolean {
    return name.count === this.zone.length && this.endsWithZone(name);
  }

  /** One record of the zone body (the caller keeps the framing SOAs out). */
  add(name: WireName, type: number, buf: Uint8Array, rdata: number, rdlength: number, cls = CLASS_IN): void {
    this.records++;
    if (cls !== CLASS_IN) return this.skip(`class-${CLASS_NAMES[cls] ?? cls}`);
    if (!this.endsWithZone(name)) return this.skip('out-of-zone');
    const below = name.count - this.zone.length;
    if (below >= 1) {
      const tag = below - 1;
      if (name.labelEquals(tag, RPZ_IP)) {
        if (!decodeRpzIpTrigger(name, tag, this.trigger)) return this.skip('bad-rpz-ip');
        const t = this.trigger;
        if (t.v6) this.builder.addV6(t.w[0]!, t.w[1]!, t.w[2]!, t.w[3]!, t.len);
        else this.builder.addV4(t.w[0]!, t.len);
        return;
      }
      if (name.labelEquals(tag, RPZ_NSDNAME)) return this.skip('rpz-nsdname');
      if (name.labelEquals(tag, RPZ_NSIP)) return this.skip('rpz-nsip');
      if (name.labelEquals(tag, RPZ_CLIENT_IP)) return this.skip('rpz-client-ip');
    }
    switch (type) {
      case TYPE_A:
        if (rdlength !== 4) return this.skip('bad-address-rdata');
        this.builder.addV4(readWord(buf, rdata), 32);
        return;
      case TYPE_AAAA:
        if (rdlength !== 16) return this.skip('bad-address-rdata');
        this.builder.addV6(
          readWord(buf, rdata),
          readWord(buf, rdata + 4),
          readWord(buf, rdata + 8),
          readWord(buf, rdata + 12),
          128,
        );
        return;
      case TYPE_NS:
        return this.skip('ns');
      case TYPE_SOA:
        return this.skip('soa');
      case TYPE_TXT:
        return this.skip('txt');
      case TYPE_CNAME:
        // A CNAME below the zone outside the rpz-* trees is an RPZ QNAME trigger: a domain, not an address.
        return this.skip('qname-trigger');
      default:
        return this.skip(`type-${type}`);
    }
  }

  finish(): DecodedRecords {
    const list = this.builder.build();
    const skipped: Record<string, number> = {};
    for (const [reason, n] of [...this.skips].sort((a, b) => a[0].localeCompare(b[0]))) skipped[reason] = n;
    return { list, records: this.records, decoded: prefixCount(list), skipped };
  }

  private skip(reason: SkipReason): void {
    this.skips.set(reason, (this.skips.get(reason) ?? 0) + 1);
  }

  private endsWithZone(name: WireName): boolean {
    const z = this.zone;
    const off = name.count - z.length;
    if (off < 0) return false;
    for (let i = 0; i < z.length; i++) if (!name.labelEquals(off + i, z[i]!)) return false;
    return true;
  }
}

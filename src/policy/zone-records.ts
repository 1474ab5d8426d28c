// Turns the records of one zone into prefixes, fed straight into a PrefixListBuilder (no string per record).
// Used: rpz-ip triggers (any RR at the trigger's owner: CNAME ., CNAME *., rpz-drop, local data; the owner is the
// prefix, so an owner with several RRs yields one prefix) and A/AAAA records elsewhere (one host each).
// Everything else is counted under a reason and reported, never silently dropped. Only class IN records count:
// a CH (or any other class) record at an rpz-ip owner is no address of the policy (it once became a block entry).
import { makePrefixList, PrefixListBuilder, prefixCount } from '../cidr/builder.js';
import { hashPrefixes } from '../cidr/hash.js';
import type { PrefixList } from '../cidr/types.js';
import { decodeRpzIpTrigger, makeTriggerOut } from './rpz-ip.js';
import type { TriggerOut } from './rpz-ip.js';
import { V4RunCollector } from './v4-runs.js';
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
  /** hashPrefixes(list), when the decoder had it at hand (saves the caller a pass over the list). */
  readonly sha256?: string;
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

/**
 * Classifies one record of a zone: the prefix it stands for (written into `out`, returns null) or why it gives
 * none. Shared by the AXFR decoder and IXFR's difference sequences (a deleted record must be classified exactly as
 * it was when added, so that the cached set stays equal to a full transfer's).
 */
export class RecordClassifier {
  private readonly zone: Uint8Array[];

  constructor(zone: string) {
    this.zone = zoneLabels(zone);
  }

  /** Whether `name` is the zone apex. */
  isApex(name: WireName): boolean {
    return name.count === this.zone.length && this.endsWithZone(name);
  }

  classify(
    name: WireName,
    type: number,
    buf: Uint8Array,
    rdata: number,
    rdlength: number,
    cls: number,
    out: TriggerOut,
  ): SkipReason | null {
    if (cls !== CLASS_IN) return `class-${CLASS_NAMES[cls] ?? cls}`;
    if (!this.endsWithZone(name)) return 'out-of-zone';
    const below = name.count - this.zone.length;
    if (below >= 1) {
      const tag = below - 1;
      if (name.labelEquals(tag, RPZ_IP)) return decodeRpzIpTrigger(name, tag, out) ? null : 'bad-rpz-ip';
      if (name.labelEquals(tag, RPZ_NSDNAME)) return 'rpz-nsdname';
      if (name.labelEquals(tag, RPZ_NSIP)) return 'rpz-nsip';
      if (name.labelEquals(tag, RPZ_CLIENT_IP)) return 'rpz-client-ip';
    }
    switch (type) {
      case TYPE_A:
        if (rdlength !== 4) return 'bad-address-rdata';
        out.v6 = false;
        out.len = 32;
        out.w[0] = readWord(buf, rdata);
        return null;
      case TYPE_AAAA:
        if (rdlength !== 16) return 'bad-address-rdata';
        out.v6 = true;
        out.len = 128;
        out.w[0] = readWord(buf, rdata);
        out.w[1] = readWord(buf, rdata + 4);
        out.w[2] = readWord(buf, rdata + 8);
        out.w[3] = readWord(buf, rdata + 12);
        return null;
      case TYPE_NS:
        return 'ns';
      case TYPE_SOA:
        return 'soa';
      case TYPE_TXT:
        return 'txt';
      case TYPE_CNAME:
        // A CNAME below the zone outside the rpz-* trees is an RPZ QNAME trigger: a domain, not an address.
        return 'qname-trigger';
      default:
        return `type-${type}`;
    }
  }

  private endsWithZone(name: WireName): boolean {
    const z = this.zone;
    const off = name.count - z.length;
    if (off < 0) return false;
    for (let i = 0; i < z.length; i++) if (!name.labelEquals(off + i, z[i]!)) return false;
    return true;
  }
}

/**
 * Accumulates the records of one full transfer into a prefix list (duplicates collapse) and skip counts. IPv4 is
 * sorted run by run while the transfer goes on (v4-runs.ts); IPv6 (rare in feeds) goes through the builder.
 */
export class ZoneRecordDecoder {
  private readonly classifier: RecordClassifier;
  private readonly v4 = new V4RunCollector();
  private readonly v6 = new PrefixListBuilder();
  private readonly trigger = makeTriggerOut();
  private readonly skips = new Map<string, number>();
  private records = 0;

  constructor(zone: string) {
    this.classifier = new RecordClassifier(zone);
  }

  /** Whether `name` is the zone apex. */
  isApex(name: WireName): boolean {
    return this.classifier.isApex(name);
  }

  /** One record of the zone body (the caller keeps the framing SOAs out). */
  add(name: WireName, type: number, buf: Uint8Array, rdata: number, rdlength: number, cls = CLASS_IN): void {
    this.records++;
    const t = this.trigger;
    const reason = this.classifier.classify(name, type, buf, rdata, rdlength, cls, t);
    if (reason !== null) {
      this.skips.set(reason, (this.skips.get(reason) ?? 0) + 1);
      return;
    }
    this.addPrefix(t);
  }

  /** One decoded prefix (a record that gave one); a subclass may keep it too. */
  protected addPrefix(t: TriggerOut): void {
    if (t.v6) this.v6.addV6(t.w[0]!, t.w[1]!, t.w[2]!, t.w[3]!, t.len);
    // As a signed 32-bit integer: an address past 2^31 read as a double made V8 drop its optimised code mid-transfer.
    else this.v4.add(t.w[0]! | 0, t.len);
  }

  finish(): DecodedRecords {
    const v4 = this.v4.finish();
    const v6 = this.v6.build().v6;
    const list = makePrefixList(v4.addr, v4.len, v6.words, v6.len);
    const sha256 = v4.sha256 !== null && v6.len.length === 0 ? v4.sha256 : hashPrefixes(list);
    const skipped: Record<string, number> = {};
    for (const [reason, n] of [...this.skips].sort((a, b) => a[0].localeCompare(b[0]))) skipped[reason] = n;
    return { list, records: this.records, decoded: prefixCount(list), skipped, sha256 };
  }
}

// A lean walker over DNS wire-format messages for the AXFR hot path. dns-packet decodes every field of every record
// into objects (~2.8 s per 1M records, perf-notes.md); here we only locate each answer's owner name (as label
// offsets into the message, following compression pointers), its type and its rdata. No strings are made.
// dns-packet stays the decoder for queries and small answers (SOA, errors); tests compare the two on real output.

export const TYPE_A = 1;
export const TYPE_NS = 2;
export const TYPE_CNAME = 5;
export const TYPE_SOA = 6;
export const TYPE_TXT = 16;
export const TYPE_AAAA = 28;
export const CLASS_IN = 1;

const HEADER_BYTES = 12;
const MAX_LABELS = 128;
const MAX_NAME_BYTES = 255;

/** The message is not valid DNS wire format (or not a reply to our query). */
export class WireFormatError extends Error {
  override readonly name = 'WireFormatError';
}

/** A domain name as label positions inside one message buffer; reused from record to record (no allocation). */
export class WireName {
  buf: Uint8Array = new Uint8Array(0);
  /** Offset of each label's first byte (after the length byte), from the leftmost label to the last before root. */
  readonly starts = new Int32Array(MAX_LABELS);
  readonly lens = new Uint8Array(MAX_LABELS);
  count = 0;

  /** Label i as a lower-case string: for messages and tests, not the hot path. */
  label(i: number): string {
    const s = this.starts[i]!;
    return Buffer.from(this.buf.subarray(s, s + this.lens[i]!))
      .toString('latin1')
      .toLowerCase();
  }

  /** The name in presentation form, lower case, without the trailing dot ('' for the root). */
  toString(): string {
    const parts: string[] = [];
    for (let i = 0; i < this.count; i++) parts.push(this.label(i));
    return parts.join('.');
  }

  /** Case-insensitive compare of label i with an ASCII byte string that is already lower case. */
  labelEquals(i: number, lower: Uint8Array): boolean {
    const n = this.lens[i]!;
    if (n !== lower.length) return false;
    const b = this.buf;
    const s = this.starts[i]!;
    for (let k = 0; k < n; k++) {
      let c = b[s + k]!;
      if (c >= 0x41 && c <= 0x5a) c |= 0x20;
      if (c !== lower[k]) return false;
    }
    return true;
  }
}

/**
 * Reads the name at `off` into `name` and returns the offset just after the name as it is written at `off` (a
 * compression pointer ends it). Pointers must point strictly backwards, which also rules out loops.
 */
export function readName(buf: Uint8Array, off: number, end: number, name: WireName): number {
  name.buf = buf;
  name.count = 0;
  let pos = off;
  let after = -1;
  let total = 1;
  for (;;) {
    if (pos >= end) throw new WireFormatError('name runs past the end of the message');
    const len = buf[pos]!;
    if (len === 0) {
      return after < 0 ? pos + 1 : after;
    }
    if ((len & 0xc0) === 0xc0) {
      if (pos + 1 >= end) throw new WireFormatError('truncated compression pointer');
      const target = ((len & 0x3f) << 8) | buf[pos + 1]!;
      if (after < 0) after = pos + 2;
      if (target >= pos) throw new WireFormatError('compression pointer does not point backwards');
      pos = target;
      continue;
    }
    if ((len & 0xc0) !== 0) throw new WireFormatError(`unsupported label type 0x${len.toString(16)}`);
    total += len + 1;
    if (total > MAX_NAME_BYTES || name.count >= MAX_LABELS) throw new WireFormatError('name longer than 255 bytes');
    if (pos + 1 + len > end) throw new WireFormatError('label runs past the end of the message');
    name.starts[name.count] = pos + 1;
    name.lens[name.count] = len;
    name.count++;
    pos += 1 + len;
  }
}

/** Skips a name without recording it; returns the offset after it. */
function skipName(buf: Uint8Array, off: number, end: number): number {
  let pos = off;
  for (;;) {
    if (pos >= end) throw new WireFormatError('name runs past the end of the message');
    const len = buf[pos]!;
    if (len === 0) return pos + 1;
    if ((len & 0xc0) === 0xc0) return pos + 2;
    if ((len & 0xc0) !== 0) throw new WireFormatError(`unsupported label type 0x${len.toString(16)}`);
    pos += 1 + len;
  }
}

export interface MessageHeader {
  readonly id: number;
  readonly flags: number;
  readonly rcode: number;
  readonly qdcount: number;
  readonly ancount: number;
}

export function readHeader(buf: Uint8Array): MessageHeader {
  if (buf.length < HEADER_BYTES) throw new WireFormatError(`message of ${buf.length} bytes is shorter than a header`);
  const flags = (buf[2]! << 8) | buf[3]!;
  return {
    id: (buf[0]! << 8) | buf[1]!,
    flags,
    rcode: flags & 0x0f,
    qdcount: (buf[4]! << 8) | buf[5]!,
    ancount: (buf[6]! << 8) | buf[7]!,
  };
}

/** Called once per answer record; `name` is only valid during the call. `cls` is the record's class (1 = IN). */
export type RecordVisitor = (
  name: WireName,
  type: number,
  buf: Uint8Array,
  rdata: number,
  rdlength: number,
  cls: number,
) => void;

/**
 * Walks the answer section of one message, calling `visit` per record. Authority and additional sections (OPT,
 * TSIG) are not walked: an AXFR carries the zone in answers only. Returns the number of answers.
 */
export function walkAnswers(buf: Uint8Array, header: MessageHeader, name: WireName, visit: RecordVisitor): number {
  const end = buf.length;
  let pos = HEADER_BYTES;
  for (let q = 0; q < header.qdcount; q++) {
    pos = skipName(buf, pos, end) + 4;
    if (pos > end) throw new WireFormatError('question runs past the end of the message');
  }
  for (let a = 0; a < header.ancount; a++) {
    pos = readName(buf, pos, end, name);
    if (pos + 10 > end) throw new WireFormatError('record header runs past the end of the message');
    const type = (buf[pos]! << 8) | buf[pos + 1]!;
    const cls = (buf[pos + 2]! << 8) | buf[pos + 3]!;
    const rdlength = (buf[pos + 8]! << 8) | buf[pos + 9]!;
    const rdata = pos + 10;
    pos = rdata + rdlength;
    if (pos > end) throw new WireFormatError('rdata runs past the end of the message');
    visit(name, type, buf, rdata, rdlength, cls);
  }
  return header.ancount;
}

/** The serial of an SOA record's rdata (after MNAME and RNAME, which may be compressed). */
export function readSoaSerial(buf: Uint8Array, rdata: number, rdlength: number): number {
  const end = rdata + rdlength;
  let pos = skipName(buf, rdata, end);
  pos = skipName(buf, pos, end);
  if (pos + 20 > end) throw new WireFormatError('SOA rdata too short');
  return ((buf[pos]! << 24) | (buf[pos + 1]! << 16) | (buf[pos + 2]! << 8) | buf[pos + 3]!) >>> 0;
}

/** Big-endian 32-bit word of rdata (A records, AAAA words). */
export function readWord(buf: Uint8Array, off: number): number {
  return ((buf[off]! << 24) | (buf[off + 1]! << 16) | (buf[off + 2]! << 8) | buf[off + 3]!) >>> 0;
}

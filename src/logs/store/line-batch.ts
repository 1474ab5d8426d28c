// The in-memory side of the hot write path: messages are copied, escaped, into chunks of up to 64 KiB, so appending costs
// one copy and no allocation per message, and a flush is one write of the joined chunks.

// Chunks start small and double up to 64 KiB: a thousand quiet devices do not hold 64 KiB each.
const FIRST_CHUNK_BYTES = 4 * 1024;
const MAX_CHUNK_BYTES = 64 * 1024;
const CR = 0x0d;
const LF = 0x0a;
const NUL = 0x00;
const HASH = 0x23;
const ZERO = 0x30;

/** Bytes the message takes once CR, LF and NUL are written as #015, #012, #000 (rsyslog's escaping), LF excluded. */
export function escapedLength(raw: Buffer): number {
  if (raw.indexOf(LF) === -1 && raw.indexOf(CR) === -1 && raw.indexOf(NUL) === -1) return raw.length;
  let specials = 0;
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i];
    if (b === LF || b === CR || b === NUL) specials++;
  }
  return raw.length + 3 * specials;
}

export class LineBatch {
  private readonly full: Buffer[] = [];
  private current: Buffer | null = null;
  private used = 0;
  private chunkBytes = FIRST_CHUNK_BYTES;
  /** Bytes held (escaped lines and their LFs). */
  bytes = 0;

  /** Appends the message as one line; `lineBytes` is escapedLength(raw) + 1 (computed by the caller already). */
  add(raw: Buffer, lineBytes: number): void {
    let target = this.current;
    if (target === null || target.length - this.used < lineBytes) {
      if (target !== null && this.used > 0) this.full.push(target.subarray(0, this.used));
      target = this.current = Buffer.allocUnsafe(Math.max(this.chunkBytes, lineBytes));
      this.chunkBytes = Math.min(MAX_CHUNK_BYTES, this.chunkBytes * 2);
      this.used = 0;
    }
    let at = this.used;
    if (lineBytes === raw.length + 1) {
      raw.copy(target, at);
      at += raw.length;
    } else {
      for (let i = 0; i < raw.length; i++) {
        const b = raw[i]!;
        if (b === LF || b === CR || b === NUL) {
          target[at] = HASH;
          target[at + 1] = ZERO;
          target[at + 2] = ZERO + (b >> 3);
          target[at + 3] = ZERO + (b & 7);
          at += 4;
        } else {
          target[at++] = b;
        }
      }
    }
    target[at++] = LF;
    this.used = at;
    this.bytes += lineBytes;
  }

  /** Everything held, as one buffer; the batch is empty afterwards. */
  take(): Buffer {
    const parts = this.full.splice(0);
    if (this.current !== null && this.used > 0) parts.push(this.current.subarray(0, this.used));
    this.current = null;
    this.used = 0;
    this.bytes = 0;
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }
}

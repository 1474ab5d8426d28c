// Splits a TCP byte stream into length-prefixed DNS messages (RFC 1035 4.2.2) inside one reusable buffer. The
// socket reads straight into the free space after any partial message (net's `onread`), so bytes are never copied
// per chunk: only the start of a message that straddles two reads is moved to the front, now and then.

const LENGTH_BYTES = 2;

export class MessageFramer {
  private buf: Buffer;
  /** First byte not yet handed out, and the end of the bytes read. */
  private start = 0;
  private end = 0;

  /**
   * `capacity`: initial buffer size; `minFree`: the least room a read gets. A DNS message has at most 65,535
   * bytes, so the default (256 KiB, 64 KiB) never grows; smaller figures (tests) grow as needed.
   */
  constructor(
    capacity = 256 * 1024,
    private readonly minFree = 64 * 1024,
  ) {
    this.buf = Buffer.allocUnsafe(Math.max(capacity, minFree + LENGTH_BYTES));
  }

  /** Where the next read writes: the free space after the unread bytes (at least `minFree` bytes). */
  readTarget(): Buffer {
    if (this.start === this.end) {
      this.start = 0;
      this.end = 0;
    } else if (this.buf.length - this.end < this.minFree) {
      const unread = this.end - this.start;
      if (unread + this.minFree > this.buf.length) {
        const bigger = Buffer.allocUnsafe(Math.max(2 * this.buf.length, unread + this.minFree));
        this.buf.copy(bigger, 0, this.start, this.end);
        this.buf = bigger;
      } else {
        this.buf.copyWithin(0, this.start, this.end);
      }
      this.start = 0;
      this.end = unread;
    }
    return this.buf.subarray(this.end);
  }

  /**
   * `n` bytes were written at the start of the last readTarget(). Hands each complete message to `onMessage` (the
   * message is only valid during the call: the buffer is reused) until it returns true; returns whether it did.
   */
  received(n: number, onMessage: (msg: Buffer) => boolean): boolean {
    this.end += n;
    const buf = this.buf;
    const end = this.end;
    let pos = this.start;
    try {
      while (end - pos >= LENGTH_BYTES) {
        const len = (buf[pos]! << 8) | buf[pos + 1]!;
        if (end - pos - LENGTH_BYTES < len) break;
        const msg = buf.subarray(pos + LENGTH_BYTES, pos + LENGTH_BYTES + len);
        pos += LENGTH_BYTES + len;
        if (onMessage(msg)) return true;
      }
    } finally {
      this.start = pos;
    }
    return false;
  }

  /** Bytes read but not yet part of a complete message. */
  get pending(): number {
    return this.end - this.start;
  }
}

// Syslog framing over a byte stream (RFC 6587) and over datagrams. This is the receive hot path: delimiters are
// found with Buffer.indexOf (memchr), each message is copied once out of the socket chunk (so a queued message
// never pins a whole 64 KiB chunk), and nothing is done per byte except reading an octet count.
//
// TCP, decided per message as rsyslog does: a frame starting with a digit is octet-counted (`LEN SP MSG`), any
// other is ended by LF (or NUL). Empty LF frames are skipped. Limits:
// - a message longer than maxMessageBytes is cut there (the rest up to its end is read and discarded), counted;
// - an octet count of more than 9 digits, of 0, above MAX_OCTET_COUNT, or not followed by SP is not syslog: the
//   caller closes the connection (malformed). Counts between maxMessageBytes and MAX_OCTET_COUNT are read whole and
//   cut, so one long message does not drop the connection and every later message.

const LF = 0x0a;
const NUL = 0x00;
const SP = 0x20;
const ZERO = 0x30;
const NINE = 0x39;

/** Above this an octet count is taken as garbage, not as a long message (16 MiB). */
export const MAX_OCTET_COUNT = 16 * 1024 * 1024;

const enum State {
  Start,
  Count,
  Octets,
  Line,
  DiscardLine,
}

export type OnMessage = (raw: Buffer, truncated: boolean) => void;

/** One TCP connection's framing state. */
export class TcpFramer {
  private state = State.Start;
  // Octet-counted frame: what is left to read, and the buffer the kept part is copied into.
  private count = 0;
  private digits = 0;
  private remaining = 0;
  private target: Buffer | null = null;
  private filled = 0;
  // LF-framed message split across chunks: the parts so far (copies).
  private pieces: Buffer[] = [];
  private piecesBytes = 0;

  constructor(
    private readonly maxMessageBytes: number,
    private readonly onMessage: OnMessage,
  ) {}

  /** Bytes held for an incomplete message (at most about maxMessageBytes). */
  get bufferedBytes(): number {
    return this.piecesBytes + (this.target === null ? 0 : this.filled);
  }

  /** Frames a chunk; every complete message in it is delivered before this returns. False: malformed, close. */
  push(chunk: Buffer): boolean {
    const n = chunk.length;
    let i = 0;
    let nextNul = -2; // -2: not searched yet in this chunk; -1: none from the last search on
    while (i < n) {
      switch (this.state) {
        case State.Start: {
          const c = chunk[i]!;
          if (c >= ZERO && c <= NINE) {
            this.state = State.Count;
            this.count = 0;
            this.digits = 0;
          } else if (c === LF || c === NUL) i++;
          else this.state = State.Line;
          break;
        }
        case State.Count: {
          const c = chunk[i]!;
          if (c >= ZERO && c <= NINE) {
            if (++this.digits > 9) return false;
            this.count = this.count * 10 + (c - ZERO);
            i++;
            break;
          }
          if (c !== SP || this.count === 0 || this.count > MAX_OCTET_COUNT) return false;
          i++;
          this.remaining = this.count;
          this.target = Buffer.allocUnsafe(Math.min(this.count, this.maxMessageBytes));
          this.filled = 0;
          this.state = State.Octets;
          break;
        }
        case State.Octets: {
          const target = this.target!;
          const take = Math.min(this.remaining, n - i);
          const copy = Math.min(take, target.length - this.filled);
          if (copy > 0) this.filled += chunk.copy(target, this.filled, i, i + copy);
          i += take;
          this.remaining -= take;
          if (this.remaining === 0) {
            this.target = null;
            this.state = State.Start;
            this.onMessage(target, this.count > target.length);
          }
          break;
        }
        case State.Line:
        case State.DiscardLine: {
          let end = chunk.indexOf(LF, i);
          if (nextNul === -2 || (nextNul >= 0 && nextNul < i)) nextNul = chunk.indexOf(NUL, i);
          if (nextNul >= 0 && (end === -1 || nextNul < end)) end = nextNul;
          const stop = end === -1 ? n : end;
          if (this.state === State.DiscardLine) {
            if (end !== -1) this.state = State.Start;
            i = end === -1 ? n : end + 1;
            break;
          }
          const room = this.maxMessageBytes - this.piecesBytes;
          if (stop - i > room) {
            this.deliverLine(chunk.subarray(i, i + room), true);
            this.state = State.DiscardLine;
            i += room;
            break;
          }
          if (end === -1) {
            const part = Buffer.from(chunk.subarray(i, n));
            this.pieces.push(part);
            this.piecesBytes += part.length;
            i = n;
            break;
          }
          this.deliverLine(chunk.subarray(i, end), false);
          this.state = State.Start;
          i = end + 1;
          break;
        }
      }
    }
    return true;
  }

  /** The sender closed: a pending LF-framed message is delivered. False: an octet-counted frame was cut short. */
  end(): boolean {
    if (this.state === State.Line && this.piecesBytes > 0) {
      this.deliverLine(Buffer.alloc(0), false);
      this.state = State.Start;
    }
    const clean = this.state === State.Start || this.state === State.Line || this.state === State.DiscardLine;
    this.target = null;
    return clean;
  }

  /** The connection is gone without an end: an incomplete message is dropped. */
  discard(): void {
    this.pieces = [];
    this.piecesBytes = 0;
    this.target = null;
    this.state = State.Start;
  }

  private deliverLine(last: Buffer, truncated: boolean): void {
    let raw: Buffer;
    if (this.pieces.length === 0) raw = Buffer.from(last);
    else {
      this.pieces.push(last);
      raw = Buffer.concat(this.pieces, this.piecesBytes + last.length);
      this.pieces = [];
      this.piecesBytes = 0;
    }
    if (raw.length > 0) this.onMessage(raw, truncated);
  }
}

/** One datagram as one message: trailing LF and NUL stripped, cut at maxMessageBytes. Null when empty. */
export function datagramMessage(data: Buffer, maxMessageBytes: number): { raw: Buffer; truncated: boolean } | null {
  let end = data.length;
  while (end > 0 && (data[end - 1] === LF || data[end - 1] === NUL)) end--;
  if (end === 0) return null;
  const truncated = end > maxMessageBytes;
  return { raw: data.subarray(0, truncated ? maxMessageBytes : end), truncated };
}

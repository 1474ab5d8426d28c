import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MessageFramer } from './message-framer.js';

/** The stream as the server writes it: each message behind its 2-byte length. */
function frame(messages: Uint8Array[]): Buffer {
  return Buffer.concat(messages.map((m) => Buffer.concat([Buffer.from([m.length >> 8, m.length & 255]), m])));
}

/** Feeds `stream` to the framer cut at `cuts` (a read never gets more than the room offered), copying each message. */
function feed(framer: MessageFramer, stream: Buffer, cuts: number[], stopAfter = Infinity): Buffer[] {
  const out: Buffer[] = [];
  const bounds = [...new Set(cuts.filter((c) => c > 0 && c < stream.length))].sort((a, b) => a - b);
  let from = 0;
  for (const to of [...bounds, stream.length]) {
    while (from < to) {
      const target = framer.readTarget();
      const n = Math.min(target.length, to - from);
      stream.copy(target, 0, from, from + n);
      from += n;
      const done = framer.received(n, (msg) => {
        out.push(Buffer.from(msg));
        return out.length >= stopAfter;
      });
      if (done) return out;
    }
  }
  return out;
}

const messages = fc.array(fc.uint8Array({ minLength: 0, maxLength: 300 }), { maxLength: 12 });

describe('MessageFramer', () => {
  it('yields exactly the framed messages whatever the read boundaries (small buffer: compaction and growth)', () => {
    fc.assert(
      fc.property(messages, fc.array(fc.nat(4000), { maxLength: 30 }), (msgs, cuts) => {
        const stream = frame(msgs);
        const got = feed(new MessageFramer(64, 16), stream, cuts);
        expect(got).toEqual(msgs.map((m) => Buffer.from(m)));
      }),
      { numRuns: 300 },
    );
  });

  it('splits at every byte position of a stream of messages', () => {
    const msgs = [Buffer.from([1, 2, 3]), Buffer.alloc(0), Buffer.alloc(70, 7), Buffer.from([9])];
    const stream = frame(msgs);
    for (let cut = 0; cut <= stream.length; cut++) {
      for (const framer of [new MessageFramer(), new MessageFramer(40, 8)]) {
        expect(feed(framer, stream, [cut])).toEqual(msgs);
        expect(framer.pending).toBe(0);
      }
    }
    // One byte per read.
    expect(feed(new MessageFramer(40, 8), stream, Array.from(stream.keys()))).toEqual(msgs);
  });

  it('stops at the message the handler calls the last, keeping what follows unread', () => {
    const msgs = [Buffer.from([1]), Buffer.from([2, 2]), Buffer.from([3, 3, 3])];
    const framer = new MessageFramer();
    expect(feed(framer, frame(msgs), [], 2)).toEqual(msgs.slice(0, 2));
    expect(framer.pending).toBe(5);
  });

  it('keeps a partial message across reads and the largest DNS message whole', () => {
    const big = Buffer.alloc(65535, 0xab);
    big[0] = 1;
    big[65534] = 2;
    const framer = new MessageFramer();
    const stream = frame([Buffer.from([5]), big, Buffer.from([6])]);
    const got = feed(framer, stream, [1, 4, 30000, 65536, 65538]);
    expect(got.map((m) => m.length)).toEqual([1, 65535, 1]);
    expect(got[1]!.equals(big)).toBe(true);
  });

  it('passes an exception from the handler on, after the message it was given', () => {
    const framer = new MessageFramer();
    const target = framer.readTarget();
    const stream = frame([Buffer.from([1]), Buffer.from([2])]);
    stream.copy(target);
    expect(() =>
      framer.received(stream.length, () => {
        throw new Error('bad message');
      }),
    ).toThrow('bad message');
    expect(framer.pending).toBe(3);
  });
});

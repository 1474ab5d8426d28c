import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_OCTET_COUNT, TcpFramer, datagramMessage } from './framing.js';

interface Got {
  readonly messages: string[];
  readonly truncated: boolean[];
  readonly framer: TcpFramer;
}

function framer(max = 65536): Got {
  const messages: string[] = [];
  const truncated: boolean[] = [];
  const f = new TcpFramer(max, (raw, t) => {
    messages.push(raw.toString('latin1'));
    truncated.push(t);
  });
  return { messages, truncated, framer: f };
}

const octet = (m: string) => `${Buffer.byteLength(m, 'latin1')} ${m}`;

describe('TcpFramer', () => {
  it('many short LF lines in one chunk, NUL also ends a message, empty frames skipped', () => {
    const g = framer();
    const lines = Array.from({ length: 1000 }, (_, i) => `<13>line ${i}`);
    expect(g.framer.push(Buffer.from(lines.join('\n') + '\n\n\0<14>nul-ended\0<15>x\n', 'latin1'))).toBe(true);
    expect(g.messages).toEqual([...lines, '<14>nul-ended', '<15>x']);
    expect(g.framer.bufferedBytes).toBe(0);
  });

  it('one line across many chunks, and one octet-counted frame split byte by byte', () => {
    const g = framer();
    const long = '<13>' + 'x'.repeat(5000);
    const stream = Buffer.from(long + '\n' + octet('<14>octet\nwith LF inside') + octet('<15>next'), 'latin1');
    for (let i = 0; i < stream.length; i += 7) expect(g.framer.push(stream.subarray(i, i + 7))).toBe(true);
    expect(g.messages).toEqual([long, '<14>octet\nwith LF inside', '<15>next']);
  });

  it('decides the framing per message: LF, octet-counted and LF again on one stream', () => {
    const g = framer();
    g.framer.push(Buffer.from('<13>a\n' + octet('<13>b') + '<13>c\n' + octet('<13>d') + octet('<13>e'), 'latin1'));
    expect(g.messages).toEqual(['<13>a', '<13>b', '<13>c', '<13>d', '<13>e']);
  });

  it('any split of a mixed stream gives the same messages as the whole stream', () => {
    const msg = fc.string({ minLength: 1, maxLength: 60 }).map((s) => '<13>' + s.replace(/[\n\0]/g, '_'));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(msg, fc.boolean()), { minLength: 1, maxLength: 30 }),
        fc.array(fc.nat(400), { maxLength: 10 }),
        (frames, cuts) => {
          const stream = Buffer.from(frames.map(([m, oc]) => (oc ? octet(m) : m + '\n')).join(''), 'latin1');
          const g = framer();
          let at = 0;
          for (const cut of [...cuts].sort((a, b) => a - b)) {
            const to = Math.min(cut, stream.length);
            if (to > at) expect(g.framer.push(stream.subarray(at, to))).toBe(true);
            at = Math.max(at, to);
          }
          if (at < stream.length) g.framer.push(stream.subarray(at));
          expect(g.messages).toEqual(frames.map(([m]) => m));
          expect(g.framer.end()).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('cuts an LF message at maxMessageBytes, discards the rest of it, and goes on', () => {
    const g = framer(100);
    g.framer.push(Buffer.from('<13>' + 'a'.repeat(300)));
    g.framer.push(Buffer.from('b'.repeat(300) + '\n<13>after\n'));
    expect(g.messages).toEqual(['<13>' + 'a'.repeat(96), '<13>after']);
    expect(g.truncated).toEqual([true, false]);
    expect(g.framer.bufferedBytes).toBe(0);
  });

  it('a message of exactly maxMessageBytes is whole, not truncated', () => {
    const h = framer(10);
    h.framer.push(Buffer.from('<13>456789'));
    h.framer.push(Buffer.from('\n<13>x\n'));
    expect(h.messages).toEqual(['<13>456789', '<13>x']);
    expect(h.truncated).toEqual([false, false]);
  });

  it('an octet count above maxMessageBytes is read whole and cut; the next frame is intact', () => {
    const g = framer(100);
    const big = '<13>' + 'z'.repeat(5000);
    g.framer.push(Buffer.from(octet(big) + octet('<13>next')));
    expect(g.messages).toEqual([big.slice(0, 100), '<13>next']);
    expect(g.truncated).toEqual([true, false]);
  });

  it('holds at most maxMessageBytes for an incomplete message', () => {
    const g = framer(100);
    g.framer.push(Buffer.from('<13>' + 'q'.repeat(80)));
    expect(g.framer.bufferedBytes).toBe(84);
    g.framer.push(Buffer.from('5000 <13>' + 'q'.repeat(10)));
    expect(g.framer.bufferedBytes).toBeLessThanOrEqual(100);
    const h = framer(100);
    h.framer.push(Buffer.from('5000 ' + 'q'.repeat(4000)));
    expect(h.framer.bufferedBytes).toBe(100);
  });

  it.each([
    ['a non-digit inside the count', '12x <13>a'],
    ['a count of 0', '0 <13>a\n'],
    ['ten digits', '1234567890 <13>a'],
    ['a count above 16 MiB', `${MAX_OCTET_COUNT + 1} <13>a`],
  ])('rejects %s as malformed', (_what, text) => {
    expect(framer().framer.push(Buffer.from(text))).toBe(false);
  });

  it('at the end of the stream delivers a pending LF message, flags a cut octet-counted frame', () => {
    const g = framer();
    g.framer.push(Buffer.from('<13>no newline'));
    expect(g.framer.end()).toBe(true);
    expect(g.messages).toEqual(['<13>no newline']);
    const h = framer();
    h.framer.push(Buffer.from('50 <13>short'));
    expect(h.framer.end()).toBe(false);
    expect(h.messages).toEqual([]);
  });
});

describe('datagramMessage', () => {
  it('strips trailing LF and NUL, keeps inner ones, cuts at the limit', () => {
    expect(datagramMessage(Buffer.from('<13>a\nb\n\0\n'), 100)).toEqual({
      raw: Buffer.from('<13>a\nb'),
      truncated: false,
    });
    expect(datagramMessage(Buffer.from('\n\0'), 100)).toBeNull();
    expect(datagramMessage(Buffer.from('<13>abcdef'), 5)).toEqual({ raw: Buffer.from('<13>a'), truncated: true });
  });
});

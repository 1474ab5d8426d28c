import { describe, expect, it } from 'vitest';
import { encodeTelnetText, TelnetDecoder } from './telnet-connect.js';

const IAC = 255;
const [WILL, WONT, DO, DONT, SB, SE] = [251, 252, 253, 254, 250, 240];

describe('TelnetDecoder', () => {
  it('accepts WILL ECHO and WILL SUPPRESS-GO-AHEAD, refuses every other option, strips the sequences', () => {
    const d = new TelnetDecoder();
    const { data, replies } = d.feed(
      Buffer.from([IAC, WILL, 1, IAC, WILL, 3, IAC, DO, 24, IAC, WILL, 31, ...Buffer.from('User'), IAC, DO, 1]),
    );
    expect(data.toString()).toBe('User');
    expect([...replies]).toEqual([IAC, DO, 1, IAC, DO, 3, IAC, WONT, 24, IAC, DONT, 31, IAC, WONT, 1]);
  });

  it('answers a repeated request only once (no negotiation loop), and ignores WONT / DONT', () => {
    const d = new TelnetDecoder();
    d.feed(Buffer.from([IAC, WILL, 1]));
    expect([...d.feed(Buffer.from([IAC, WILL, 1, IAC, WONT, 3, IAC, DONT, 1])).replies]).toEqual([]);
  });

  it('keeps its state across chunks, skips subnegotiation, and turns IAC IAC into one data byte', () => {
    const d = new TelnetDecoder();
    const parts = [
      Buffer.from([65, IAC]),
      Buffer.from([WILL]),
      Buffer.from([3, IAC, SB, 24, 1, IAC]),
      Buffer.from([SE, 66, IAC, IAC, 67]),
    ];
    const out = parts.map((p) => d.feed(p));
    expect(Buffer.concat(out.map((o) => o.data))).toEqual(Buffer.from([65, 66, IAC, 67]));
    expect([...Buffer.concat(out.map((o) => o.replies))]).toEqual([IAC, DO, 3]);
  });
});

describe('encodeTelnetText', () => {
  it('sends newlines as CR LF, and never the byte IAC (UTF-8 has none)', () => {
    expect(encodeTelnetText('show run\nexit\r\n').toString()).toBe('show run\r\nexit\r\n');
    expect(encodeTelnetText('\u00ff\uffff').includes(IAC)).toBe(false);
  });
});

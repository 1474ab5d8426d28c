import { describe, expect, it } from 'vitest';
import { TelnetInput } from './telnet-server.js';

describe('TelnetInput', () => {
  it('strips option negotiations and subnegotiations, keeps IAC IAC as 255, turns CR NUL into CR', () => {
    const input = new TelnetInput();
    const bytes = [
      ...Buffer.from('ab'),
      255,
      253,
      1, // DO ECHO
      255,
      250,
      24,
      0,
      ...Buffer.from('vt100'),
      255,
      240, // SB TERMINAL-TYPE IS vt100 SE
      255,
      255, // data 255
      13,
      0, // CR NUL
      ...Buffer.from('c'),
      13,
      10,
    ];
    expect([...input.feed(Buffer.from(bytes))]).toEqual([97, 98, 255, 13, 99, 13, 10]);
  });

  it('keeps its state across chunk boundaries', () => {
    const input = new TelnetInput();
    const out = [
      ...input.feed(Buffer.from([120, 255])),
      ...input.feed(Buffer.from([251])),
      ...input.feed(Buffer.from([3, 121, 13])),
      ...input.feed(Buffer.from([0, 122])),
    ];
    expect(out).toEqual([120, 121, 13, 122]);
  });
});

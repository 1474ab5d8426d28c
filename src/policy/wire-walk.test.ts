import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { readHeader, readName, readSoaSerial, walkAnswers, WireFormatError, WireName } from './wire-walk.js';

function walk(msg: Buffer): string[] {
  const out: string[] = [];
  walkAnswers(msg, readHeader(msg), new WireName(), (name, type, buf, rdata, rdlength) => {
    out.push(`${name.toString()}/${type}${type === 6 ? `/${readSoaSerial(buf, rdata, rdlength)}` : ''}`);
  });
  return out;
}

describe('wire walker', () => {
  it('follows compression pointers, including chains, case-insensitively', () => {
    // Header with one answer; owner `A.b.` written once at 12, then `x.<ptr 12>`, then a pointer to that name.
    const head = Buffer.from([0, 1, 0x84, 0, 0, 0, 0, 3, 0, 0, 0, 0]);
    const rr = (name: number[]): Buffer => Buffer.from([...name, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1]);
    const msg = Buffer.concat([
      head,
      rr([1, 0x41, 1, 0x62, 0]), // A.b at 12
      rr([1, 0x78, 0xc0, 12]), // x.A.b at 31
      rr([0xc0, 31]), // -> x.A.b
    ]);
    expect(walk(msg)).toEqual(['a.b/1', 'x.a.b/1', 'x.a.b/1']);
  });

  it('refuses pointer loops, forward pointers and overruns', () => {
    const name = new WireName();
    expect(() => readName(Buffer.from([0xc0, 0]), 0, 2, name)).toThrow(WireFormatError);
    expect(() => readName(Buffer.from([0xc0, 2, 0]), 0, 3, name)).toThrow(/backwards/);
    expect(() => readName(Buffer.from([5, 0x61]), 0, 2, name)).toThrow(WireFormatError);
    expect(() => readName(Buffer.from([0x40, 0]), 0, 2, name)).toThrow(/label type/);
    const long = Buffer.concat([
      ...Array.from({ length: 5 }, () => Buffer.from([63, ...Buffer.alloc(63, 0x61)])),
      Buffer.from([0]),
    ]);
    expect(() => readName(long, 0, long.length, name)).toThrow(/255/);
    const msg = dnsPacket.encode({ type: 'response', id: 1, answers: [{ type: 'A', name: 'a.b', data: '192.0.2.1' }] });
    expect(() => walk(msg.subarray(0, msg.length - 2))).toThrow(/rdata runs past/);
  });

  it('agrees with dns-packet on its own encoding (questions, SOA, several types)', () => {
    const msg = dnsPacket.encode({
      type: 'response',
      id: 7,
      questions: [{ type: 'AXFR', name: 'zone.test' }],
      answers: [
        {
          type: 'SOA',
          name: 'zone.test',
          data: {
            mname: 'ns.zone.test',
            rname: 'h.zone.test',
            serial: 4000000000,
            refresh: 1,
            retry: 1,
            expire: 1,
            minimum: 1,
          },
        },
        { type: 'CNAME', name: '32.1.2.0.192.rpz-ip.zone.test', data: '.' },
        { type: 'TXT', name: 'Info.zone.test', data: 'hello' },
        { type: 'AAAA', name: 'h.zone.test', data: '2001:db8::1' },
      ],
    });
    expect(readHeader(msg)).toMatchObject({ id: 7, rcode: 0, qdcount: 1, ancount: 4 });
    expect(walk(msg)).toEqual([
      'zone.test/6/4000000000',
      '32.1.2.0.192.rpz-ip.zone.test/5',
      'info.zone.test/16',
      'h.zone.test/28',
    ]);
  });
});

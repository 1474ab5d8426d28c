// Replies a real server would not send, from a raw TCP server on loopback: each must end in a clear error, never in
// a result. The server answers every query with `reply(queryId)`, framed (2-byte length) as DNS over TCP is.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TransientError } from '../errors.js';
import { querySoa, transferZone } from './axfr.js';

const HOST = '127.0.12.1';
const servers: net.Server[] = [];

async function serve(reply: (id: number) => Buffer): Promise<{ host: string; port: number }> {
  const server = net.createServer((sock) => {
    sock.once('data', (q) => {
      const msg = reply(q.readUInt16BE(2));
      const len = Buffer.alloc(2);
      len.writeUInt16BE(msg.length);
      sock.end(Buffer.concat([len, msg]));
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, HOST, r));
  return { host: HOST, port: (server.address() as net.AddressInfo).port };
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A reply header (QR, AA) with `an` answers and no question, then `body`. */
const reply = (id: number, an: number, body: number[]): Buffer =>
  Buffer.from([id >> 8, id & 255, 0x84, 0, 0, 0, 0, an, 0, 0, 0, 0, ...body]);
// `lab.rpz` SOA owner, then type SOA class IN ttl 60 and the given rdlength.
const SOA_HEAD = [3, 0x6c, 0x61, 0x62, 3, 0x72, 0x70, 0x7a, 0, 0, 6, 0, 1, 0, 0, 0, 60];

describe('malformed replies', () => {
  it('an SOA answer with short rdata is a malformed reply, not a serial', async () => {
    const at = await serve((id) => reply(id, 1, [...SOA_HEAD, 0, 3, 0, 0, 0]));
    const err = await querySoa(at, 'lab.rpz').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientError);
    expect((err as Error).message).toBe(
      `SOA query for zone lab.rpz from ${HOST}:${at.port}: malformed reply (SOA rdata too short)`,
    );
  });

  it('a reply shorter than a header is a malformed reply', async () => {
    const at = await serve(() => Buffer.from([1, 2, 3]));
    await expect(querySoa(at, 'lab.rpz')).rejects.toThrow(/malformed reply \(message of 3 bytes/);
  });

  it('a transfer whose record runs past its message is malformed, nothing returned', async () => {
    const at = await serve((id) => reply(id, 1, [...SOA_HEAD, 0, 40, 1, 2]));
    await expect(transferZone(at, 'lab.rpz')).rejects.toThrow(
      `AXFR of zone lab.rpz from ${HOST}:${at.port}: malformed message: rdata runs past the end of the message`,
    );
  });
});

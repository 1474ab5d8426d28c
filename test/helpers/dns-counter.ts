// A TCP relay in front of a DNS server that counts the queries passing through by type (SOA, AXFR): tscm asks
// and transfers over TCP, one query per connection, so the first message of each connection is the question.
// Listens on port 5353 of a free 127.0.72.x address (policy servers must be on port 53 or 5353).

import { randomInt } from 'node:crypto';
import net from 'node:net';
import dnsPacket from 'dns-packet';

export interface DnsCounter {
  readonly host: string;
  readonly port: number;
  /** Queries seen, by type and zone: `SOA block.example`. */
  counts(): Map<string, number>;
  count(type: 'SOA' | 'AXFR', zone?: string): number;
  reset(): void;
  close(): Promise<void>;
}

export async function startDnsCounter(target: { host: string; port: number }): Promise<DnsCounter> {
  const counts = new Map<string, number>();
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    return s;
  };
  const server = net.createServer((client) => {
    track(client);
    const upstream = track(net.connect(target.port, target.host));
    let first: Buffer | null = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => {
      if (first !== null) {
        first = Buffer.concat([first, chunk]);
        if (first.length >= 2 && first.length >= 2 + first.readUInt16BE(0)) {
          const q = dnsPacket.decode(first.subarray(2, 2 + first.readUInt16BE(0))).questions?.[0];
          const key = `${q?.type ?? '?'} ${(q?.name ?? '').toLowerCase()}`;
          counts.set(key, (counts.get(key) ?? 0) + 1);
          first = null;
        }
      }
      upstream.write(chunk);
    });
    upstream.pipe(client);
    client.on('end', () => upstream.end());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  let host = '';
  for (let attempt = 0; ; attempt++) {
    host = `127.0.72.${randomInt(2, 254)}`;
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(5353, host, () => resolve());
      });
      break;
    } catch (err) {
      if (attempt > 20) throw err;
    }
  }
  return {
    host,
    port: 5353,
    counts: () => new Map(counts),
    count: (type, zone) =>
      [...counts]
        .filter(([k]) => k.startsWith(`${type} `) && (zone === undefined || k === `${type} ${zone}`))
        .reduce((n, [, v]) => n + v, 0),
    reset: () => counts.clear(),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

// A loopback TCP proxy adding rttMs/2 each way (a WAN-like link to a device) for the apply benchmarks; equal delays
// keep the byte order.

import { createConnection, createServer } from 'node:net';
import { setTimeout } from 'node:timers';

export async function startDelayProxy(target, rttMs) {
  const half = rttMs / 2;
  const server = createServer((client) => {
    const upstream = createConnection(target.port, target.host);
    const pipe = (from, to) => {
      from.on('data', (d) => setTimeout(() => to.writable && to.write(d), half));
      from.on('close', () => setTimeout(() => to.destroy(), half));
      from.on('error', () => to.destroy());
    };
    pipe(client, upstream);
    pipe(upstream, client);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { host: '127.0.0.1', port: server.address().port, close: () => new Promise((r) => server.close(r)) };
}

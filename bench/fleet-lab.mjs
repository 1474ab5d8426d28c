// The lab of the fleet benchmark, in its own process so that the tscm process measured is alone: N emulated IOS
// routers on loopback and the lab policy DNS server with P block zones (each router uses zone i % P). Prints one
// JSON line with the addresses, then answers commands on stdin, one JSON line each:
//   counts            {"transfers": {...}, "soa": {...}, "sessions": K}   (K: routers that received commands since the last counts)
//   roll ZONE SHARE   the zone's next version: SHARE of its entries replaced, serial + 1
//   quit
//
//   node bench/fleet-lab.mjs --devices 500 --policies 5 --size 2000

import { createInterface } from 'node:readline';
import { loadCompiled, numberOption } from './harness.mjs';

const { startIosEmulator } = await loadCompiled('lab/ios/index.js');
const { startLabDnsServer } = await loadCompiled('lab/dns-server.js');
const { generateFeed, rollFeed } = await loadCompiled('lab/demo/policy-feed.js');

const DEVICES = numberOption('--devices', 500);
const POLICIES = numberOption('--policies', 5);
const SIZE = numberOption('--size', 2000);
const secrets = { username: 'bench', password: 'bench-pw-fleet', enablePassword: 'bench-en-fleet' };

const feeds = Array.from({ length: POLICIES }, (_, i) => generateFeed(SIZE, 1000 + i));
const zoneName = (i) => `block${i}.fleet.tscm.test`;
const serials = feeds.map(() => 1);
const dns = await startLabDnsServer({
  host: '127.0.70.53',
  port: 5353, // a policy server listens on 53 or 5353
  zones: feeds.map((f, i) => ({ name: zoneName(i), serial: 1, prefixes: f.block })),
});

const routers = [];
for (let i = 0; i < DEVICES; i++) {
  routers.push(await startIosEmulator({ host: '127.0.70.1', config: `hostname fleet-${i}\n`, ...secrets }));
}
const seen = routers.map((r) => r.commandLog().length);

process.stdout.write(
  JSON.stringify({
    dns: { host: dns.host, port: dns.port },
    zones: feeds.map((_, i) => zoneName(i)),
    routers: routers.map((r) => ({ host: r.host, port: r.port })),
    fingerprint: routers[0].hostKeyFingerprint,
    secrets,
  }) + '\n',
);

let rollSeed = 1;
for await (const line of createInterface({ input: process.stdin })) {
  const [cmd, a, b] = line.trim().split(/\s+/);
  if (cmd === 'counts') {
    let sessions = 0;
    routers.forEach((r, i) => {
      const n = r.commandLog().length;
      if (n !== seen[i]) sessions++;
      seen[i] = n;
    });
    process.stdout.write(JSON.stringify({ ...dns.queryCounts(), sessions }) + '\n');
  } else if (cmd === 'roll') {
    const i = Number(a);
    feeds[i] = rollFeed(feeds[i], Number(b), rollSeed++);
    serials[i]++;
    dns.setZone({ name: zoneName(i), serial: serials[i], prefixes: feeds[i].block });
    process.stdout.write('{}\n');
  } else if (cmd === 'quit') {
    break;
  }
}
await Promise.all(routers.map((r) => r.close()));
await dns.close();
process.exit(0);

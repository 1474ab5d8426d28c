// What the blocks hit, end to end: real IOS and ASA deny lines (test/fixtures/acl-log, public sources) sent with
// `logger` to `tscm syslog`, counted against the device's block and allow entries from its state, then reported by
// `tscm hits DEVICE --json`: the busiest blocked sources, the entries that hit and those that never did, and an
// allow-list hit (a likely false positive in the block list).

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { prefixesFromStrings } from '../../src/cidr/index.js';
import { StateStore } from '../../src/state/index.js';
import { runTscm } from '../helpers/cli.js';
import {
  HAVE_LOGGER,
  linesFiled,
  logger,
  makeDefinitions,
  startSyslog,
  stopAll,
  until,
  type Definitions,
} from '../helpers/syslog-cli.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/acl-log');

let defs: Definitions | undefined;
afterEach(async () => {
  await stopAll();
  await defs?.close();
  defs = undefined;
});

/** The fixture lines holding `needle`, from the Cisco message id on (what the device's text is after its header). */
function fixtureMessages(needle: string): string[] {
  const out: string[] = [];
  for (const f of readdirSync(FIXTURES).filter((n) => n.endsWith('.log'))) {
    for (const line of readFileSync(path.join(FIXTURES, f), 'utf8').split('\n')) {
      if (line.includes(needle)) out.push(line.slice(line.indexOf('%')));
    }
  }
  if (out.length === 0) throw new Error(`no fixture line holds ${needle}`);
  return out;
}

// ASA: a source in 192.168.2.0/24 denied twice; a DMZ host on the allow list denied once
const ASA_BLOCKED = fixtureMessages('Deny tcp src outside:192.168.2.126/53638 dst inside:10.0.0.132/8111');
const ASA_ALLOWED = fixtureMessages('Deny udp src dmz:192.168.1.33/5555 dst outside:192.168.0.12/53');
// IOS: an inside host denied towards 81.2.69.144 (twice), and an ICMP line of 32 packets; a rate-limit summary
const IOS_BLOCKED = fixtureMessages('list 150 denied tcp 192.168.100.12(598');
const IOS_ICMP = fixtureMessages('list 150 denied icmp 192.168.100.12 -> 192.168.100.1 (3/3), 32 packets');
const IOS_SUMMARY = fixtureMessages('%SEC-6-IPACCESSLOGRL: access-list logging rate-limited or missed 18 packets');

const BLOCK = ['192.168.2.0/24', '192.168.1.0/24', '81.2.69.144/32', '203.0.113.0/24'];
const ALLOW = ['192.168.1.33/32'];

describe.skipIf(!HAVE_LOGGER)('tscm hits on real deny lines', () => {
  it('attributes IOS and ASA deny lines to block entries, lists the entries never hit and the allow-list hit', async () => {
    expect(ASA_BLOCKED).toHaveLength(2);
    expect(IOS_BLOCKED).toHaveLength(2);
    defs = await makeDefinitions([{ name: 'fw-h', host: '127.0.0.1' }]);
    // the state a past apply left: the block and allow groups the device holds
    await new StateStore(path.join(defs.dir, '.tscm')).write('fw-h', {
      inventory: {
        groups: [
          { name: 'ThreatSTOP-Block', role: 'block', created: true, members: prefixesFromStrings(BLOCK) },
          { name: 'ThreatSTOP-Allow', role: 'allow', created: true, members: prefixesFromStrings(ALLOW) },
        ],
      },
      zones: [],
      lastApply: { ok: true, planId: 'p-1', summary: { add: 5, remove: 0, create: 2, delete: 0 }, revision: null },
      appliedAt: new Date().toISOString(),
    });
    const rx = await startSyslog(defs, { args: ['--listen', '127.0.0.1:0'] });
    const messages = [...ASA_BLOCKED, ...ASA_ALLOWED, ...IOS_BLOCKED, ...IOS_ICMP, ...IOS_SUMMARY];
    await logger(['-n', rx.host, '-P', String(rx.port), '-T', '--rfc3164', '-t', 'fw-h'], messages.join('\n') + '\n');
    await linesFiled(defs.logDir, 'fw-h', messages.length);
    const status = await until('the ACL lines counted', async () => {
      const s = await rx.logsStatus();
      const d = s.devices.find((x) => x.device === 'fw-h') as Record<string, number> | undefined;
      return d !== undefined && (d.aclLines ?? 0) >= 6 ? d : undefined;
    });
    // block hits: 192.168.2.126 twice, 81.2.69.144 twice, 192.168.1.33 once (it is in 192.168.1.0/24 too)
    expect(status).toMatchObject({ aclLines: 6, blockHits: 5, allowHits: 1 });
    expect((await rx.stop()).code).toBe(0);

    const r = await runTscm(['hits', 'fw-h', '--json', '--dir', defs.dir, '--since', '24h']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ formatVersion: 1, device: 'fw-h' });
    // the rate-limit summary is no hit; the ICMP line stands for 32 packets
    expect(report.totals).toMatchObject({ aclLines: 6, deniedPackets: 2 + 1 + 2 + 32, blockHits: 5, allowHits: 1 });
    expect(report.topSources.slice(0, 2)).toEqual([
      { address: '192.168.100.12', packets: 34, blockEntry: null },
      { address: '192.168.2.126', packets: 2, blockEntry: '192.168.2.0/24' },
    ]);
    expect(report.topDestinations).toContainEqual({ address: '81.2.69.144', packets: 2, blockEntry: '81.2.69.144/32' });
    const top = Object.fromEntries(
      report.blockEntries.top.map((e: { entry: string; packets: number }) => [e.entry, e.packets]),
    );
    expect(top).toMatchObject({ '192.168.2.0/24': 2, '81.2.69.144/32': 2 });
    expect(report.blockEntries).toMatchObject({
      total: 4,
      withHits: 3,
      neverHit: { count: 1, first: ['203.0.113.0/24'] },
    });
    expect(report.allowHits).toEqual([
      expect.objectContaining({
        entry: '192.168.1.33/32',
        address: '192.168.1.33',
        packets: 1,
        blockEntry: '192.168.1.0/24',
        likelyFalsePositive: true,
      }),
    ]);

    const table = await runTscm(['hits', 'fw-h', '--dir', defs.dir]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain('192.168.2.0/24');
    expect(table.stdout).toContain('192.168.1.33');
  });
});

// `tscm policy` end to end: the built CLI against a real NSD serving RPZ zones on port 5353 of a random loopback
// address. The expected figures and sets come from a small interval reference in this file (and, byte for byte,
// from FireHOL iprange when it is installed), never from src/cidr: the code under test does not grade itself.

import { execFileSync, spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeRpzIpOwner } from '../../src/policy/index.js';
import { startNsd, type NsdServer } from '../dns/nsd.js';
import { generateRpzZone, zoneFileText } from '../dns/zones.js';
import { CLI, runTscm } from '../helpers/cli.js';

const ZONE = {
  block: 'block.policy-e2e.test',
  allowA: 'allow-a.policy-e2e.test',
  allowB: 'allow-b.policy-e2e.test',
  refused: 'refused.policy-e2e.test',
  empty: 'empty.policy-e2e.test',
};
const BLOCK_SERIAL = 2026112310;
const GENERATED = generateRpzZone(ZONE.block, BLOCK_SERIAL, 3000, 11, 0); // IPv4 only, a few /8-/31
const BLOCK_V4 = GENERATED.expected;
// IPv6 (iprange has none): two adjacent /48s aggregate to one /47, and a host.
const BLOCK_V6 = ['2001:db8::/48', '2001:db8:1::/48', '2001:db8:ffff::1/128'];
const V6_HOST = '2001:db8:ffff::1'; // hosts print without /32 or /128
// Records a decoder must count under a reason and skip.
const BLOCK_ODD = ['evil.example CNAME .', 'info TXT "not an address"', 'ns.evil.example.rpz-nsdname CNAME .'];
const ALLOW_A_V4 = [BLOCK_V4[10]!, BLOCK_V4[20]!, BLOCK_V4[30]!];
const ALLOW_B_V4 = [BLOCK_V4[40]!, BLOCK_V4[50]!];
const CAP_B = 200;

const rpz = (cidrs: readonly string[]) => cidrs.map((c) => `${encodeRpzIpOwner(c)} CNAME .`);
const generatedBody = GENERATED.text.split('\n').filter((l) => l.includes('.rpz-ip '));
const ZONES = [
  { name: ZONE.block, body: [...generatedBody, ...rpz(BLOCK_V6), ...BLOCK_ODD], serial: BLOCK_SERIAL, xfr: true },
  { name: ZONE.allowA, body: rpz([...ALLOW_A_V4, '2001:db8:1::/48']), serial: 4, xfr: true },
  { name: ZONE.allowB, body: rpz(ALLOW_B_V4), serial: 9, xfr: true },
  { name: ZONE.refused, body: rpz(['192.0.2.1/32']), serial: 3, xfr: false },
  { name: ZONE.empty, body: [], serial: 1, xfr: true },
];

// ---- IPv4 reference: CIDRs -> merged [start, end] ranges -> minimal CIDRs (what iprange --optimize prints).
type Range = [number, number];
const ipToNumber = (ip: string) => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
const numberToIp = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
function toRanges(cidrs: readonly string[]): Range[] {
  const ranges = cidrs.map((c): Range => {
    const [ip, len = '32'] = c.split('/');
    const start = ipToNumber(ip!);
    return [start, start + 2 ** (32 - Number(len)) - 1];
  });
  ranges.sort((a, b) => a[0] - b[0]);
  const out: Range[] = [];
  for (const r of ranges) {
    const last = out.at(-1);
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}
function subtractRanges(a: Range[], b: Range[]): Range[] {
  const out: Range[] = [];
  for (const [s0, e] of a) {
    let s = s0;
    for (const [bs, be] of b) {
      if (be < s || bs > e) continue;
      if (bs > s) out.push([s, bs - 1]);
      s = be + 1;
    }
    if (s <= e) out.push([s, e]);
  }
  return out;
}
function rangesToCidrs(ranges: Range[]): string[] {
  const out: string[] = [];
  for (const [start, end] of ranges) {
    for (let s = start; s <= end;) {
      let size = 1;
      while (s % (size * 2) === 0 && s + size * 2 - 1 <= end) size *= 2;
      const len = 32 - Math.log2(size);
      out.push(len === 32 ? numberToIp(s) : `${numberToIp(s)}/${len}`);
      s += size;
    }
  }
  return out;
}
const lengthOf = (line: string) => Number(line.split('/')[1] ?? (line.includes(':') ? 128 : 32));

interface PolicyJson {
  device: string;
  zones: Record<string, unknown>[];
  groups: { name: string; role: string; entries: number }[];
  truncation: { dropped: number; limit: number; sample: string[] } | null;
}

const IPRANGE = ['/usr/bin/iprange', '/usr/sbin/iprange', '/usr/local/bin/iprange'].find((p) => existsSync(p));

describe('tscm policy against a real NSD on 127.x.y.z:5353', () => {
  let nsd: NsdServer;
  let tmp: string;
  let defs: string;
  let errs: string;
  let closedHost: string;
  const axfrLines = async () =>
    (await readFile(path.join(nsd.dir, 'nsd.log'), 'utf8')).split('\n').filter((l) => /axfr for/i.test(l));

  beforeAll(async () => {
    const zones = ZONES.map((z) => ({
      name: z.name,
      text: zoneFileText(z.name, z.serial, z.body),
      allowTransfer: z.xfr,
    }));
    for (let attempt = 0; ; attempt++) {
      // Below 127.128/9: the generated feed lists 127.128.0.0/9, and a policy server inside the block list is
      // carved out of it (the lock-out proof), which the reference here does not model.
      const host = `127.${randomInt(1, 128)}.${randomInt(1, 254)}.${randomInt(1, 254)}`;
      try {
        nsd = await startNsd(zones, { host, port: 5353 });
        break;
      } catch (err) {
        if (attempt >= 5) throw err;
      }
    }
    tmp = await mkdtemp(path.join(tmpdir(), 'tscm-policy-e2e-'));
    const device = (name: string, policy: string, extra = '') =>
      `name: ${name}
platform: ios
deviceId: tdid_${name.replace(/-/g, '')}
management: { host: 192.0.2.10 }
credentials: { username: { env: E2E_USER }, password: { env: E2E_PASSWORD } }
hostKey: { fingerprint: "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8" }
policy:
${policy}
${extra}`;
    defs = path.join(tmp, 'defs');
    errs = path.join(tmp, 'errs');
    await mkdir(path.join(errs, 'lists'), { recursive: true });
    await mkdir(defs);
    for (const d of [defs, errs])
      await writeFile(path.join(d, 'tscm.yaml'), `policyServer: { host: ${nsd.host}, port: 5353 }\n`);
    const edge = (name: string, allow: string, max: number) =>
      device(name, `  blockList: ${ZONE.block}\n  allowList: ${allow}`, `objectGroups: { maxEntries: ${max} }`);
    await writeFile(path.join(defs, 'a.yaml'), edge('edge-a', ZONE.allowA, 100_000));
    await writeFile(path.join(defs, 'b.yaml'), edge('edge-b', ZONE.allowB, CAP_B));
    // A closed port: another loopback address where nothing listens on 5353.
    closedHost = nsd.host.replace(/\.\d+$/, (m) => `.${(Number(m.slice(1)) % 250) + 2}`);
    await writeFile(
      path.join(errs, 'devices.yaml'),
      [
        device('refused', `  blockList: ${ZONE.refused}`),
        device('empty', `  blockList: ${ZONE.empty}`),
        device('badfile', `  blockList: ${ZONE.block}\n  allowList: { file: lists/allow.txt }`),
        device('closed', `  blockList: ${ZONE.block}\n  server: { host: ${closedHost}, port: 5353 }`),
        device('bigfile', '  blockList: { file: lists/big.txt }', 'objectGroups: { maxEntries: 100000 }'),
      ].join('---\n'),
    );
    // Far more than a pipe buffer (64 KiB) of output, so a reader that stops early closes the pipe mid-write.
    const big = Array.from({ length: 30_000 }, (_, i) => numberToIp(ipToNumber('10.0.0.0') + 2 * i));
    await writeFile(path.join(errs, 'lists', 'big.txt'), big.join('\n') + '\n');
    await writeFile(path.join(errs, 'lists', 'allow.txt'), '# partners\n198.51.100.0/24\n198.51.100.300\n');
  });
  afterAll(async () => {
    await nsd?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  const policy = (args: string[], dir = defs) => runTscm(['policy', ...args, '--dir', dir]);

  // Expected sets, from the reference.
  const blockRanges = toRanges(BLOCK_V4);
  const aggregatedV4 = rangesToCidrs(blockRanges);
  // IPv6 by hand: allow-a takes 2001:db8:1::/48 back out of the /47.
  const desiredA = [...rangesToCidrs(subtractRanges(blockRanges, toRanges(ALLOW_A_V4))), '2001:db8::/48', V6_HOST];
  const fullB = [...rangesToCidrs(subtractRanges(blockRanges, toRanges(ALLOW_B_V4))), '2001:db8::/47', V6_HOST];
  // The cap keeps IPv4 before IPv6, then shorter prefixes, then lower addresses; the allow group is kept first.
  const capOrder = fullB
    .map((line, i) => ({ line, i }))
    .sort((x, y) => {
      const v6 = Number(x.line.includes(':')) - Number(y.line.includes(':'));
      return v6 || lengthOf(x.line) - lengthOf(y.line) || x.i - y.i;
    });
  const keptB = new Set(capOrder.slice(0, CAP_B - ALLOW_B_V4.length).map((e) => e.i));
  const droppedB = fullB.filter((_, i) => !keptB.has(i));

  it('the reference agrees with iprange --optimize (when installed)', () => {
    if (!IPRANGE) return; // test-all.sh installs it; without it the reference alone grades the CLI
    const out = execFileSync(IPRANGE, ['--optimize'], { input: BLOCK_V4.join('\n') + '\n' }).toString();
    expect(out).toBe(aggregatedV4.join('\n') + '\n');
  });

  it('--json: per device each zone with serial and counts, the groups after the cap, the truncation', async () => {
    const before = (await axfrLines()).length;
    const r = await policy(['--json']);
    expect(r.code, r.stderr).toBe(0);
    const [a, b] = JSON.parse(r.stdout) as PolicyJson[];
    expect(a!.device).toBe('edge-a');
    expect(b!.device).toBe('edge-b');
    const server = `${nsd.host}:5353`;
    const blockZone = {
      role: 'block',
      source: `${ZONE.block} @ ${server}`,
      serial: BLOCK_SERIAL,
      // every RR: the triggers, the apex NS and the three odd records
      records: BLOCK_V4.length + BLOCK_V6.length + 1 + BLOCK_ODD.length,
      decoded: BLOCK_V4.length + BLOCK_V6.length,
      aggregated: aggregatedV4.length + 2,
      skipped: { ns: 1, 'qname-trigger': 1, txt: 1, 'rpz-nsdname': 1 },
      fromCache: false,
    };
    expect(a!.zones).toEqual([
      blockZone,
      {
        role: 'allow',
        source: `${ZONE.allowA} @ ${server}`,
        serial: 4,
        records: 5,
        decoded: 4,
        aggregated: 4,
        skipped: { ns: 1 },
        fromCache: false,
      },
    ]);
    expect(a!.groups).toEqual([
      { name: 'threatstop-block', role: 'block', entries: desiredA.length },
      { name: 'threatstop-allow', role: 'allow', entries: 4 },
    ]);
    expect(a!.truncation).toBeNull();

    expect(b!.zones[0]).toEqual(blockZone);
    expect(b!.zones[1]).toMatchObject({ serial: 9, records: 3, decoded: 2, aggregated: 2, fromCache: false });
    expect(b!.groups).toEqual([
      { name: 'threatstop-block', role: 'block', entries: CAP_B - ALLOW_B_V4.length },
      { name: 'threatstop-allow', role: 'allow', entries: ALLOW_B_V4.length },
    ]);
    expect(b!.truncation).toEqual({
      dropped: droppedB.length,
      limit: CAP_B,
      sample: droppedB.slice(0, 5).map((c) => (c.includes('/') ? c : `${c}/${c.includes(':') ? 128 : 32}`)),
    });
    // The shared block zone went over the wire once for both devices (NSD logs each AXFR at verbosity 1).
    const axfrs = (await axfrLines()).slice(before);
    expect(axfrs.filter((l) => l.includes(ZONE.block))).toHaveLength(1);
    expect(axfrs).toHaveLength(3);
  });

  it('--cidrs: the desired block set alone, byte-identical to iprange of block minus allow', async () => {
    const r = await policy(['edge-a', '--cidrs']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(desiredA.join('\n') + '\n');
    if (IPRANGE) {
      const dir = await mkdtemp(path.join(tmp, 'iprange-'));
      await writeFile(path.join(dir, 'block.txt'), BLOCK_V4.join('\n') + '\n');
      await writeFile(path.join(dir, 'allow.txt'), ALLOW_A_V4.join('\n') + '\n');
      const ref = execFileSync(IPRANGE, [path.join(dir, 'block.txt'), '--except', path.join(dir, 'allow.txt')]);
      const v4 = r.stdout.split('\n').filter((l) => l !== '' && !l.includes(':'));
      expect(v4.join('\n') + '\n').toBe(ref.toString());
    }
    const capped = await policy(['edge-b', '--cidrs']);
    expect(capped.code, capped.stderr).toBe(0);
    expect(capped.stderr).toMatch(/policy cut to the maximum policy size limit=\d+ dropped=\d+/);
    expect(r.stderr).not.toMatch(/policy cut/);
    expect(capped.stdout).toBe(fullB.filter((_, i) => keptB.has(i)).join('\n') + '\n');
  });

  it('the human view shows the same figures', async () => {
    const r = await policy([]);
    expect(r.code, r.stderr).toBe(0);
    const [a, b] = r.stdout.split(/^(?=edge-b$)/m);
    expect(a).toContain(`block ${ZONE.block} @ ${nsd.host}:5353  serial ${BLOCK_SERIAL}`);
    expect(a).toContain(`${BLOCK_V4.length + 7} records, ${BLOCK_V4.length + 3} CIDRs decoded`);
    expect(a).toContain(`${aggregatedV4.length + 2} after aggregation`);
    expect(a).toMatch(/skipped: .*1 qname-trigger/);
    expect(a).toContain(`group threatstop-block: ${desiredA.length} entries after the cap`);
    expect(b).toContain(`allow ${ZONE.allowB} @ ${nsd.host}:5353  serial 9`);
    expect(b).toContain(`group threatstop-block: ${CAP_B - 2} entries after the cap`);
    expect(b).toContain(`cut to the maximum policy size ${CAP_B}: ${droppedB.length} entries left out`);
  });

  it('a later run takes every zone from the cache in .tscm/zones and transfers nothing', async () => {
    const cacheDir = path.join(defs, '.tscm', 'zones');
    const files = await readdir(cacheDir);
    expect(files).toHaveLength(3);
    const mtimes = await Promise.all(files.map(async (f) => (await stat(path.join(cacheDir, f))).mtimeMs));
    const before = (await axfrLines()).length;
    const r = await policy(['--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Array<{ zones: Array<{ fromCache: boolean; serial: number }> }>;
    expect(out.flatMap((d) => d.zones.map((z) => z.fromCache))).toEqual([true, true, true, true]);
    expect(out[0]!.zones[0]!.serial).toBe(BLOCK_SERIAL);
    expect((await axfrLines()).length).toBe(before);
    const after = await Promise.all(files.map(async (f) => (await stat(path.join(cacheDir, f))).mtimeMs));
    expect(after).toEqual(mtimes);
    const human = await policy(['edge-a']);
    expect(human.stdout).toContain(`serial ${BLOCK_SERIAL} (cached)`);
  });

  it('a zone the server refuses to transfer: exit 1, naming zone, server:port and the likely cause', async () => {
    const r = await policy(['refused', '--json'], errs);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`AXFR of zone ${ZONE.refused} from ${nsd.host}:5353 was refused (REFUSED)`);
    expect(r.stderr).toMatch(/hint: the server does not allow this address yet/);
  });

  it('a closed port: exit 1, naming zone, server:port and what to check', async () => {
    const r = await policy(['closed'], errs);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`zone ${ZONE.block} from ${closedHost}:5353: connection refused`);
    expect(r.stderr).toContain(`hint: check the policy server address and port (${closedHost}:5353)`);
  });

  it('an empty zone: exit 1 and no desired set, not even an empty one', async () => {
    const cidrs = await policy(['empty', '--cidrs'], errs);
    expect(cidrs.code).toBe(1);
    expect(cidrs.stdout).toBe('');
    expect(cidrs.stderr).toContain(`zone ${ZONE.empty} on ${nsd.host}:5353 is empty`);
    expect(cidrs.stderr).toMatch(/hint: /);
    const json = await policy(['empty', '--json'], errs);
    expect(json.code).toBe(1);
    expect(json.stdout).toBe('');
  });

  it('a policy file with a bad line: exit 1 naming file:line', async () => {
    const r = await policy(['badfile'], errs);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${path.join(errs, 'lists', 'allow.txt')}:3:`);
    expect(r.stderr).toContain('198.51.100.300');
    expect(r.stderr).toMatch(/hint: /);
  });

  it('--cidrs piped to a reader that stops early (| head -1) ends quietly with exit 0', async () => {
    const child = spawn(process.execPath, [CLI, 'policy', 'bigfile', '--cidrs', '--dir', errs], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    let first = '';
    child.stdout.once('data', (d: Buffer) => {
      first = d.toString().split('\n')[0]!;
      child.stdout.destroy();
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(first).toBe('10.0.0.0');
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('--cidrs with zero or two devices: exit 1 with a clear message', async () => {
    for (const names of [[], ['edge-a', 'edge-b']]) {
      const r = await policy([...names, '--cidrs']);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain("--cidrs prints one device's set: name exactly one device");
    }
  });
});

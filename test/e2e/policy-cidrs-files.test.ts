// `tscm policy DEVICE --cidrs` over list files (the route that loads no zone stack) end to end with the built CLI:
// the set equals a small interval reference in this file (block minus allow, aggregated; never src/cidr grading
// itself), byte for byte FireHOL iprange's when it is installed, and the counts of the full route (`--json`).
// The block file has every shape feature: CRLF, a BOM, comments, blank lines, bare and /32 hosts, host bits,
// duplicates and an IPv6 entry.

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTscm } from '../helpers/cli.js';

type Range = [number, number];
const ipToNumber = (ip: string) => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
const numberToIp = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
function toRanges(cidrs: readonly string[]): Range[] {
  const ranges = cidrs.map((c): Range => {
    const [ip, len = '32'] = c.split('/');
    const size = 2 ** (32 - Number(len));
    const start = Math.floor(ipToNumber(ip!) / size) * size; // host bits cleared
    return [start, start + size - 1];
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

const IPRANGE = ['/usr/bin/iprange', '/usr/sbin/iprange', '/usr/local/bin/iprange'].find((p) => existsSync(p));

// Seeded entries clustered in two /20s (overlaps, adjacency, duplicates) plus a few wide ones and the top address.
let seed = 20261130;
const rand = (n: number) => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed % n;
};
const BLOCK: string[] = [];
for (let i = 0; i < 4000; i++) {
  const base = rand(2) === 0 ? ipToNumber('10.20.0.0') : ipToNumber('203.0.112.0');
  const a = base + rand(4096);
  const r = rand(10);
  BLOCK.push(r < 7 ? numberToIp(a) : r < 8 ? `${numberToIp(a)}/32` : `${numberToIp(a)}/${24 + rand(8)}`); // host bits on some
}
BLOCK.push(...BLOCK.slice(0, 300), '198.18.0.0/15', '255.255.255.255', '0.0.0.0/8');
const ALLOW = ['10.20.3.0/24', '203.0.113.7', '198.18.128.0/17'];
const BLOCK_V6 = '2001:db8::/32';

describe('tscm policy --cidrs over list files', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'tscm-policy-files-'));
    const lines = ['# block list, written by hand and by a feed', ''];
    BLOCK.forEach((e, i) => lines.push(i % 50 === 0 ? `  ${e}\t# seen ${i}` : i % 97 === 0 ? `${e}\n` : e));
    lines.push(BLOCK_V6);
    await writeFile(path.join(tmp, 'block.txt'), '\ufeff' + lines.join('\r\n') + '\r\n');
    await writeFile(path.join(tmp, 'allow.txt'), ALLOW.join('\n'));
    // iprange reads neither the BOM nor IPv6: its copy of the block list has the IPv4 lines only.
    await writeFile(path.join(tmp, 'block-v4.txt'), BLOCK.join('\n') + '\n');
    const device = (name: string, extra: string) => `name: ${name}
platform: ios
deviceId: tdid_${name}
management: { host: 192.0.2.10 }
credentials: { username: { env: E2E_USER }, password: { env: E2E_PASSWORD } }
hostKey: { fingerprint: "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8" }
policy:
  blockList: { file: block.txt }
  allowList: { file: allow.txt }
${extra}
`;
    await writeFile(
      path.join(tmp, 'devices.yaml'),
      [
        device('files', 'objectGroups: { maxEntries: 100000 }'),
        device('capped', 'objectGroups: { maxEntries: 10 }'),
      ].join('---\n'),
    );
  });
  afterAll(() => rm(tmp, { recursive: true, force: true }));

  it('prints block minus allow, aggregated, as the reference and iprange do, and warns of host bits', async () => {
    const r = await runTscm(['policy', 'files', '--cidrs', '--dir', tmp]);
    expect(r.code, r.stderr).toBe(0);
    const expected = rangesToCidrs(subtractRanges(toRanges(BLOCK), toRanges(ALLOW)));
    expect(r.stdout).toBe([...expected, '2001:db8::/32'].join('\n') + '\n');
    expect(r.stderr).toMatch(/entries with host bits set were normalised/);
    if (IPRANGE) {
      const ref = execFileSync(IPRANGE, [path.join(tmp, 'block-v4.txt'), '--except', path.join(tmp, 'allow.txt')]);
      expect(expected.join('\n') + '\n').toBe(ref.toString());
    }
    // The full route (zone resolver, pins) counts the same group.
    const json = await runTscm(['policy', 'files', '--json', '--dir', tmp]);
    expect(json.code, json.stderr).toBe(0);
    const [entry] = JSON.parse(json.stdout) as { groups: { role: string; entries: number }[] }[];
    expect(entry!.groups.find((g) => g.role === 'block')!.entries).toBe(expected.length + 1);
  });

  it('a cap keeps the widest entries and says the cut on stderr', async () => {
    const r = await runTscm(['policy', 'capped', '--cidrs', '--dir', tmp]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/policy cut to the maximum policy size/);
    const lines = r.stdout.split('\n').filter((l) => l !== '');
    expect(lines.length).toBe(10 - ALLOW.length);
    expect(lines.slice(0, 1)).toEqual(['0.0.0.0/8']); // the widest entries are kept
    expect(lines).toContain('198.19.0.0/16');
    expect(lines).toContain('198.18.0.0/17');
  });
});

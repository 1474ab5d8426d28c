// Cross-check against FireHOL iprange (Debian package `iprange`), an independent C implementation: our
// aggregate/subtract/intersect output written with bareHosts must be byte-identical to its output.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatIpv4Address } from './format.js';
import { parseCidrText } from './parse-text.js';
import { aggregate, intersect, subtract, union } from './set-ops.js';
import type { PrefixList } from './types.js';
import { writePrefixes } from './write.js';
import { createRng } from '../../test/helpers/rng.js';

const hasIprange = spawnSync('iprange', ['--version']).error === undefined;
if (!hasIprange) console.warn('iprange not installed: skipping the iprange cross-check (apt-get install -y iprange)');

/** Lines of a block-list feed clustered in a few /16s so overlaps and adjacency are frequent. */
function makeFeed(seed: number, count: number): string {
  const rng = createRng(seed);
  const bases = [0x0a000000, 0x0a010000, 0xc0a80000, 0xfffe0000, 0x00000000];
  for (let i = 0; i < 40; i++) bases.push((Math.floor(rng() * 65536) << 16) >>> 0);
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const base = bases[Math.floor(rng() * bases.length)]!;
    const addr = (base + Math.floor(rng() * 65536)) >>> 0;
    const r = rng();
    const len = r < 0.85 ? 32 : r < 0.86 ? 16 + Math.floor(rng() * 8) : 24 + Math.floor(rng() * 9);
    lines.push(len === 32 && rng() < 0.5 ? formatIpv4Address(addr) : `${formatIpv4Address(addr)}/${len}`);
  }
  lines.push('255.255.255.255', '255.255.255.254', '11.0.0.0/8', '10.255.255.255');
  return lines.join('\n') + '\n';
}

describe.skipIf(!hasIprange)('byte-identical to iprange (skipped when iprange is not installed)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tscm-cidr-iprange-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const fileA = join(dir, 'a.txt');
  const fileB = join(dir, 'b.txt');
  const textA = makeFeed(1, 20_000);
  const textB = makeFeed(2, 20_000);
  writeFileSync(fileA, textA);
  writeFileSync(fileB, textB);
  const listA = aggregate(parseCidrText(textA, 'a').list);
  const listB = aggregate(parseCidrText(textB, 'b').list);
  const iprange = (...args: string[]): Buffer => {
    const r = spawnSync('iprange', args, { maxBuffer: 1 << 26 });
    expect(r.status === 0 || (args.includes('--diff') && r.status === 1)).toBe(true);
    return r.stdout;
  };
  const ours = (list: PrefixList): Buffer => writePrefixes(list, { bareHosts: true });

  it('aggregate matches iprange --optimize', () => {
    const expected = iprange('--optimize', fileA);
    expect(expected.length).toBeGreaterThan(1000);
    expect(ours(listA).toString('latin1')).toBe(expected.toString('latin1'));
  });

  it('subtract matches iprange --exclude-next', () => {
    expect(ours(subtract(listA, listB)).toString('latin1')).toBe(
      iprange(fileA, '--exclude-next', fileB).toString('latin1'),
    );
  });

  it('intersect matches iprange --common', () => {
    expect(ours(intersect(listA, listB)).toString('latin1')).toBe(iprange(fileA, '--common', fileB).toString('latin1'));
  });

  // iprange --diff prints A-B and B-A ranges without merging across the two sides (10.0.0.2 from A next to
  // 10.0.0.3 from B stay two lines), so compare address sets: its output, aggregated, must equal ours.
  it('the symmetric difference has the address set of iprange --diff', () => {
    const sym = union(subtract(listA, listB), subtract(listB, listA));
    const theirs = aggregate(parseCidrText(iprange(fileA, '--diff', fileB), 'iprange').list);
    expect(ours(sym).length).toBeGreaterThan(1000);
    expect(ours(sym).toString('latin1')).toBe(ours(theirs).toString('latin1'));
  });

  it('whole-space edge cases match', () => {
    const file = join(dir, 'edge.txt');
    const text = '0.0.0.0/1\n128.0.0.0/2\n192.0.0.0/3\n224.0.0.0/3\n';
    writeFileSync(file, text);
    expect(ours(aggregate(parseCidrText(text, 'e').list)).toString()).toBe(iprange('--optimize', file).toString());
  });
});

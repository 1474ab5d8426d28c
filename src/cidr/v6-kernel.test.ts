// The IPv6 kernel beyond one piece: lists long enough that merged intervals and the text cross the piece
// boundaries (v6-ops.test.ts checks the small lists against the BigInt reference).
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EMPTY_PREFIXES, PrefixListBuilder } from './builder.js';
import { formatIpv6Address, formatPrefixes } from './format.js';
import { parsePrefix } from './parse-prefix.js';
import { parseCidrText } from './parse-text.js';
import { aggregate, union } from './set-ops.js';
import { validatePrefixList } from './validate.js';
import { V6_KERNEL_WASM } from './v6-kernel-wasm.js';
import { V6_SORT_WASM } from './v6-sort-wasm.js';
import { V6_WRITE_WASM } from './v6-write-wasm.js';
import { writePrefixes } from './write.js';
import { createRng } from '../../test/helpers/rng.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Clustered entries: runs of neighbours that merge (some across many entries), repeats, mapped addresses. */
function clustered(n: number, seed: number) {
  const rng = createRng(seed);
  const rnd = (k: number) => Math.floor(rng() * k);
  const b = new PrefixListBuilder();
  let w3 = 0;
  for (let i = 0; i < n; i++) {
    const r = rng();
    if (r < 0.05) b.addV6(0, 0, 0xffff, rnd(0x100000000), 96 + rnd(33));
    else if (r < 0.5) {
      // A walk through one /64: consecutive hosts and small blocks, so intervals run long and split unevenly.
      w3 = (w3 + 1 + rnd(3)) >>> 0;
      b.addV6(0x20010db8, 0, rnd(2), w3, 126 + rnd(3));
    } else b.addV6(0x2a000000 + rnd(4), rnd(64), rnd(0x100000000), rnd(0x100000000), [48, 56, 64, 127, 128][rnd(5)]!);
  }
  return b.build();
}

describe('the IPv6 WebAssembly kernel', () => {
  it.each([
    ['v6-kernel.wat', V6_KERNEL_WASM],
    ['v6-sort.wat', V6_SORT_WASM],
    ['v6-write.wat', V6_WRITE_WASM],
  ])('is the committed build of %s (run scripts/build-wasm.mjs after editing it)', async (wat, committed) => {
    const build = (await import(pathToFileURL(join(here, '..', '..', 'scripts', 'build-wasm.mjs')).href)) as {
      compileWat(path: string): Promise<Buffer>;
    };
    const binary = await build.compileWat(join(here, wat));
    expect(binary.toString('base64')).toBe(committed);
  });

  it('aggregates a list of many pieces as the interval walk of union does', () => {
    for (const [n, seed] of [
      [40_000, 3],
      [70_001, 7],
    ] as const) {
      const list = clustered(n, seed);
      const got = aggregate(list);
      expect(validatePrefixList(got)).toBeNull();
      const want = union(list, EMPTY_PREFIXES);
      expect(got.v6.len).toEqual(want.v6.len);
      expect(got.v6.words).toEqual(want.v6.words);
      expect(got.v6.len.length).toBeGreaterThan(1000);
      // Aggregating again changes nothing (the second call starts with no interval left open).
      expect(aggregate({ v4: got.v4, v6: { words: got.v6.words.slice(), len: got.v6.len.slice() } })).toEqual(got);
    }
  });

  it('aggregates one interval running through several pieces into its split', () => {
    // 50,000 consecutive /128s from 2001:db8::1: one interval, split into a handful of blocks.
    const b = new PrefixListBuilder();
    for (let i = 1; i <= 50_000; i++) b.addV6(0x20010db8, 0, 0, i, 128);
    const list = b.build();
    const got = aggregate(list);
    expect(formatPrefixes(got)).toEqual(formatPrefixes(union(list, EMPTY_PREFIXES)));
    expect(got.v6.len.length).toBe(21);
    expect(formatPrefixes(got)[0]).toBe('2001:db8::1/128');
    expect(formatPrefixes(got).at(-1)).toBe('2001:db8::c350/128');
  });

  it('writes a list of many pieces as formatPrefixes does', () => {
    const list = clustered(50_000, 11);
    for (const bareHosts of [false, true]) {
      const want = formatPrefixes(list, { bareHosts })
        .map((x) => `${x}\n`)
        .join('');
      expect(writePrefixes(list, { bareHosts }).toString('latin1')).toBe(want);
    }
  });

  it('writes every pattern of zero groups and every digit width as formatPrefixes does', () => {
    // Each of the 256 sets of zero groups with groups of 1 to 4 digits elsewhere (the run of `::` at the start,
    // the end, the middle, tied or absent), mapped addresses with octets of 1 to 3 digits, lengths of every width.
    const rng = createRng(13);
    const rnd = (k: number) => Math.floor(rng() * k);
    const group = () => [0x1, 0xf, 0x10, 0xff, 0x100, 0xfff, 0x1000, 0xffff][rnd(8)]!;
    const b = new PrefixListBuilder();
    for (let rep = 0; rep < 160; rep++) {
      for (let m = 0; m < 256; m++) {
        const g = Array.from({ length: 8 }, (_, k) => ((m >> k) & 1 ? 0 : group()));
        const w = [0, 2, 4, 6].map((k) => ((g[k]! << 16) | g[k + 1]!) >>> 0);
        b.addV6(w[0]!, w[1]!, w[2]!, w[3]!, rep % 2 === 0 ? 128 : rnd(129));
      }
      const octet = () => [0, 9, 10, 99, 100, 255][rnd(6)]!;
      b.addV6(0, 0, 0xffff, ((octet() << 24) | (octet() << 16) | (octet() << 8) | octet()) >>> 0, 96 + rnd(33));
    }
    const list = b.build();
    expect(list.v6.len.length).toBeGreaterThan(16384); // more than one piece
    for (const bareHosts of [false, true]) {
      const want = formatPrefixes(list, { bareHosts })
        .map((x) => `${x}\n`)
        .join('');
      expect(writePrefixes(list, { bareHosts }).toString('latin1')).toBe(want);
    }
  });

  it('parses a long IPv6 file (many windows and output pieces) as parsePrefix reads it line by line', () => {
    const rng = createRng(5);
    const rnd = (k: number) => Math.floor(rng() * k);
    const lines: string[] = [];
    const want = new PrefixListBuilder();
    let hostBits = 0;
    let errors = 0;
    for (let i = 0; i < 40_000; i++) {
      const words = [0x20010db8 + rnd(3), rnd(0x100000000), rnd(2) * rnd(0x100000000), rnd(0x100000000)] as const;
      const len = [128, 64, 48, 127, 100][rnd(5)]!;
      const addr = formatIpv6Address(...words);
      const r = rng();
      // Now and then: upper case, a comment (one longer than the first window), CRLF, a blank line, a bad line.
      let line = r < 0.1 ? `${addr.toUpperCase()}/${len}` : len === 128 && r < 0.5 ? addr : `${addr}/${len}`;
      if (r > 0.97) line = `  ${line}\t# ${'x'.repeat(r > 0.995 ? 3000 : 20)}`;
      else if (r > 0.95) line = `${line}\r`;
      else if (r > 0.94) line = '';
      else if (r > 0.935) {
        line = `${addr}/${len}/1`;
        errors++;
      }
      lines.push(line);
      const entry = line.split('#')[0]!.trim();
      const p = entry === '' ? null : parsePrefix(entry);
      if (p !== null && p.family === 'ipv6') {
        want.addV6(...p.words, p.len);
        if (p.hostBits) hostBits++;
      }
    }
    const got = parseCidrText(lines.join('\n'), 'long.txt');
    const ref = want.build();
    expect(got.list.v6.len).toEqual(ref.v6.len);
    expect(got.list.v6.words).toEqual(ref.v6.words);
    expect(got.hostBitsCount).toBe(hostBits);
    expect(got.errors.length).toBe(errors);
    expect(got.errors.every((e) => lines[e.line - 1]!.endsWith('/1'))).toBe(true);
  });
});

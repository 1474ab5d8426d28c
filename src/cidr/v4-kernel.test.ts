import fc from 'fast-check';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PrefixListBuilder } from './builder.js';
import { CidrTextParser, parseCidrText } from './parse-text.js';
import { aggregate } from './set-ops.js';
import { V4Kernel } from './v4-kernel.js';
import { V4_KERNEL_WASM } from './v4-kernel-wasm.js';
import { prefixTextPieces, writePrefixes } from './write.js';
import { createRng } from '../../test/helpers/rng.js';

const here = dirname(fileURLToPath(import.meta.url));

function prefixesOf(addr: Uint32Array, len: Uint8Array) {
  const b = new PrefixListBuilder();
  addr.forEach((a, i) => b.addV4(a, len[i]!));
  return b.build();
}

describe('the WebAssembly kernel', () => {
  it('is the committed build of v4-kernel.wat (run scripts/build-wasm.mjs after editing it)', async () => {
    const build = (await import(pathToFileURL(join(here, '..', '..', 'scripts', 'build-wasm.mjs')).href)) as {
      compileWat(path: string): Promise<Buffer>;
    };
    const binary = await build.compileWat(join(here, 'v4-kernel.wat'));
    expect(binary.toString('base64')).toBe(V4_KERNEL_WASM);
  });

  it('sorts and aggregates crowded /16s and duplicates as aggregate does', () => {
    const rng = createRng(11);
    for (const n of [2, 49, 5000, 70_000]) {
      const addr = new Uint32Array(n);
      const len = new Uint8Array(n);
      const builder = new PrefixListBuilder();
      for (let i = 0; i < n; i++) {
        // Three /16s, a few hundred addresses each, and a scatter over the whole space.
        const r = rng();
        const a =
          r < 0.8
            ? (0x0a000000 + [0, 0x10000, 0x7f0000][i % 3]! + Math.floor(rng() * 700)) >>> 0
            : Math.floor(rng() * 2 ** 32);
        const l = rng() < 0.9 ? 32 : 20 + Math.floor(rng() * 12);
        const masked = l === 32 ? a : (a & ((0xffffffff << (32 - l)) >>> 0)) >>> 0;
        addr[i] = masked;
        len[i] = l;
        builder.addV4(masked, l);
      }
      const expected = aggregate(builder.build());
      // As drawn (the radix path); sorted (no sort); sorted with 1 in 20 entries moved down (the set-aside path).
      const order = Array.from(addr.keys()).sort((x, y) => addr[x]! - addr[y]!);
      const sorted = { addr: Uint32Array.from(order, (i) => addr[i]!), len: Uint8Array.from(order, (i) => len[i]!) };
      const nearly = { addr: sorted.addr.slice(), len: sorted.len.slice() };
      for (let i = 7; i < n; i += 20) nearly.addr[i] = Math.floor(nearly.addr[i]! / 2 ** 20) * 2 ** 20;
      for (let i = 7; i < n; i += 20) nearly.len[i] = 20;
      const nearlyExpected = aggregate(prefixesOf(nearly.addr, nearly.len));
      for (const [input, want] of [
        [{ addr, len }, expected],
        [sorted, expected],
        [nearly, nearlyExpected],
      ] as const) {
        // Sort scratch (the input region) for none, some and all entries: the in-place MSD levels, LSD per bucket,
        // LSD for the whole list.
        for (const scratch of [0, Math.floor(n / 9), n]) {
          const k = new V4Kernel({ entries: n, sort: true, input: 5 * scratch });
          k.addr.set(input.addr);
          k.len.set(input.len);
          const m = k.aggregate(n);
          expect(Array.from(k.addr.subarray(0, m))).toEqual(Array.from(want.v4.addr));
          expect(Array.from(k.len.subarray(0, m))).toEqual(Array.from(want.v4.len));
        }
      }
    }
  });
});

describe('the aggregating scan', () => {
  it('drops what wider entries already cover (one bit per /16) and repeats, and aggregates as aggregate does', () => {
    // Wide prefixes (/1../20, every alignment and word position of the cover bitmap) and hosts, in random order:
    // many entries fall inside space an earlier one covered, or repeat one.
    const rng = createRng(23);
    for (const n of [50, 3000, 40_000]) {
      const lines: string[] = [];
      for (let i = 0; i < n; i++) {
        const len = rng() < 0.6 ? 1 + Math.floor(rng() * 20) : 32;
        const a = Math.floor(rng() * 2 ** 32);
        const net = len === 32 ? a : (a & ((0xffffffff << (32 - len)) >>> 0)) >>> 0;
        const quad = `${net >>> 24}.${(net >>> 16) & 255}.${(net >>> 8) & 255}.${net & 255}`;
        lines.push(len === 32 ? quad : `${quad}/${len}`);
        if (rng() < 0.2) lines.push(lines[Math.floor(rng() * lines.length)]!);
      }
      const text = lines.join('\n') + '\n';
      const got = parseCidrText(text, 'wide.txt', { aggregate: true }).list;
      const want = aggregate(parseCidrText(text, 'wide.txt').list);
      expect(Array.from(got.v4.addr)).toEqual(Array.from(want.v4.addr));
      expect(Array.from(got.v4.len)).toEqual(Array.from(want.v4.len));
    }
  });
});

describe('CidrTextParser', () => {
  const line = fc.oneof(
    fc.constantFrom('10.0.0.1', '10.0.0.0/8', '192.0.2.7/24', '2001:db8::/32', '10.0.0.1-10.0.0.9', 'not an entry'),
    fc.constantFrom('', '   ', '# a comment', `# ${'long '.repeat(30)}`, '1.2.3.4  # trailing'),
    fc
      .integer({ min: 0, max: 2 ** 32 - 1 })
      .map((a) => `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`),
  );
  const text = fc
    .tuple(fc.array(line, { maxLength: 60 }), fc.constantFrom('\n', '\r\n'), fc.boolean(), fc.boolean())
    .map(([lines, eol, bom, lastEol]) => (bom ? '\ufeff' : '') + lines.join(eol) + (lastEol ? eol : ''));

  it('fed in pieces of any size, with any size hint, gives what parseCidrText gives for the whole text', () => {
    fc.assert(
      fc.property(
        text,
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1 }),
        fc.nat(40),
        fc.boolean(),
        (t, sizes, hint, agg) => {
          const bytes = Buffer.from(t, 'utf8');
          const whole = parseCidrText(bytes, 'list.txt', { aggregate: agg });
          // A hint far below the size: the entries and the input room both have to grow.
          const parser = new CidrTextParser('list.txt', hint, { aggregate: agg });
          for (let off = 0, s = 0; off < bytes.length; s++) {
            const space = parser.space();
            const m = Math.min(space.length, bytes.length - off, sizes[s % sizes.length]!);
            space.set(bytes.subarray(off, off + m));
            parser.took(m);
            off += m;
          }
          const pieces = parser.finish();
          expect(writePrefixes(pieces.list).toString()).toBe(writePrefixes(whole.list).toString());
          expect(pieces.errors).toEqual(whole.errors);
          expect(pieces.hostBitsCount).toBe(whole.hostBitsCount);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('prefixTextPieces', () => {
  it('are the bytes of writePrefixes, over more than one piece of each family', () => {
    const b = new PrefixListBuilder();
    for (let i = 0; i < 140_000; i++) b.addV4(i * 4096, i % 3 === 0 ? 32 : 20);
    for (let i = 0; i < 70_000; i++) b.addV6(0x20010db8, i, 0, 1, i % 2 === 0 ? 128 : 64);
    const list = b.build();
    for (const bareHosts of [false, true]) {
      // Each piece is a view of a reused buffer: copied before the next is asked for.
      const copies: Buffer[] = [];
      for (const piece of prefixTextPieces(list, { bareHosts })) copies.push(Buffer.from(piece));
      expect(copies.length).toBeGreaterThan(3);
      const joined = Buffer.concat(copies);
      expect(joined.equals(writePrefixes(list, { bareHosts }))).toBe(true);
    }
  });

  it("write an aggregated parse from the parse job's own memory, in pieces of its input region", () => {
    // Hosts 8 apart (no two merge) and /24s 512 apart: ~80 KB of text, so the job's input region is one 80 KB
    // read and the 6,000 entries take more than one piece of it.
    const lines: string[] = [];
    for (let i = 0; i < 6000; i++) {
      const a = i % 50 === 0 ? 0xac100000 + 512 * (i / 50) : 0x0a000000 + 8 * i;
      const quad = `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
      lines.push(i % 50 === 0 ? `${quad}/24` : quad);
    }
    const text = Buffer.from(lines.join('\n') + '\n');
    const { list } = parseCidrText(text, 'list.txt', { aggregate: true });
    const job = V4Kernel.holding(list.v4.addr, list.v4.len);
    expect(job).toBeDefined();
    expect(list.v4.len.length).toBeGreaterThan(job!.textRoom());
    const plain = { v4: { addr: list.v4.addr.slice(), len: list.v4.len.slice() }, v6: list.v6 };
    expect(V4Kernel.holding(plain.v4.addr, plain.v4.len)).toBeUndefined();
    for (const bareHosts of [false, true]) {
      const copies: Buffer[] = [];
      for (const piece of prefixTextPieces(list, { bareHosts })) copies.push(Buffer.from(piece));
      expect(copies.length).toBeGreaterThan(1);
      expect(Buffer.concat(copies).equals(writePrefixes(plain, { bareHosts }))).toBe(true);
    }
  });
  it('stores a repeated entry about once, tells entries apart by length, and aggregates as aggregate does', () => {
    // A pool of entries drawn again and again in random order (the dups shape of bench/corpus.mjs): a pool that
    // fits the repeat cache (40k entries in its 64Ki ways) and one that overflows it (100k: full sets take the way
    // their hash picks). The same addresses come with several lengths (/17../32: none drops by the /16 bits).
    const rng = createRng(31);
    for (const [poolSize, lines] of [
      [40_000, 400_000],
      [100_000, 300_000],
    ] as const) {
      const pool: string[] = [];
      for (let i = 0; i < poolSize; i++) {
        const a = rng() < 0.5 ? (0x0a000000 + Math.floor(rng() * 2 ** 16) * 256) >>> 0 : Math.floor(rng() * 2 ** 32);
        const len = rng() < 0.5 ? 32 : 17 + Math.floor(rng() * 16);
        const net = len === 32 ? a : (a & ((0xffffffff << (32 - len)) >>> 0)) >>> 0;
        const quad = `${net >>> 24}.${(net >>> 16) & 255}.${(net >>> 8) & 255}.${net & 255}`;
        pool.push(len === 32 ? quad : `${quad}/${len}`);
      }
      const text = Array.from({ length: lines }, () => pool[Math.floor(rng() * poolSize)]!).join('\n') + '\n';
      const k = new V4Kernel({ input: text.length, entries: lines, sort: true });
      k.input.write(text, 'latin1');
      expect(k.scan(0, text.length)).toBe(text.length);
      const distinct = new Set(pool).size;
      if (poolSize < 65536) expect(k.count).toBeLessThan(1.25 * distinct);
      const m = k.aggregate(k.count);
      const want = aggregate(parseCidrText(text, 'dups.txt').list);
      expect(Array.from(k.addr.subarray(0, m))).toEqual(Array.from(want.v4.addr));
      expect(Array.from(k.len.subarray(0, m))).toEqual(Array.from(want.v4.len));
    }
  });
});

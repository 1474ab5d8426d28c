// State format 5's binary member lists: any list round-trips through the state file (as text and as bytes, where
// long base64 strings are lifted out before JSON.parse), and every kind of damage is a ConfigError naming the file
// and the entry, quoting nothing of the content.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PrefixListBuilder, prefixesToStrings } from '../cidr/index.js';
import type { PrefixList } from '../cidr/types.js';
import { ConfigError } from '../errors.js';
import { encodeMemberSets } from './member-sets.js';
import { encodeState, parseState } from './state-file.js';

const V5 = new URL('./testdata/state-v5.json', import.meta.url);

const word = fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom(0, 0xffffffff, 0x20010db8));
const listArb = (maxLength: number) =>
  fc
    .tuple(
      fc.array(fc.tuple(word, fc.integer({ min: 0, max: 32 })), { maxLength }),
      fc.array(fc.tuple(word, word, word, word, fc.integer({ min: 0, max: 128 })), { maxLength: 40 }),
    )
    .map(([four, six]) => {
      const b = new PrefixListBuilder();
      for (const [a, len] of four) b.addV4(a, len);
      for (const [w0, w1, w2, w3, len] of six) b.addV6(w0, w1, w2, w3, len);
      return b.build();
    });

async function stateWith(inventory: PrefixList, source: PrefixList) {
  const base = parseState(await readFile(V5, 'utf8'), 'fixture.json');
  return {
    ...base,
    inventory: { groups: [{ ...base.inventory.groups[0]!, members: inventory }] },
    sources: [{ ...base.sources![0]!, members: source }],
  };
}

const idOf = (v4: string, v6: string) => createHash('sha256').update(`${v4}.${v6}`).digest('hex');
const b64 = (bytes: number[]) => Buffer.from(bytes).toString('base64');

/** The fixture with one member set whose records are `v4` / `v6` (base64), its id computed to match. */
async function fileWithSet(v4: string, v6: string, id = idOf(v4, v6)): Promise<string> {
  const doc = JSON.parse(await readFile(V5, 'utf8'));
  doc.memberSets[0] = { sha256: id, v4, v6 };
  doc.inventory.groups[0].members = id;
  doc.sources[0].members = id;
  return JSON.stringify(doc, null, 2);
}

function errorOf(text: string | Buffer): ConfigError {
  try {
    parseState(text, '/s/edge-1/state.json');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).hint).toContain('tscm plan --adopt');
    return e as ConfigError;
  }
  throw new Error('parsed');
}

describe('state member sets (format 5)', () => {
  it('round-trips any IPv4/IPv6 lists, from text and from bytes, storing equal lists once', async () => {
    await fc.assert(
      fc.asyncProperty(listArb(1500), listArb(50), fc.boolean(), async (a, b, same) => {
        const state = await stateWith(a, same ? a : b);
        const bytes = encodeState(state);
        const doc = JSON.parse(bytes.toString('utf8'));
        const distinct = same || prefixesToStrings(a).join() === prefixesToStrings(b).join() ? 1 : 2;
        expect(doc.memberSets).toHaveLength(distinct);
        for (const parsed of [parseState(bytes.toString('utf8'), 's.json'), parseState(Buffer.from(bytes), 's.json')]) {
          expect(prefixesToStrings(parsed.inventory.groups[0]!.members)).toEqual(prefixesToStrings(a));
          expect(prefixesToStrings(parsed.sources![0]!.members)).toEqual(prefixesToStrings(same ? a : b));
          expect(encodeState(parsed).equals(bytes)).toBe(true);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('keeps each record in its own base64 characters (an added entry leaves the others as they were)', () => {
    const list = (n: number) => {
      const b = new PrefixListBuilder();
      for (let i = 0; i < n; i++) b.addV4(0x0a000000 + i * 256, 24);
      b.addV4(0xc0000200, 24);
      return b.build();
    };
    const before = encodeMemberSets([list(3)]).sets[0]!.v4;
    const after = encodeMemberSets([list(4)]).sets[0]!.v4;
    expect(after.length - before.length).toBe(8);
    expect(after.startsWith(before.slice(0, 24))).toBe(true);
    expect(after.endsWith(before.slice(24))).toBe(true);
  });

  it('refuses each kind of damaged record, naming the file, the entry and the record', async () => {
    const rec4 = (addr: number[], len: number, pad = 0) => [...addr, len, pad];
    const cases: [string, string, RegExp][] = [
      [b64(rec4([10, 0, 0, 1], 24)), '', /memberSets\[0\]\.v4: record 1 has host bits set/],
      [b64([...rec4([10, 0, 0, 0], 8), ...rec4([9, 0, 0, 0], 8)]), '', /\.v4: record 2 is out of order or repeated/],
      [b64([...rec4([10, 0, 0, 0], 8), ...rec4([10, 0, 0, 0], 8)]), '', /\.v4: record 2 is out of order or repeated/],
      [b64(rec4([10, 0, 0, 0], 33)), '', /\.v4: record 1 is not an IPv4 prefix record/],
      [b64(rec4([10, 0, 0, 0], 8, 1)), '', /\.v4: record 1 is not an IPv4 prefix record/],
      ['CgAAAAgA!AAA', '', /\.v4: 12 characters are not whole 8-character records/],
      ['CgAAAAg-', '', /\.v4: record 1 is not base64/],
      ['', b64([0x20, 1, 0x0d, 0xb8, ...new Array(12).fill(0), 16, 0]), /\.v6: record 1 has host bits set/],
      ['', b64([0x20, 1, ...new Array(14).fill(0), 129, 0]), /\.v6: record 1 is not an IPv6 prefix record/],
      [
        '',
        b64([0x20, 1, ...new Array(14).fill(0), 16, 0, 0x10, 1, ...new Array(14).fill(0), 16, 0]),
        /\.v6: record 2 is out of order or repeated/,
      ],
    ];
    for (const [v4, v6, expected] of cases) {
      const text = await fileWithSet(v4, v6);
      for (const input of [text, Buffer.from(text)]) {
        const err = errorOf(input);
        expect(err.message).toMatch(/^state file \/s\/edge-1\/state.json: memberSets\[0\]/);
        expect(err.message).toMatch(expected);
        if (v4 !== '') expect(err.message).not.toContain(v4);
      }
    }
  });

  it('refuses content that does not match its sha256, a reference to no entry, and a repeated entry', async () => {
    const v4 = b64([10, 0, 0, 0, 8, 0]);
    const edited = await fileWithSet(v4, '', idOf(b64([11, 0, 0, 0, 8, 0]), ''));
    expect(errorOf(edited).message).toMatch(/memberSets\[0\]: the content does not match its sha256/);
    // Long enough to be lifted from the bytes before JSON.parse: the same check.
    const long = b64(Array.from({ length: 1000 }, (_, i) => [10, i >> 8, i & 255, 0, 24, 0]).flat());
    const damaged = (await fileWithSet(long, '')).replace(long, `${long.slice(0, 800)}AAAAAAAA${long.slice(808)}`);
    for (const input of [damaged, Buffer.from(damaged)]) {
      expect(errorOf(input).message).toMatch(/memberSets\[0\]: the content does not match its sha256/);
    }
    const doc = JSON.parse(await fileWithSet(v4, ''));
    doc.sources[0].members = 'f'.repeat(64);
    expect(errorOf(JSON.stringify(doc)).message).toMatch(/sources\[0\]\.members names no entry of memberSets/);
    doc.sources[0].members = doc.memberSets[0].sha256;
    doc.memberSets[1] = doc.memberSets[0];
    expect(errorOf(JSON.stringify(doc)).message).toMatch(/memberSets\[1\] repeats an earlier sha256/);
  });
});

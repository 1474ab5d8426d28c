import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EMPTY_PREFIXES, PrefixListBuilder, prefixesToStrings } from '../cidr/index.js';
import type { PrefixList } from '../cidr/types.js';
import { ConfigError } from '../errors.js';
import { encodeJsonDocument, joinMemberArray, MemberText, parseMemberText } from './json-members.js';

const v4 = fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 }));
const v6 = fc.tuple(
  fc.array(fc.oneof(fc.constant(0), fc.constant(0xffff), fc.integer({ min: 0, max: 0xffffffff })), {
    minLength: 4,
    maxLength: 4,
  }),
  fc.integer({ min: 0, max: 128 }),
);
const prefixList = fc.tuple(fc.array(v4, { maxLength: 40 }), fc.array(v6, { maxLength: 10 })).map(([a, b]) => {
  const builder = new PrefixListBuilder();
  for (const [addr, len] of a) builder.addV4(len === 0 ? 0 : (addr & (-1 << (32 - len))) >>> 0, len);
  for (const [w, len] of b) {
    const masked = w.map((word, k) => {
      const bits = Math.max(0, Math.min(32, len - 32 * k));
      return bits === 0 ? 0 : (word & (-1 << (32 - bits))) >>> 0;
    });
    builder.addV6(masked[0]!, masked[1]!, masked[2]!, masked[3]!, len);
  }
  return builder.build();
});
// Strings that JSON must escape, and ones that look like the placeholder the encoder uses.
const awkward = fc.oneof(fc.string(), fc.constantFrom('tscm-members-0', '"\n\\\u0000é€😀', '</script>'));

describe('encodeJsonDocument', () => {
  it('writes exactly JSON.stringify(doc, null, 2) with each member list joined by newlines', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(awkward, prefixList), { maxLength: 4 }), awkward, (groups, note) => {
        const doc = (members: (l: PrefixList) => unknown) => ({
          note,
          groups: groups.map(([name, list]) => ({ name, members: members(list), n: 1 })),
          nested: [{ a: groups.length > 0 ? members(groups[0]![1]) : null }],
        });
        const bytes = encodeJsonDocument(doc((l) => new MemberText(l)));
        const expected = `${JSON.stringify(
          doc((l) => prefixesToStrings(l).join('\n')),
          null,
          2,
        )}\n`;
        expect(bytes.toString('utf8')).toBe(expected);
        for (const [, list] of groups) {
          const text = prefixesToStrings(list).join('\n');
          expect(prefixesToStrings(parseMemberText(text, 'x', 'h'))).toEqual(prefixesToStrings(list));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('writes an empty list as an empty string and a lone document unchanged', () => {
    expect(encodeJsonDocument({ m: new MemberText(EMPTY_PREFIXES) }).toString()).toBe('{\n  "m": ""\n}\n');
    expect(encodeJsonDocument([1, 'a']).toString()).toBe('[\n  1,\n  "a"\n]\n');
  });
});

describe('parseMemberText', () => {
  it('names the place and every problem, and refuses what tscm never writes', () => {
    expect(parseMemberText('', 'f', 'h')).toBe(EMPTY_PREFIXES);
    const err = (() => {
      try {
        parseMemberText('10.0.0.0/8\nbogus\n1.2.3.4/33', 'state.json: TSCM-BLOCK', 'fix it');
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('no error');
    })();
    expect(err).toBeInstanceOf(ConfigError);
    // Only an address-shaped entry is quoted: a member string could hold anything.
    expect(err.message).toMatch(
      /^state.json: TSCM-BLOCK: invalid prefix: line 2: not a valid .*; line 3 "1.2.3.4\/33"/,
    );
    expect(err.hint).toBe('fix it');
    expect(() => parseMemberText('10.0.0.1/8', 'f', 'h')).toThrow(/host bits/);
    expect(() => parseMemberText('\n', 'f', 'h')).toThrow(/2 lines hold 0 distinct prefixes/);
  });
});

describe('joinMemberArray', () => {
  it('joins a format 1 array of strings and leaves anything else for the schema to report', () => {
    expect(joinMemberArray(['10.0.0.0/8', '::/0'])).toBe('10.0.0.0/8\n::/0');
    expect(joinMemberArray([])).toBe('');
    expect(joinMemberArray(['a', 1])).toEqual(['a', 1]);
    expect(joinMemberArray(['a\nb'])).toEqual(['a\nb']);
    expect(joinMemberArray([''])).toEqual(['']);
    expect(joinMemberArray('x')).toBe('x');
  });
});

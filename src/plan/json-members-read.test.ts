import { describe, expect, it } from 'vitest';
import { PrefixListBuilder, prefixesToStrings } from '../cidr/index.js';
import { ConfigError } from '../errors.js';
import { parseJsonLiftingMembers, readMembers } from './json-members-read.js';
import { encodeJsonDocument, MemberText } from './json-members.js';

/** n /32 hosts from 10.0.0.0 plus two IPv6 prefixes: long enough to be lifted (over 4 KB of text). */
function bigList(n: number) {
  const b = new PrefixListBuilder();
  for (let i = 0; i < n; i++) b.addV4((0x0a000000 + i * 256) >>> 0, 24);
  b.addV6(0x20010db8, 0, 0, 0, 32);
  b.addV6(0, 0, 0xffff, 0xc0000201, 128);
  return b.build();
}

describe('parseJsonLiftingMembers', () => {
  it('lifts long member strings out of the bytes and reads them back as the same lists', () => {
    const add = bigList(2000);
    const doc = { groups: [{ name: 'G', add: new MemberText(add), remove: new MemberText(bigList(3)) }], n: 1 };
    const bytes = encodeJsonDocument(doc);
    const text = bytes.toString('utf8');
    const { doc: parsed, lifted } = parseJsonLiftingMembers(bytes);
    expect(lifted.size).toBe(1); // the short remove list stays in the document
    const g = (parsed as { groups: { add: string; remove: string; name: string }[] }).groups[0]!;
    expect(g.add).toMatch(/^0:[0-9a-f]{24}:0$/);
    expect(g.name).toBe('G');
    expect(prefixesToStrings(readMembers(lifted, g.add, 'f', 'h'))).toEqual(prefixesToStrings(add));
    expect(lifted.size).toBe(0);
    expect(prefixesToStrings(readMembers(lifted, g.remove, 'f', 'h'))).toEqual(prefixesToStrings(bigList(3)));
    expect(JSON.parse(text).groups[0].add).toBe(prefixesToStrings(add).join('\n'));
  });

  it('leaves strings it cannot vouch for to JSON.parse: other keys, other bytes, array items', () => {
    const long = '1.2.3.4/32\\n'.repeat(500) + '1.2.3.5/32';
    const cases = [
      `{"note": "${long}"}`,
      `{"add": "${long}\\u0041"}`,
      `{"add": "${long}\\"x"}`,
      `{"add": ["${long}"]}`,
      `{"add": "${long.replace('1.2.3.4', '1.2.3.4 #')}"}`,
    ];
    for (const json of cases) {
      const { doc, lifted } = parseJsonLiftingMembers(Buffer.from(json));
      expect(lifted.size).toBe(0);
      expect(doc).toEqual(JSON.parse(json));
    }
  });

  it('reports bad JSON with positions in the whole text, and bad entries of a lifted list by line', () => {
    const bytes = encodeJsonDocument({ add: new MemberText(bigList(1000)), x: 1 });
    const broken = Buffer.concat([bytes.subarray(0, bytes.length - 3), Buffer.from(',,}')]);
    let message = '';
    try {
      JSON.parse(broken.toString());
    } catch (err) {
      message = (err as Error).message;
    }
    expect(() => parseJsonLiftingMembers(Buffer.from(broken))).toThrow(message);
    const text = bytes.toString().replace('10.0.3.0/24', '10.0.3.1/24').replace('10.0.4.0/24', '10.0.4.0/33');
    const { doc, lifted } = parseJsonLiftingMembers(Buffer.from(text));
    const read = () => readMembers(lifted, (doc as { add: string }).add, 'plan.json: group G: add', 'plan again');
    expect(read).toThrow(ConfigError);
    expect(() => parseJsonLiftingMembers(Buffer.from(text))).not.toThrow();
    const again = parseJsonLiftingMembers(Buffer.from(text));
    expect(() => readMembers(again.lifted, (again.doc as { add: string }).add, 'plan.json: group G: add', 'h')).toThrow(
      /^plan.json: group G: add: invalid prefix: line 5 "10.0.4.0\/33"/,
    );
  });
});

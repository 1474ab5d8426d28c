// The fast IPv4 member-list reader against the general one (parseMemberText after unescaping): on lists tscm wrote
// it gives the same list; on every edited list (order, duplicates, spelling, host bits, IPv6, stray bytes) the
// document reader gives the same list or the same error with and without it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PrefixListBuilder, prefixesToStrings, writePrefixes } from '../cidr/index.js';
import type { PrefixList } from '../cidr/types.js';
import { parseJsonLiftingMembers, readMembers } from './json-members-read.js';
import { parseMemberText } from './json-members.js';
import { parseCanonicalV4Members } from './json-members-v4.js';

const edgeAddr = fc.oneof(
  fc.integer({ min: 0, max: 0xffffffff }),
  fc.constantFrom(0, 0xffffffff, 0x0a000000, 0xc0a80100, 0x01020304, 0xff000000),
);
const v4 = fc.tuple(edgeAddr, fc.integer({ min: 0, max: 32 }));
const v4List = (minLength: number, maxLength: number) =>
  fc.array(v4, { minLength, maxLength }).map((entries) => {
    const b = new PrefixListBuilder();
    for (const [addr, len] of entries) b.addV4(len === 0 ? 0 : (addr & (-1 << (32 - len))) >>> 0, len);
    return b.build();
  });

/** The list as the body of a JSON string: CIDRs joined by the escape \n (as encodeJsonDocument writes it). */
function escapedBody(lines: readonly string[]): string {
  return lines.join('\\n');
}

const strings = (list: PrefixList) => prefixesToStrings(list);

describe('parseCanonicalV4Members', () => {
  it('reads what tscm writes exactly as parseMemberText does', () => {
    fc.assert(
      fc.property(v4List(1, 60), (list) => {
        const text = Buffer.from(writePrefixes(list)).toString('latin1').replace(/\n$/, '');
        const bytes = Buffer.from(`"${text.replace(/\n/g, '\\n')}"`, 'latin1');
        const fast = parseCanonicalV4Members(bytes, 1);
        expect(fast).not.toBeNull();
        expect(fast!.end).toBe(bytes.length - 1);
        expect(strings(fast!.list)).toEqual(strings(parseMemberText(text, 'x', 'h')));
        expect(strings(fast!.list)).toEqual(strings(list));
      }),
      { numRuns: 300 },
    );
  });

  it('declines what tscm never writes', () => {
    for (const body of [
      '10.0.0.0/8\\n10.0.0.0/8', // duplicate
      '10.1.0.0/16\\n10.0.0.0/8', // out of order
      '10.0.0.0/16\\n10.0.0.0/8', // same address, longer first
      '10.0.0.1/8', // host bits
      '010.0.0.0/8', // leading zero
      '10.0.0.0/08',
      '256.0.0.0/8',
      '10.0.0.0/33',
      '10.0.0.0', // no length
      '10.0.0.0/8\\n', // trailing separator
      '10.0.0.0/8\\n\\n11.0.0.0/8', // blank line
      '10.0.0.0/8\\n2001:db8::/32', // IPv6
      '10.0.0.0/8\\t',
      '',
      '1.2.3.4/32\\r',
    ]) {
      expect(parseCanonicalV4Members(Buffer.from(`"${body}"`, 'latin1'), 1), body).toBeNull();
    }
    expect(parseCanonicalV4Members(Buffer.from('"0.0.0.0/0"', 'latin1'), 1)?.end).toBe(10);
    // No closing quote: the bytes end first.
    for (const cut of ['"10.0.0.0/8', '"10.0.0.0/', '"10.0.0', '"10.0.0.0/8\\n', '"10.0.0.0/8\\']) {
      expect(parseCanonicalV4Members(Buffer.from(cut, 'latin1'), 1), cut).toBeNull();
    }
  });
});

/** The document reader's outcome: the list as strings, or the error message. */
function outcome(doc: Buffer, fastV4: boolean): string[] | string {
  try {
    const { doc: parsed, lifted } = parseJsonLiftingMembers(Buffer.from(doc), { fastV4 });
    const value = (parsed as { members: string }).members;
    return strings(readMembers(lifted, value, 'state file s: members', 'hint'));
  } catch (err) {
    return `${(err as Error).name}: ${(err as Error).message}`;
  }
}

type Edit = (lines: string[], n: number, k: number) => string[];
const EDITS: Edit[] = [
  (l, n, k) => l.map((s, i) => (i === k % n ? l[(k + 1) % n]! : i === (k + 1) % n ? l[k % n]! : s)), // swap
  (l, n, k) => [...l.slice(0, k % n), l[k % n]!, ...l.slice(k % n)], // duplicate
  (l, n, k) => l.map((s, i) => (i === k % n ? `0${s}` : s)), // leading zero
  (l, n, k) => l.map((s, i) => (i === k % n ? s.replace(/\/\d+$/, '/32').replace(/\.\d+\//, '.1/') : s)),
  (l, n, k) => [...l.slice(0, k % n), '2001:db8::/32', ...l.slice(k % n)], // IPv6 inside
  (l) => [...l, '2001:db8::/32'], // IPv6 after, as tscm writes a dual-stack list
  (l, n, k) => [...l.slice(0, k % n), '', ...l.slice(k % n)], // blank line
  (l, n, k) => l.map((s, i) => (i === k % n ? s.replace('/', '/0') : s)),
  (l, n, k) => l.map((s, i) => (i === k % n ? s.replace(/\/\d+$/, '') : s)), // bare address
  (l, n, k) => l.map((s, i) => (i === k % n ? `${s} ` : s)),
  (l) => l, // unchanged
];

describe('parseJsonLiftingMembers with the fast IPv4 path', () => {
  it('gives the same list or the same error as the general path, on lists tscm wrote and on edited ones', () => {
    fc.assert(
      fc.property(
        v4List(350, 700),
        fc.integer({ min: 0, max: EDITS.length - 1 }),
        fc.nat(),
        fc.boolean(),
        (list, e, k, pad) => {
          const lines = EDITS[e]!(strings(list), prefixesToStrings(list).length, k);
          // Long enough to be lifted (4096 bytes) most of the time; short ones go through JSON.parse either way.
          const filler = pad ? '10.0.0.0/8' : null;
          const doc = Buffer.from(
            `{\n  "formatVersion": 3,\n  "note": ${JSON.stringify(filler)},\n  "members": "${escapedBody(lines)}"\n}\n`,
            'latin1',
          );
          expect(outcome(doc, true)).toEqual(outcome(doc, false));
        },
      ),
      { numRuns: 200, endOnFailure: true }, // shrinking 700-entry lists takes minutes
    );
  });
});

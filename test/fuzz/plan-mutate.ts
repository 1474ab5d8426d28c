// Mutated plan files: the genuine plan in format 3 (or brought down to format 1 or 2, the upgrader's path), edited
// as a document (plan-mutate-doc.ts), serialised in one of several layouts, then damaged as bytes: truncation,
// bit flips, invalid UTF-8, a BOM, giant strings, CRLF, duplicate keys, escapes that mean the same characters.

import { mutateDocument, type MutationContext } from './plan-mutate-doc.js';
import { hostileString, type Obj } from './json-values.js';
import type { Rng } from './rng.js';

export interface Mutant {
  readonly bytes: Buffer;
  /** What was done, in order, for the failure report. */
  readonly ops: readonly string[];
}

/** The genuine plan as a document of format `version` (what an older tscm wrote for the same plan). */
export function genuineDocument(bytes: Buffer, version: 1 | 2 | 3): Obj {
  const doc = JSON.parse(bytes.toString('utf8')) as Obj;
  if (version === 3) return doc;
  doc['formatVersion'] = version;
  for (const d of doc['devices'] as Obj[]) {
    delete (d['inputs'] as Obj)['adopt'];
    for (const g of d['groups'] as Obj[]) {
      delete g['alreadyPresent'];
      if (version === 1) for (const k of ['add', 'remove']) g[k] = g[k] === '' ? [] : (g[k] as string).split('\n');
    }
  }
  return doc;
}

function serialise(doc: Obj, rng: Rng): Buffer {
  const layout = rng.pick([2, 2, 2, 0, 4, '\t'] as const);
  const text = JSON.stringify(doc, null, layout === 0 ? undefined : layout);
  return Buffer.from(layout === 0 ? text : `${text}\n`, 'utf8');
}

const INSERTS: readonly number[][] = [
  [0xff],
  [0xfe, 0xff],
  [0xc3],
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0x00],
  [0x1b],
  [0x0a],
  [0x22],
  [0x5c],
  [0x7b],
  [0x5d],
  [0x2c],
];

/**
 * Byte offsets just after the first few hundred `marker`s (`": ` before a value, `": "` inside a string value), to
 * pick one uniformly: the first key (formatVersion) gets its turn too.
 */
function valueStarts(b: Buffer, marker: string): number[] {
  const out: number[] = [];
  for (let i = b.indexOf(marker); i >= 0 && out.length < 500; i = b.indexOf(marker, i + 1)) out.push(i + marker.length);
  return out;
}

/** Where the scalar JSON value starting at `q` ends (a string with its quotes, a number, a literal); -1 if none. */
function scalarEnd(b: Buffer, q: number): number {
  if (b[q] === 0x7b || b[q] === 0x5b) return -1;
  if (b[q] !== 0x22) {
    let i = q;
    while (i < b.length && !',}]\r\n '.includes(String.fromCharCode(b[i]!))) i++;
    return i > q ? i : -1;
  }
  for (let i = q + 1; i < b.length; i++) {
    if (b[i] === 0x5c) i++;
    else if (b[i] === 0x22) return i + 1;
  }
  return -1;
}

/** Byte offsets of the `\n` escapes inside the file's strings (member separators, mostly). */
function escapedNewlines(b: Buffer): number[] {
  const out: number[] = [];
  for (let i = b.indexOf('\\n'); i >= 0 && out.length < 5000; i = b.indexOf('\\n', i + 2)) out.push(i);
  return out;
}

function lineOps(b: Buffer, rng: Rng): [Buffer, string] {
  const lines = b.toString('latin1').split('\n');
  const i = rng.int(0, lines.length - 1);
  const j = rng.int(0, lines.length - 1);
  const op = rng.int(0, 3);
  if (op === 0) lines.splice(i, 0, lines[i]!);
  else if (op === 1) lines.splice(i, 1);
  else if (op === 2) [lines[i], lines[j]] = [lines[j]!, lines[i]!];
  else {
    // A duplicate key: JSON.parse keeps the last one, so the copy placed first loses and the one after wins.
    const m = /^(\s*)"(\w+)": (.*?)(,?)$/.exec(lines[i]!);
    if (!m) return [b, 'no duplicate key (no key line)'];
    const forged = `${m[1]}"${m[2]}": ${JSON.stringify(hostileString(rng).slice(0, 200))},`;
    if (m[4] === ',' && rng.chance(0.5)) lines.splice(i + 1, 0, forged);
    else lines.splice(i, 0, forged.replace(/: .*,$/, `: ${m[3]},`));
  }
  return [
    Buffer.from(lines.join('\n'), 'latin1'),
    ['duplicate a line', 'drop a line', 'swap two lines', 'duplicate a key'][op]!,
  ];
}

/** One byte-level mutation. */
function mutateBytes(b: Buffer, rng: Rng): [Buffer, string] {
  const at = rng.int(0, b.length);
  switch (rng.int(0, 13)) {
    case 0:
      return [b.subarray(0, rng.int(0, Math.max(0, b.length - 1))), 'truncate'];
    case 1: {
      const c = Buffer.from(b);
      const flips = rng.int(1, 8);
      for (let k = 0; k < flips && c.length > 0; k++) c[rng.int(0, c.length - 1)]! ^= 1 << rng.int(0, 7);
      return [c, `flip ${flips} bits`];
    }
    case 2:
      return [Buffer.concat([b.subarray(0, at), Buffer.from(rng.pick(INSERTS)), b.subarray(at)]), 'insert odd bytes'];
    case 3:
      return [Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + rng.int(1, 200)))]), 'delete bytes'];
    case 4:
      return [Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b]), 'BOM'];
    case 5:
      return lineOps(b, rng);
    case 6:
      return [Buffer.from(b.toString('latin1').replace(/\n/g, '\r\n'), 'latin1'), 'CRLF'];
    case 7: {
      // A giant string inside a string value: member characters (the lifted path) or anything.
      const strings = valueStarts(b, '": "');
      if (strings.length === 0) return [b, 'no giant string (no string value)'];
      const q = rng.pick(strings);
      const size = rng.chance(0.05) ? rng.int(1_000_000, 2_000_000) : rng.int(5_000, 100_000);
      const giant = Buffer.alloc(size, rng.pick(['1', 'a', ':', 'é']));
      return [Buffer.concat([b.subarray(0, q), giant, b.subarray(q)]), `giant string (${giant.length} bytes)`];
    }
    case 8: {
      // Escapes JSON reads as the same text: the member list is no longer the plain form the fast reader lifts.
      const nl = escapedNewlines(b);
      if (nl.length === 0) return [b, 'no escape (no member separator)'];
      const i = rng.pick(nl);
      const by = rng.pick(['\\u000a', '\\u000A', '\n', '\\r\\n', '\\\\n', '\\t']);
      return [
        Buffer.concat([b.subarray(0, i), Buffer.from(by), b.subarray(i + 2)]),
        `separator as ${JSON.stringify(by)}`,
      ];
    }
    case 9: {
      const text = b.toString('latin1');
      const nums = [...text.matchAll(/: (\d+)(,?)\n/g)];
      if (nums.length === 0) return [b, 'no number'];
      const m = rng.pick(nums);
      const by = rng.pick(['1e400', '-0', '1.0', '99999999999999999999999', '0x10', '-1', '1E2', '00']);
      const start = m.index + 2;
      return [Buffer.from(text.slice(0, start) + by + text.slice(start + m[1]!.length), 'latin1'), `number as ${by}`];
    }
    case 10:
      return [Buffer.from(b.toString('latin1').replace(/\n {2}/g, '\n\t'), 'latin1'), 'tabs for indentation'];
    case 11: {
      const c = Buffer.from(b);
      const digits: number[] = [];
      for (let i = 0; i < c.length && digits.length < 2000; i++) if (c[i]! >= 0x30 && c[i]! <= 0x39) digits.push(i);
      if (digits.length === 0) return [b, 'no digit'];
      const i = rng.pick(digits);
      const esc = `\\u00${c[i]!.toString(16)}`;
      return [Buffer.concat([c.subarray(0, i), Buffer.from(esc), c.subarray(i + 1)]), 'a digit as a \\u escape'];
    }
    case 12: {
      // Nesting far deeper than any plan (JSON.stringify cannot even build it) in place of a scalar value: JSON.parse
      // copes, and nothing after it may recurse. The first value is formatVersion, read before any schema check.
      const values = valueStarts(b, '": ');
      if (values.length === 0) return [b, 'no deep nesting (no value)'];
      const q = rng.chance(0.25) ? values[0]! : rng.pick(values);
      const end = scalarEnd(b, q);
      if (end < 0) return [b, 'no deep nesting (not a scalar)'];
      const n = rng.chance(0.1) ? rng.int(50_000, 100_000) : rng.int(1000, 5_000);
      const deep = rng.chance(0.5) ? '['.repeat(n) + ']'.repeat(n) : '{"a":'.repeat(n) + '1' + '}'.repeat(n);
      return [Buffer.concat([b.subarray(0, q), Buffer.from(deep), b.subarray(end)]), `nesting ${n} deep`];
    }
    default:
      return [b.subarray(0, rng.int(0, 40)), 'keep only the start'];
  }
}

/**
 * One mutated plan file made from the genuine plan's bytes, with at least one mutation; some keep the plan's
 * meaning (CRLF, escapes, layout, reordered members), which apply must then accept as the genuine plan.
 */
export function makeMutant(genuine: Buffer, rng: Rng, ctx: MutationContext): Mutant {
  const ops: string[] = [];
  const version = rng.pick([3, 3, 3, 3, 3, 3, 2, 1] as const);
  if (version !== 3) ops.push(`format ${version}`);
  const docOps = rng.chance(0.75) ? rng.int(1, 3) : 0;
  let bytes = genuine;
  if (version !== 3 || docOps > 0) {
    const doc = genuineDocument(genuine, version);
    for (let i = 0; i < docOps; i++) ops.push(mutateDocument(doc, rng, ctx));
    bytes = serialise(doc, rng);
  }
  const byteOps = docOps === 0 ? rng.int(1, 2) : rng.chance(0.2) ? 1 : 0;
  for (let i = 0; i < byteOps; i++) {
    const [next, what] = mutateBytes(bytes, rng);
    bytes = next;
    ops.push(what);
  }
  return { bytes: Buffer.from(bytes), ops };
}

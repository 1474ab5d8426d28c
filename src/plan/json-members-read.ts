// Reading a document written by encodeJsonDocument without a JS string per member list: before JSON.parse, the
// long member strings are lifted out of the file's bytes (replaced by short placeholders), and each is later
// unescaped in place and parsed straight from those bytes. At 1M entries this saves a 17 MB copy of the file as a
// string, a 16 MB string per list and its 16 MB UTF-8 copy (bench/plan.mjs). Anything unusual is left in place and
// goes through JSON.parse and parseMemberText as usual, which stay the authority.

import { randomBytes } from 'node:crypto';
import type { PrefixList } from '../cidr/types.js';
import { parseMemberText } from './json-members.js';
import { parseCanonicalV4Members } from './json-members-v4.js';

/** Keys whose string values hold member lists (plan: groups[].add/remove; state: inventory.groups[].members). */
const MEMBER_KEYS = new Set(['add', 'remove', 'members']);
/** Keys whose string values hold base64 records (state format 5's memberSets[].v4 and .v6): lifted as they are. */
const BINARY_KEYS = new Set(['v4', 'v6']);
/** Shorter strings are not worth lifting. */
const MIN_LIFT = 4096;
const QUOTE = 34;
const BACKSLASH = 92;
const COLON = 58;
const LETTER_N = 110;
const NL = 10;

// Bytes a lifted member string may hold: 0-9 A-F a-f : . / (and the escape \n, checked apart).
const ALLOWED = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF:./') ALLOWED[c.charCodeAt(0)] = 1;

/** Member lists by placeholder: unescaped bytes, or the list itself when it took the fast path. */
export type LiftedMembers = Map<string, Uint8Array | PrefixList>;

export interface LiftedJson {
  readonly doc: unknown;
  /** Member lists by placeholder; each is read once, with readMembers. */
  readonly lifted: LiftedMembers;
  /** Base64 strings by placeholder, the file's bytes as they are (read with liftedBytes). */
  readonly binary: Map<string, Uint8Array>;
}

/**
 * JSON.parse of `bytes` (UTF-8) with long member strings replaced by placeholders. Takes over `bytes`: the lifted
 * ranges are unescaped in place. Throws JSON.parse's SyntaxError (with positions in the whole text) on bad JSON.
 */
export function parseJsonLiftingMembers(bytes: Buffer, opts: { fastV4?: boolean } = {}): LiftedJson {
  const fastV4 = opts.fastV4 ?? true;
  // The placeholder matches the members pattern of the schemas; the random part keeps it from meaning anything else.
  const token = `0:${randomBytes(12).toString('hex')}:`;
  // Per placeholder: the range to unescape, or the list the fast path already parsed.
  const ranges: ([start: number, end: number] | PrefixList)[] = [];
  const binaryAt = new Map<number, [start: number, end: number]>();
  const pieces: Buffer[] = [];
  let copied = 0;
  let key: string | null = null;
  let afterColon = false;
  const n = bytes.length;
  for (let i = 0; i < n; i++) {
    const c = bytes[i]!;
    if (c === COLON) {
      afterColon = true;
      continue;
    }
    if (c !== QUOTE) {
      if (c > 32) afterColon = false;
      continue;
    }
    if (fastV4 && afterColon && key !== null && MEMBER_KEYS.has(key)) {
      const fast = parseCanonicalV4Members(bytes, i + 1);
      if (fast && fast.end - i - 1 >= MIN_LIFT) {
        ranges.push(fast.list);
        pieces.push(bytes.subarray(copied, i), Buffer.from(`"${token}${ranges.length - 1}"`, 'latin1'));
        copied = fast.end + 1;
        afterColon = false;
        i = fast.end;
        continue;
      }
    }
    if (afterColon && key !== null && BINARY_KEYS.has(key)) {
      // Base64 has no escape: the closing quote is the next quote, found by memchr rather than byte by byte.
      const end = bytes.indexOf(QUOTE, i + 1);
      const escape = bytes.indexOf(BACKSLASH, i + 1);
      if (end - i - 1 >= MIN_LIFT && (escape === -1 || escape > end)) {
        binaryAt.set(ranges.length, [i + 1, end]);
        ranges.push([i + 1, end]);
        pieces.push(bytes.subarray(copied, i), Buffer.from(`"${token}${ranges.length - 1}"`, 'latin1'));
        copied = end + 1;
        afterColon = false;
        i = end;
        continue;
      }
    }
    // A string token from i to its closing quote; note whether it holds only member bytes.
    let j = i + 1;
    let plain = true;
    while (j < n) {
      const d = bytes[j]!;
      if (d === QUOTE) break;
      if (d === BACKSLASH) {
        if (bytes[j + 1] !== LETTER_N) plain = false;
        j += 2;
        continue;
      }
      if (ALLOWED[d] === 0) plain = false;
      j++;
    }
    if (j >= n) break; // unterminated: JSON.parse reports it
    const isValue = afterColon;
    afterColon = false;
    if (isValue && plain && key !== null && MEMBER_KEYS.has(key) && j - i - 1 >= MIN_LIFT) {
      ranges.push([i + 1, j]);
      pieces.push(bytes.subarray(copied, i), Buffer.from(`"${token}${ranges.length - 1}"`, 'latin1'));
      copied = j + 1;
    } else if (!isValue) {
      key = j - i - 1 <= 16 ? bytes.toString('latin1', i + 1, j) : null;
    }
    i = j;
  }
  const lifted: LiftedMembers = new Map();
  const binary = new Map<string, Uint8Array>();
  if (ranges.length === 0) return { doc: JSON.parse(bytes.toString('utf8')), lifted, binary };
  pieces.push(bytes.subarray(copied));
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.concat(pieces).toString('utf8'));
  } catch {
    // Report the error against the whole text, as the reader sees the file (only on this failure path; the bytes
    // are still untouched here).
    return { doc: JSON.parse(bytes.toString('utf8')), lifted, binary };
  }
  ranges.forEach((r, i) => {
    const raw = binaryAt.get(i);
    if (raw !== undefined) binary.set(`${token}${i}`, bytes.subarray(raw[0], raw[1]));
    else lifted.set(`${token}${i}`, Array.isArray(r) ? unescapeInPlace(bytes, r[0], r[1]) : (r as PrefixList));
  });
  return { doc, lifted, binary };
}

/** Turns the \n escapes of bytes[start, end) into newlines, in place; returns the unescaped range. */
function unescapeInPlace(bytes: Buffer, start: number, end: number): Uint8Array {
  let w = start;
  for (let r = start; r < end; r++) {
    const c = bytes[r]!;
    if (c === BACKSLASH) {
      bytes[w++] = NL;
      r++;
    } else {
      bytes[w++] = c;
    }
  }
  return bytes.subarray(start, w);
}

/** The bytes of a (schema-checked) base64 string: a lifted one as the file holds it, any other as given. */
export function liftedBytes(binary: Map<string, Uint8Array>, value: string): Uint8Array | string {
  const found = binary.get(value);
  if (found === undefined) return value;
  binary.delete(value);
  return found;
}

/** The member list of a (schema-checked) member string: a lifted one from its bytes, any other from its text. */
export function readMembers(lifted: LiftedMembers, value: string, where: string, hint: string): PrefixList {
  const found = lifted.get(value);
  if (found === undefined) return parseMemberText(value, where, hint);
  lifted.delete(value); // the bytes back a list now; a second reference would be a bug
  return found instanceof Uint8Array ? parseMemberText(found, where, hint) : found;
}

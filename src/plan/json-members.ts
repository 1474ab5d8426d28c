// JSON documents (plan file, state file) whose member lists are written as ONE JSON string each, the CIDRs
// separated by "\n". At 1M entries a JS string per entry plus a pretty-printed copy of the whole document cost
// ~500 MB and ~0.4 s (bench/plan.mjs); here the rest of the document goes through JSON.stringify as usual and each
// member list is spliced in as bytes built by writePrefixes, so the file is built in one Buffer of its final size.

import { randomBytes } from 'node:crypto';
import { EMPTY_PREFIXES, parseCidrText, prefixCount, writePrefixes } from '../cidr/index.js';
import type { PrefixList } from '../cidr/types.js';
import { ConfigError } from '../errors.js';

const NL = 10;
const BACKSLASH = 92;
const LETTER_N = 110;
const QUOTE = 34;
/** How many bad entries an error message lists. */
const MAX_LISTED = 5;

/** A member list inside a document given to encodeJsonDocument: written as one string of newline-separated CIDRs. */
export class MemberText {
  constructor(readonly list: PrefixList) {}
}

/**
 * `JSON.stringify(doc, null, 2)` + "\n" as UTF-8 bytes, with every MemberText written as a JSON string of its
 * CIDRs joined by "\n" (canonical text, IPv4 then IPv6, list order). Deterministic: same document, same bytes.
 */
export function encodeJsonDocument(doc: unknown): Buffer {
  // A per-call random placeholder: no string in the document can collide with it by accident or on purpose.
  const token = `tscm-members-${randomBytes(12).toString('hex')}-`;
  const lists: PrefixList[] = [];
  const skeleton = `${JSON.stringify(
    doc,
    (_key, value: unknown) => {
      if (!(value instanceof MemberText)) return value;
      lists.push(value.list);
      return `${token}${lists.length - 1}`;
    },
    2,
  )}\n`;
  const pieces: Buffer[] = [];
  let from = 0;
  for (let i = 0; i < lists.length; i++) {
    const placeholder = `"${token}${i}"`;
    const at = skeleton.indexOf(placeholder, from);
    pieces.push(Buffer.from(skeleton.slice(from, at), 'utf8'));
    from = at + placeholder.length;
  }
  pieces.push(Buffer.from(skeleton.slice(from), 'utf8'));
  const texts = lists.map((list) => ({ bytes: writePrefixes(list), lines: prefixCount(list) }));
  let size = 0;
  for (const p of pieces) size += p.length;
  // Each list loses its last "\n" and every other "\n" becomes the two bytes \n; plus two quotes.
  for (const t of texts) size += 2 + (t.lines === 0 ? 0 : t.bytes.length + t.lines - 2);
  const out = Buffer.allocUnsafe(size);
  let pos = 0;
  for (let i = 0; i < texts.length; i++) {
    pos += pieces[i]!.copy(out, pos);
    out[pos++] = QUOTE;
    pos = copyEscaped(texts[i]!.bytes, out, pos);
    out[pos++] = QUOTE;
  }
  pos += pieces[pieces.length - 1]!.copy(out, pos);
  return out.subarray(0, pos);
}

/** Copies CIDR lines (ASCII, each ending in "\n") as the inside of a JSON string, without the last newline. */
function copyEscaped(src: Uint8Array, dst: Uint8Array, pos: number): number {
  const end = src.length - 1;
  for (let i = 0; i < end; i++) {
    const c = src[i]!;
    if (c === NL) {
      dst[pos++] = BACKSLASH;
      dst[pos++] = LETTER_N;
    } else {
      dst[pos++] = c;
    }
  }
  return pos;
}

/**
 * Parses a member string or its bytes (CIDRs separated by "\n", as encodeJsonDocument writes them). `where` names the file and
 * the field in errors. Refuses what a file tscm wrote never holds: bad entries, host bits, blank lines, duplicates.
 */
export function parseMemberText(text: string | Uint8Array, where: string, hint: string): PrefixList {
  if (text.length === 0) return EMPTY_PREFIXES;
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  let lines = 1;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === NL) lines++;
  const parsed = parseCidrText(bytes, where);
  if (parsed.errors.length > 0) {
    const listed = parsed.errors
      .slice(0, MAX_LISTED)
      .map((e) => `line ${e.line}${e.token === undefined ? '' : ` ${JSON.stringify(e.token)}`}: ${e.reason}`);
    const more = parsed.errors.length > MAX_LISTED ? `; and ${parsed.errors.length - MAX_LISTED} more` : '';
    throw new ConfigError(`${where}: invalid prefix: ${listed.join('; ')}${more}`, hint);
  }
  if (parsed.hostBitsCount > 0) {
    throw new ConfigError(`${where}: ${parsed.hostBitsCount} prefix(es) have host bits set`, hint);
  }
  const count = prefixCount(parsed.list);
  if (count !== lines) {
    throw new ConfigError(
      `${where}: ${lines} lines hold ${count} distinct prefixes (a blank line or a duplicate)`,
      hint,
    );
  }
  return parsed.list;
}

/** Format version 1 held members as an array of CIDR strings: joins it (upgrades). Anything else is left as is. */
export function joinMemberArray(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  const ok = value.every((s) => typeof s === 'string' && s !== '' && !s.includes('\n'));
  return ok ? value.join('\n') : value;
}

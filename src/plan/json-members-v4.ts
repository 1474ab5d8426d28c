// The fast path of reading a member string from a file's bytes: an IPv4-only list exactly as tscm writes it
// (canonical `a.b.c.d/len`, no host bits, in PrefixList order with no duplicate, joined by the JSON escape `\n`)
// is parsed in ONE pass straight from the escaped bytes into the typed arrays: no unescape pass, no line count, no
// builder, no sort or dedup check after. For such a list parseMemberText gives exactly this list (it is sorted,
// unique and normalised already); anything else (IPv6, another spelling, disorder, any other byte) returns null
// and goes the general way, which stays the authority on what is accepted and on every error message.
// At 1M entries this is the bulk of reading a state or plan file (bench/e2e-hourly.mjs, bench/plan.mjs).

import { makePrefixList } from '../cidr/index.js';
import type { PrefixList } from '../cidr/types.js';

const QUOTE = 34;
const BACKSLASH = 92;
const LETTER_N = 110;
const DOT = 46;
const SLASH = 47;
const ZERO = 48;
const NINE = 57;
const INITIAL_CAPACITY = 4096;

/**
 * Parses the JSON string body starting at `start` (just after its opening quote) of `bytes` when it is a canonical
 * IPv4 member list ending at the next quote. Returns the list and the index of the closing quote, or null.
 */
export function parseCanonicalV4Members(bytes: Uint8Array, start: number): { list: PrefixList; end: number } | null {
  // The closing quote is found by the parse itself (a quote ends an entry or fails it): one pass over the bytes.
  let addrs = new Uint32Array(INITIAL_CAPACITY);
  let lens = new Uint8Array(INITIAL_CAPACITY);
  let n = 0;
  let prevAddr = -1;
  let prevLen = -1;
  let i = start;
  for (;;) {
    let addr = 0;
    for (let octet = 0; octet < 4; octet++) {
      // An octet: "0", or 1-3 digits without a leading zero, at most 255; then "." (or "/" after the fourth).
      let c = bytes[i]!;
      if (!(c >= ZERO && c <= NINE)) return null; // also past the end (undefined)
      let v = c - ZERO;
      i++;
      if (v !== 0) {
        c = bytes[i]!;
        if (c >= ZERO && c <= NINE) {
          v = v * 10 + c - ZERO;
          i++;
          c = bytes[i]!;
          if (c >= ZERO && c <= NINE) {
            v = v * 10 + c - ZERO;
            i++;
            if (v > 255) return null;
          }
        }
      }
      if (bytes[i] !== (octet === 3 ? SLASH : DOT)) return null;
      i++;
      addr = addr * 256 + v;
    }
    let c = bytes[i]!;
    if (!(c >= ZERO && c <= NINE)) return null; // also past the end (undefined)
    let len = c - ZERO;
    i++;
    if (len !== 0) {
      c = bytes[i]!;
      if (c >= ZERO && c <= NINE) {
        len = len * 10 + c - ZERO;
        i++;
        if (len > 32) return null;
      }
    }
    // No host bits (len 0: the address must be 0), and strictly after the previous entry.
    const hostBits = len === 0 ? addr : len === 32 ? 0 : addr % 2 ** (32 - len);
    if (hostBits !== 0) return null;
    if (addr < prevAddr || (addr === prevAddr && len <= prevLen)) return null;
    if (n === addrs.length) {
      const grown = new Uint32Array(2 * n);
      grown.set(addrs);
      addrs = grown;
      const grownLens = new Uint8Array(2 * n);
      grownLens.set(lens);
      lens = grownLens;
    }
    addrs[n] = addr;
    lens[n] = len;
    n++;
    prevAddr = addr;
    prevLen = len;
    if (bytes[i] === QUOTE) break;
    // The separator, then the next entry's first digit (a blank line or a trailing separator is not ours).
    if (bytes[i] !== BACKSLASH || bytes[i + 1] !== LETTER_N) return null;
    i += 2;
  }
  const end = i;
  const list = makePrefixList(addrs.slice(0, n), lens.slice(0, n), new Uint32Array(0), new Uint8Array(0));
  return { list, end };
}

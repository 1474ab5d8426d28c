// Object-group member lines as IOS reads them: a typed member ("ho 192.0.2.1", "10.9.8.7/8", "2001:DB8::1/48") is
// checked and turned into the form IOS prints, which is also the member's identity for duplicates and `no`.

import { formatIpv4, formatIpv6, maskToPrefixLength, parseIpv4, parseIpv6, prefixLengthToMask } from '../addresses.js';

/** A member as typed, split into words (without the leading `no`). */
export type MemberResult = { ok: true; line: string } | { ok: false; error: string; badWord: number };

/**
 * Normalises one IPv4 member line to the form IOS prints. Host bits under the mask are cleared and `/nn` becomes a
 * dotted mask [I]; a wildcard or non-contiguous mask is refused with IOS's `% Bad mask` wording [I].
 */
export function normaliseV4Member(words: readonly string[]): MemberResult {
  const [first, second, third] = words;
  if (first === undefined) return { ok: false, error: 'incomplete', badWord: 0 };
  const lower = first.toLowerCase();
  if (lower === 'any' && words.length === 1) return { ok: true, line: 'any' };
  if (lower === 'host') {
    const address = second === undefined ? undefined : parseIpv4(second);
    if (second === undefined) return { ok: false, error: 'incomplete', badWord: 1 };
    if (address === undefined || words.length > 2) return { ok: false, error: 'invalid', badWord: address ? 2 : 1 };
    return { ok: true, line: `host ${formatIpv4(address)}` };
  }
  if (lower === 'range') {
    if (second === undefined || third === undefined) return { ok: false, error: 'incomplete', badWord: 1 };
    const low = parseIpv4(second);
    const high = parseIpv4(third);
    if (low === undefined) return { ok: false, error: 'invalid', badWord: 1 };
    if (high === undefined || words.length > 3) return { ok: false, error: 'invalid', badWord: high ? 3 : 2 };
    if (high < low)
      return { ok: false, error: '% Invalid range, start address is greater than end address', badWord: 2 };
    return { ok: true, line: `range ${formatIpv4(low)} ${formatIpv4(high)}` };
  }
  const slash = first.indexOf('/');
  if (slash > 0) {
    const address = parseIpv4(first.slice(0, slash));
    const lengthText = first.slice(slash + 1);
    const length = /^\d{1,2}$/.test(lengthText) ? Number(lengthText) : 99;
    if (address === undefined || length > 32 || words.length > 1) return { ok: false, error: 'invalid', badWord: 0 };
    const mask = prefixLengthToMask(length);
    return { ok: true, line: `${formatIpv4((address & mask) >>> 0)} ${formatIpv4(mask)}` };
  }
  const address = parseIpv4(first);
  if (address === undefined) return { ok: false, error: 'invalid', badWord: 0 };
  if (second === undefined) return { ok: false, error: 'incomplete', badWord: 1 };
  const mask = parseIpv4(second);
  if (mask === undefined || words.length > 2) return { ok: false, error: 'invalid', badWord: mask ? 2 : 1 };
  if (maskToPrefixLength(mask) === undefined) {
    const hex = mask.toString(16).toUpperCase().padStart(8, '0');
    return { ok: false, error: `% Bad mask 0x${hex} for address ${formatIpv4(address)}`, badWord: 1 };
  }
  return { ok: true, line: `${formatIpv4((address & mask) >>> 0)} ${formatIpv4(mask)}` };
}

/**
 * IPv6 members: `host X`, `X/nn`, `any`; printed lower-case RFC 5952. Host bits under the prefix are kept, as the
 * device keeps them (`2001:db8:111:1::/48` in a real `show object-group`).
 */
export function normaliseV6Member(words: readonly string[]): MemberResult {
  const [first, second] = words;
  if (first === undefined) return { ok: false, error: 'incomplete', badWord: 0 };
  const lower = first.toLowerCase();
  if (lower === 'any' && words.length === 1) return { ok: true, line: 'any' };
  if (lower === 'host') {
    if (second === undefined) return { ok: false, error: 'incomplete', badWord: 1 };
    const groups = parseIpv6(second);
    if (!groups || words.length > 2) return { ok: false, error: 'invalid', badWord: groups ? 2 : 1 };
    return { ok: true, line: `host ${formatIpv6(groups)}` };
  }
  const slash = first.indexOf('/');
  if (slash <= 0) return { ok: false, error: 'invalid', badWord: 0 };
  const groups = parseIpv6(first.slice(0, slash));
  const lengthText = first.slice(slash + 1);
  const length = /^\d{1,3}$/.test(lengthText) ? Number(lengthText) : 999;
  if (!groups || length > 128 || words.length > 1) return { ok: false, error: 'invalid', badWord: groups ? 1 : 0 };
  return { ok: true, line: `${formatIpv6(groups)}/${length}` };
}

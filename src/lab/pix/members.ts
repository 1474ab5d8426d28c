// `network-object` arguments as PIX/FWSM read them: IPv4 only, a host or an address with a contiguous mask. The
// member's identity is address/length, so `host A` and `A 255.255.255.255` are one member [I: as the ASA treats
// them]; the line keeps the form it was typed in.

import { formatIpv4, maskToPrefixLength, parseIpv4, prefixLengthToMask } from '../addresses.js';

export type MemberParse =
  | { readonly ok: true; readonly key: string; readonly form: string }
  | { readonly ok: false; readonly kind: 'invalid' | 'incomplete' | 'pair'; readonly badWord: number };

/** The default printed form of a member key (`A/len`): `host A` for /32, else `A MASK`. */
export function memberForm(key: string): string {
  const slash = key.indexOf('/');
  const length = Number(key.slice(slash + 1));
  if (length === 32) return `host ${key.slice(0, slash)}`;
  return `${key.slice(0, slash)} ${formatIpv4(prefixLengthToMask(length))}`;
}

/** Parses the words after `network-object`: `host A` or `A MASK`. */
export function parseMember(words: readonly string[]): MemberParse {
  const [first, second] = words;
  if (first === undefined) return { ok: false, kind: 'incomplete', badWord: 0 };
  if (first.toLowerCase() === 'host') {
    if (second === undefined) return { ok: false, kind: 'incomplete', badWord: 1 };
    const address = parseIpv4(second);
    if (address === undefined || words.length > 2) return { ok: false, kind: 'invalid', badWord: address ? 2 : 1 };
    return { ok: true, key: `${formatIpv4(address)}/32`, form: `host ${formatIpv4(address)}` };
  }
  const address = parseIpv4(first);
  if (address === undefined) return { ok: false, kind: 'invalid', badWord: 0 };
  if (second === undefined) return { ok: false, kind: 'incomplete', badWord: 1 };
  const mask = parseIpv4(second);
  if (mask === undefined || words.length > 2) return { ok: false, kind: 'invalid', badWord: mask ? 2 : 1 };
  const length = maskToPrefixLength(mask);
  if (length === undefined || (address & ~mask) >>> 0 !== 0) return { ok: false, kind: 'pair', badWord: 1 };
  return { ok: true, key: `${formatIpv4(address)}/${length}`, form: `${formatIpv4(address)} ${formatIpv4(mask)}` };
}

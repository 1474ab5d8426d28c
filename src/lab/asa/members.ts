// `network-object` members as the ASA reads them (spec §2): `host A` (IPv4 or IPv6), `A MASK`, IPv6 `P/L`,
// `object NAME`. Each gets an identity (a /32 given as a mask and `host` are one member) and the line the running
// config prints, which keeps the typed form (`10.0.0.1 255.255.255.255` stays so, spec §2).

import { formatIpv4, formatIpv6, maskToPrefixLength, parseIpv4, parseIpv6, prefixLengthToMask } from '../addresses.js';

export type MemberParse =
  | { readonly ok: true; readonly key: string; readonly line: string }
  /** word: index (in the words after `network-object`) of the word the caret goes under; -1: incomplete. */
  | { readonly ok: false; readonly word: number; readonly message?: string };

const NAME = /^[A-Za-z0-9_.!@#$%^&()\-{}]{1,64}$/;

export function isObjectName(text: string): boolean {
  return NAME.test(text);
}

/** Parses the words after `network-object`. */
export function parseMember(words: readonly string[]): MemberParse {
  const [first, second, third] = words;
  if (first === undefined) return { ok: false, word: -1 };
  const lower = first.toLowerCase();
  if (lower === 'host' || lower === 'object') {
    if (second === undefined) return { ok: false, word: -1 };
    if (words.length > 2) return { ok: false, word: 2 };
    if (lower === 'object') {
      if (!isObjectName(second)) return { ok: false, word: 1 };
      return { ok: true, key: `object ${second}`, line: `network-object object ${second}` };
    }
    const v4 = parseIpv4(second);
    if (v4 !== undefined)
      return { ok: true, key: `${formatIpv4(v4)}/32`, line: `network-object host ${formatIpv4(v4)}` };
    const v6 = parseIpv6(second);
    if (v6 === undefined) return { ok: false, word: 1 };
    return { ok: true, key: `${formatIpv6(v6)}/128`, line: `network-object host ${formatIpv6(v6)}` };
  }
  const slash = first.indexOf('/');
  if (slash >= 0) {
    // Only IPv6 takes a prefix length here; an IPv4 `A/nn` is invalid input [I].
    const v6 = parseIpv6(first.slice(0, slash));
    const length = first.slice(slash + 1);
    if (v6 === undefined || !/^\d{1,3}$/.test(length) || Number(length) > 128) return { ok: false, word: 0 };
    if (words.length > 1) return { ok: false, word: 1 };
    const text = `${formatIpv6(v6)}/${Number(length)}`;
    return { ok: true, key: text, line: `network-object ${text}` };
  }
  const address = parseIpv4(first);
  if (address === undefined) return { ok: false, word: 0 };
  if (second === undefined) return { ok: false, word: -1 };
  const mask = parseIpv4(second);
  const length = mask === undefined ? undefined : maskToPrefixLength(mask);
  if (mask === undefined || length === undefined) return { ok: false, word: 1 };
  if (third !== undefined) return { ok: false, word: 2 };
  if ((address & ~prefixLengthToMask(length)) >>> 0 !== 0) {
    return { ok: false, word: 1, message: `ERROR: IP address,mask <${first},${second}> doesn't pair` };
  }
  return {
    ok: true,
    key: `${formatIpv4(address)}/${length}`,
    line: `network-object ${formatIpv4(address)} ${formatIpv4(mask)}`,
  };
}

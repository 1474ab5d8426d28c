// Parsing of one address or prefix from text (IPv4 dotted quad, IPv6 full/compressed/with embedded IPv4).
// Strict on purpose: a block list with `010.1.1.1` (octal or decimal?) or `1.2.3` must be rejected, not guessed.
import { maskV4, maskV6Word } from './mask.js';

export interface ParsedIpv4 {
  readonly family: 'ipv4';
  readonly addr: number;
  readonly len: number;
  /** True when the text had bits set beyond the prefix length (`10.0.0.1/8`); the builder clears them. */
  readonly hostBits: boolean;
}

export interface ParsedIpv6 {
  readonly family: 'ipv6';
  readonly words: [number, number, number, number];
  readonly len: number;
  readonly hostBits: boolean;
}

export type ParsedPrefix = ParsedIpv4 | ParsedIpv6;

/** Why a text is not a prefix; null when it is one. Used for error messages. */
export type PrefixRejection = string;

/** Parses a decimal prefix length 0..max without sign or leading zeros; -1 if invalid. */
function parseLength(text: string, max: number): number {
  if (text.length === 0 || text.length > 3) return -1;
  if (text.length > 1 && text.charCodeAt(0) === 48) return -1;
  let v = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v <= max ? v : -1;
}

/** Parses a dotted-quad IPv4 address to an unsigned 32-bit number; -1 if invalid. */
export function parseIpv4Address(text: string): number {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && octet === 0) return -1; // leading zero: 010 is ambiguous
      octet = octet * 10 + (c - 48);
      if (octet > 255) return -1;
      digits++;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + octet;
}

function parseHexGroup(text: string): number {
  if (text.length === 0 || text.length > 4) return -1;
  let v = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (c >= 97 && c <= 102) d = c - 87;
    else if (c >= 65 && c <= 70) d = c - 55;
    else return -1;
    v = v * 16 + d;
  }
  return v;
}

/** Parses an IPv6 address (RFC 4291 text forms) to four 32-bit words; null if invalid. Zone ids are rejected. */
export function parseIpv6Address(text: string): [number, number, number, number] | null {
  if (text.length < 2 || text.length > 45) return null;
  const groups: number[] = [];
  let gap = -1; // index in groups where '::' stands
  const dbl = text.indexOf('::');
  if (dbl !== -1 && text.indexOf('::', dbl + 1) !== -1) return null;
  const parts = dbl === -1 ? [text] : [text.slice(0, dbl), text.slice(dbl + 2)];
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p]!;
    if (p === 1) gap = groups.length;
    if (part === '') continue;
    const fields = part.split(':');
    for (let f = 0; f < fields.length; f++) {
      const field = fields[f]!;
      const isLast = p === parts.length - 1 && f === fields.length - 1;
      if (isLast && field.includes('.')) {
        const v4 = parseIpv4Address(field);
        if (v4 < 0) return null;
        groups.push(Math.floor(v4 / 65536), v4 & 0xffff);
        continue;
      }
      const g = parseHexGroup(field);
      if (g < 0) return null;
      groups.push(g);
    }
  }
  if (gap === -1) {
    if (groups.length !== 8) return null;
  } else {
    // '::' stands for at least one zero group (RFC 4291 2.2).
    if (groups.length > 7) return null;
    groups.splice(gap, 0, ...new Array<number>(8 - groups.length).fill(0));
  }
  const g = groups;
  return [
    (g[0]! * 65536 + g[1]!) >>> 0,
    (g[2]! * 65536 + g[3]!) >>> 0,
    (g[4]! * 65536 + g[5]!) >>> 0,
    (g[6]! * 65536 + g[7]!) >>> 0,
  ];
}

/** Parses `addr` or `addr/len` (IPv4 or IPv6). Returns null for anything else; see describePrefixError for why. */
export function parsePrefix(text: string): ParsedPrefix | null {
  const slash = text.indexOf('/');
  const addrText = slash === -1 ? text : text.slice(0, slash);
  if (addrText.includes(':')) {
    const words = parseIpv6Address(addrText);
    if (words === null) return null;
    const len = slash === -1 ? 128 : parseLength(text.slice(slash + 1), 128);
    if (len < 0) return null;
    let hostBits = false;
    for (let k = 0; k < 4; k++) if ((words[k]! & ~maskV6Word(len, k)) !== 0) hostBits = true;
    return { family: 'ipv6', words, len, hostBits };
  }
  const addr = parseIpv4Address(addrText);
  if (addr < 0) return null;
  const len = slash === -1 ? 32 : parseLength(text.slice(slash + 1), 32);
  if (len < 0) return null;
  return { family: 'ipv4', addr, len, hostBits: (addr & ~maskV4(len)) !== 0 };
}

/** A short human reason why parsePrefix(text) returned null. */
export function describePrefixError(text: string): PrefixRejection {
  if (text.length === 0) return 'empty entry';
  const slash = text.indexOf('/');
  const addrText = slash === -1 ? text : text.slice(0, slash);
  const isV6 = addrText.includes(':');
  if (isV6 ? parseIpv6Address(addrText) === null : parseIpv4Address(addrText) < 0) {
    if (!isV6 && /^[0-9.]+$/.test(addrText) && /(^|\.)0[0-9]/.test(addrText)) {
      return 'octet with a leading zero is ambiguous (octal or decimal?)';
    }
    return isV6 ? 'not a valid IPv6 address' : 'not a valid IPv4 address';
  }
  return `prefix length must be a decimal number 0..${isV6 ? 128 : 32} without leading zeros`;
}

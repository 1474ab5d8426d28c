// REST members <-> the ASA's member lines (spec §3, §7 "ASA REST"). A line the running config prints becomes the
// JSON member the API shows; a JSON member from a client becomes the CLI words the model takes, checked strictly
// (kind and value must agree: an IPv4Address holds one IPv4 address, nothing else).

import { formatIpv4, maskToPrefixLength, parseIpv4, parseIpv6, prefixLengthToMask } from '../addresses.js';
import { isObjectName } from '../asa/members.js';

export interface RestMember {
  kind: string;
  value?: string;
  objectId?: string;
  refLink?: string;
}

/** A member the model can take: `network-object WORDS`, or `group-object NAME`. */
export type MemberEdit =
  { readonly kind: 'object'; readonly words: string[] } | { readonly kind: 'group'; readonly name: string };

/** The REST member for a member line (without indent); undefined for lines the API does not show [I]. */
export function restMember(line: string, base: string): RestMember | undefined {
  const words = line.split(/\s+/);
  if (words[0] === 'group-object' && words.length === 2) {
    const id = words[1] as string;
    return {
      kind: 'objectRef#NetworkObjGroup',
      refLink: `${base}/objects/networkobjectgroups/${encodeId(id)}`,
      objectId: id,
    };
  }
  if (words[0] !== 'network-object') return undefined;
  const [, first, second] = words;
  if (first === 'object' && second !== undefined) {
    return {
      kind: 'objectRef#NetworkObj',
      refLink: `${base}/objects/networkobjects/${encodeId(second)}`,
      objectId: second,
    };
  }
  if (first === 'host' && second !== undefined) {
    return { kind: parseIpv4(second) !== undefined ? 'IPv4Address' : 'IPv6Address', value: second };
  }
  if (first !== undefined && first.includes('/')) return { kind: 'IPv6Network', value: first };
  const mask = second === undefined ? undefined : parseIpv4(second);
  const length = mask === undefined ? undefined : maskToPrefixLength(mask);
  if (first === undefined || length === undefined) return undefined;
  return { kind: 'IPv4Network', value: `${first}/${length}` };
}

/** Object ids in paths: `/` as `_API_SLASH_` (spec §3), then URL-encoded. */
export function encodeId(id: string): string {
  return encodeURIComponent(id.replaceAll('/', '_API_SLASH_'));
}

export function decodeId(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment).replaceAll('_API_SLASH_', '/');
  } catch {
    return undefined;
  }
}

const KNOWN_FIELDS = new Set(['kind', 'value', 'objectId', 'refLink']);

/** A client's member as CLI words, or why it cannot be one (the text goes into messages[].details). */
export function memberEdit(input: unknown): MemberEdit | string {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return 'a member must be an object';
  const m = input as Record<string, unknown>;
  for (const key of Object.keys(m)) if (!KNOWN_FIELDS.has(key)) return `unknown member field ${quote(key)}`;
  const kind = m['kind'];
  if (typeof kind !== 'string') return 'a member needs a "kind" string';
  if (kind === 'objectRef#NetworkObjGroup' || kind === 'objectRef#NetworkObj') {
    const id = m['objectId'];
    if (typeof id !== 'string' || !isObjectName(id)) return `${kind} needs an "objectId" that is an object name`;
    return kind === 'objectRef#NetworkObj' ? { kind: 'object', words: ['object', id] } : { kind: 'group', name: id };
  }
  // The any-address kinds carry no value [I].
  if (kind === 'AnyIPAddress') return { kind: 'object', words: ['0.0.0.0', '0.0.0.0'] };
  if (kind === 'AnyIPv6Address') return { kind: 'object', words: ['::/0'] };
  const value = m['value'];
  if (typeof value !== 'string' || value.length > 64) return `${quote(kind)} needs a "value" string`;
  switch (kind) {
    case 'IPv4Address':
      if (parseIpv4(value) === undefined) return `"${kind}" value is not an IPv4 address`;
      return { kind: 'object', words: ['host', value] };
    case 'IPv6Address':
      if (value.includes('/') || parseIpv6(value) === undefined) return `"${kind}" value is not an IPv6 address`;
      return { kind: 'object', words: ['host', value] };
    case 'IPv4Network': {
      const [address, length, extra] = value.split('/');
      if (extra !== undefined || parseIpv4(address ?? '') === undefined || !/^\d{1,2}$/.test(length ?? '')) {
        return `"${kind}" value must be A.B.C.D/LEN`;
      }
      if (Number(length) > 32) return `"${kind}" prefix length must be 0-32`;
      return { kind: 'object', words: [address as string, formatIpv4(prefixLengthToMask(Number(length)))] };
    }
    case 'IPv6Network': {
      const [address, length, extra] = value.split('/');
      if (extra !== undefined || parseIpv6(address ?? '') === undefined || !/^\d{1,3}$/.test(length ?? '')) {
        return `"${kind}" value must be PREFIX/LEN`;
      }
      if (Number(length) > 128) return `"${kind}" prefix length must be 0-128`;
      return { kind: 'object', words: [value] };
    }
    case 'IPv4Range':
    case 'IPv6Range':
    case 'IPv4FQDN':
    case 'IPv6FQDN':
      return `${kind} is not an inline group member: use a network object (objectRef#NetworkObj)`;
    default:
      return `unknown member kind ${quote(kind)}`;
  }
}

/** A client's word is quoted only when it is short and plain (never echo a stray secret or a blob). */
export function quote(text: string): string {
  return /^[\w#.:/-]{1,40}$/.test(text) ? `"${text}"` : '(a value)';
}

// `network-object` arguments as PIX/FWSM read them: IPv4 only, a host or an address with a contiguous mask. The
// member's identity is address/length, so `host A` and `A 255.255.255.255` are one member [I: as the ASA treats
// them]; the line keeps the form it was typed in.

export type MemberParse =
  | { readonly ok: true; readonly key: string; readonly form: string }
  | { readonly ok: false; readonly kind: 'invalid' | 'incomplete' | 'pair'; readonly badWord: number };

const DOTTED = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function parseIpv4(text: string): number | undefined {
  const m = DOTTED.exec(text);
  if (!m) return undefined;
  let value = 0;
  for (let i = 1; i <= 4; i++) {
    const octet = Number(m[i]);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

export function formatIpv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/** The prefix length of a contiguous netmask, else undefined. */
export function maskLength(mask: number): number | undefined {
  const inverted = ~mask >>> 0;
  if ((inverted & (inverted + 1)) !== 0) return undefined;
  return 32 - Math.log2(inverted + 1);
}

/** The default printed form of a member key (`A/len`): `host A` for /32, else `A MASK`. */
export function memberForm(key: string): string {
  const slash = key.indexOf('/');
  const length = Number(key.slice(slash + 1));
  if (length === 32) return `host ${key.slice(0, slash)}`;
  const mask = length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
  return `${key.slice(0, slash)} ${formatIpv4(mask)}`;
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
  const length = maskLength(mask);
  if (length === undefined || (address & ~mask) >>> 0 !== 0) return { ok: false, kind: 'pair', badWord: 1 };
  return { ok: true, key: `${formatIpv4(address)}/${length}`, form: `${formatIpv4(address)} ${formatIpv4(mask)}` };
}

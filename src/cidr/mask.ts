// Network masks for IPv4 and IPv6 prefix lengths, as unsigned 32-bit numbers.

/** Network mask of an IPv4 prefix length as an unsigned 32-bit number. */
export function maskV4(len: number): number {
  return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}

/** Mask for word k (0..3, most significant first) of an IPv6 prefix of length len. */
export function maskV6Word(len: number, k: number): number {
  const bits = len - 32 * k;
  if (bits >= 32) return 0xffffffff;
  if (bits <= 0) return 0;
  return (0xffffffff << (32 - bits)) >>> 0;
}

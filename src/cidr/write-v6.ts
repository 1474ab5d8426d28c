// IPv6 lines of writePrefixes built directly as bytes (RFC 5952 text, as formatIpv6Address prints it: lower case,
// no leading zeros, the longest run of two or more zero groups as `::` (the first on a tie), IPv4-mapped addresses
// as `::ffff:a.b.c.d`), so a 1M-entry output makes no string per entry. The loop is the IPv6 kernel's writer
// (v6-write.wat): at speed from the first call, where JavaScript ran most of a one-shot write unoptimised.
import type { Ipv6Prefixes } from './types.js';
import { writeV6Kernel } from './v6-kernel.js';

/**
 * LINE_BOUND[len]: the longest line of a /len (normalised: groups past ceil(len / 16) are zero, one hex digit at
 * most each): 4 digits per group that may be non-zero, 1 per other group, 7 colons, `/len`, newline. A /128 is
 * 44 bytes, a /64 32: the output buffer is sized by these, not 44 per line (memory never touched costs nothing,
 * but a smaller allocation is more often served from memory the allocator already has; fresh pages are slow).
 */
const LINE_BOUND = Uint8Array.from({ length: 129 }, (_, len) => {
  const groups = Math.ceil(len / 16);
  return 4 * groups + (8 - groups) + 7 + 1 + String(len).length + 1;
});

/** Bytes putV6Lines may need for these entries (at most 44 a line). */
export function v6LinesBound(v6: Ipv6Prefixes, bare: boolean): number {
  const { len } = v6;
  let total = 0;
  for (let i = 0; i < len.length; i++) {
    const l = len[i]!;
    total += LINE_BOUND[l]! - (bare && l === 128 ? 4 : 0);
  }
  return total;
}

/**
 * Writes one line per entry (`addr/len\n`, or `addr\n` for a /128 when bare) at buf[pos..]; returns the end. buf
 * must have v6LinesBound bytes from pos.
 */
export function putV6Lines(buf: Uint8Array, pos: number, v6: Ipv6Prefixes, bare: boolean): number {
  return writeV6Kernel(buf, pos, v6, bare);
}

// The shape of prefix lists shared by every layer. Typed arrays, no object per entry (1M entries stay small).
//
// Invariants of a PrefixList (every producer guarantees them, every consumer may rely on them):
// - each prefix is normalised: host bits are zero;
// - entries are sorted by address, then by prefix length ascending;
// - no duplicates. Overlaps ARE allowed (a device group may hold 10.0.0.0/8 and 10.1.0.0/16);
//   an *aggregated* list (the output of aggregate/subtract/intersect) additionally has no overlaps and no
//   mergeable neighbours: it is the canonical minimal CIDR list, as FireHOL `iprange --optimize` prints it.

/** IPv4 prefixes: addr[i] is the network address as an unsigned 32-bit integer, len[i] its length 0..32. */
export interface Ipv4Prefixes {
  readonly addr: Uint32Array;
  readonly len: Uint8Array;
}

/** IPv6 prefixes: words[4*i .. 4*i+3] hold the address, most significant word first; len[i] is 0..128. */
export interface Ipv6Prefixes {
  readonly words: Uint32Array;
  readonly len: Uint8Array;
}

export interface PrefixList {
  readonly v4: Ipv4Prefixes;
  readonly v6: Ipv6Prefixes;
}

export type Family = 'ipv4' | 'ipv6';

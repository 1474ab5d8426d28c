// The CIDR set engine: IPv4/IPv6 prefix lists as typed arrays; parse, normalise, aggregate, diff, cap, hash.
export type { Family, Ipv4Prefixes, Ipv6Prefixes, PrefixList } from './types.js';
export { EMPTY_PREFIXES, PrefixListBuilder, isEmptyList, makePrefixList, prefixCount } from './builder.js';
export {
  describePrefixError,
  parseIpv4Address,
  parseIpv6Address,
  parsePrefix,
  type ParsedIpv4,
  type ParsedIpv6,
  type ParsedPrefix,
} from './parse-prefix.js';
export {
  CidrTextParser,
  isAddressShaped,
  parseCidrText,
  type CidrParseError,
  type CidrParseOptions,
  type CidrParseResult,
} from './parse-text.js';
export {
  formatIpv4Address,
  formatIpv6Address,
  formatPrefix,
  formatPrefixes,
  longestZeroRun,
  prefixesToStrings,
  type FormatOptions,
  type PrefixValue,
} from './format.js';
export { prefixTextPieces, writePrefixes } from './write.js';
export { aggregate, intersect, subtract, union } from './set-ops.js';
export { overlaps } from './overlaps.js';
export { exactDifference, exactDifferences, exactEquals, exactIntersection, exactUnion } from './exact-ops.js';
export { capPrefixes, type CapResult } from './cap.js';
export { hashPrefixes } from './hash.js';
export { prefixesFromStrings } from './strings.js';
export { validatePrefixList } from './validate.js';

// policy/: zone sources (DNS AXFR over TCP, CIDR list files) decoded to prefix lists, cached by SOA serial.
export { ZoneResolver, resolveZone, pinOf, zoneSourceKey } from './zone-resolver.js';
export { checkZoneSerial } from './zone-serial.js';
export type { ResolvedZone, ZoneResolverOptions, PolicyLog } from './zone-resolver.js';
export { querySoa, transferZone, rcodeName } from './axfr.js';
export type { SoaAnswer, DecodedZone, TransferOptions, DnsTimeouts } from './axfr.js';
export { EmptyFeedError } from './empty-feed.js';
export { readCidrFile } from './file-source.js';
export type { DecodedFile } from './file-source.js';
export { readCachedZone, writeCachedZone, cacheFilePath } from './zone-cache.js';
export { encodeRpzIpOwner } from './rpz-ip.js';
export { formatEndpoint } from './tcp-exchange.js';

// The ASA's documented default limit, shared by the asa and asa-rest platforms (one device, two front ends).
// Cisco publishes no object-group member or ACE limit for the ASA: "there is no exact formula to determine the max
// number of ACL elements as it depends upon the size of the rest of the configuration" (a Cisco engineer, Cisco
// Community thread 2451380, 2014), and the device shows per-ACL element counts but no maximum. tscm's own ceiling
// (the maximum of objectGroups.maxEntries) stands in, so only a device-wide total past it is refused.

import type { PlatformCapacity } from '../platform.js';

export const ASA_CAPACITY: PlatformCapacity = {
  limit: 2_000_000,
  detail: "no documented ASA limit (memory-bound): tscm's ceiling",
};

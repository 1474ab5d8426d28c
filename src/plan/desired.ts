// Desired state of one device from one block list and an optional allow list (specs and tests built in code): the
// same composition as a device's sources (compose.ts), one source per list, nothing protected, no report.

import type { PrefixList } from '../cidr/types.js';
import type { DeviceSpec } from '../config/types.js';
import { composeDesired, type ComposeSource } from './compose.js';
import type { DesiredState, GroupRole } from './model.js';

export { TRUNCATION_SAMPLE_SIZE } from './compose.js';

const source = (role: GroupRole, list: PrefixList): ComposeSource => ({
  role,
  priority: 1,
  label: `${role} list`,
  list,
  serial: null,
  records: 0,
  decoded: 0,
  rejected: 0,
  status: 'fresh',
});

/**
 * The allow list wins where it overlaps the block list (see README.md): the block group gets block − allow.
 * The total is capped to spec.objectGroups.maxEntries; allow entries are kept first, the block group gets the rest.
 * An empty block set is refused: an empty feed must never wipe a group.
 */
export function computeDesired(spec: DeviceSpec, block: PrefixList, allow: PrefixList | undefined): DesiredState {
  const sources = [source('block', block), ...(allow ? [source('allow', allow)] : [])];
  const { groups, truncation } = composeDesired(spec, sources, { mode: 'carve', addresses: [], unresolved: [] });
  return truncation ? { groups, truncation } : { groups };
}

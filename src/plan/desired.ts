// Desired state of one device: the block list minus the allow list, aggregated, capped to the device's policy size.
// Pure. An empty block set is refused here too (not only upstream): an empty feed must never wipe a group.

import { aggregate, capPrefixes, prefixCount, prefixesToStrings, subtract } from '../cidr/index.js';
import type { PrefixList } from '../cidr/types.js';
import type { DeviceSpec } from '../config/types.js';
import { ConfigError } from '../errors.js';
import type { DesiredGroup, DesiredState, Truncation } from './model.js';
import { takePrefixes } from './prefix-window.js';

/** How many dropped entries the truncation report names. */
export const TRUNCATION_SAMPLE_SIZE = 5;

/**
 * The allow list wins where it overlaps the block list (see README.md): the block group gets block − allow.
 * The total is capped to spec.objectGroups.maxEntries; allow entries are kept first, the block group gets the rest.
 */
export function computeDesired(spec: DeviceSpec, block: PrefixList, allow: PrefixList | undefined): DesiredState {
  const where = `${spec.source.file}:${spec.source.line} (device ${spec.name})`;
  if (prefixCount(block) === 0) {
    throw new ConfigError(
      `${where}: the block list resolved to no addresses; refusing to compute an empty block group`,
      'an empty feed never wipes a group: check the block list zone or file on the policy source',
    );
  }
  const allowAgg = allow ? aggregate(allow) : undefined;
  const blockAgg = allowAgg ? subtract(block, allowAgg) : aggregate(block);
  if (prefixCount(blockAgg) === 0) {
    throw new ConfigError(
      `${where}: the allow list covers every address of the block list; the block group would be empty`,
      'check policy.allowList: it should hold exceptions, not the whole block list',
    );
  }

  const limit = spec.objectGroups.maxEntries;
  const allowCap = allowAgg ? capPrefixes(allowAgg, limit) : undefined;
  const allowKept = allowCap ? prefixCount(allowCap.kept) : 0;
  if (allowKept >= limit) {
    throw new ConfigError(
      `${where}: the allow list alone (${prefixCount(allowAgg ?? block)} entries) fills objectGroups.maxEntries (${limit}); no room is left for the block group`,
      'raise objectGroups.maxEntries or shorten the allow list',
    );
  }
  const blockCap = capPrefixes(blockAgg, limit - allowKept);

  const groups: DesiredGroup[] = [{ name: spec.objectGroups.block, role: 'block', members: blockCap.kept }];
  if (allowCap) groups.push({ name: spec.objectGroups.allow, role: 'allow', members: allowCap.kept });

  const droppedLists = [allowCap?.dropped, blockCap.dropped].filter((d): d is PrefixList => d !== undefined);
  const dropped = droppedLists.reduce((n, d) => n + prefixCount(d), 0);
  if (dropped === 0) return { groups };
  const sample: string[] = [];
  for (const d of droppedLists) {
    if (sample.length >= TRUNCATION_SAMPLE_SIZE) break;
    sample.push(...prefixesToStrings(takePrefixes(d, TRUNCATION_SAMPLE_SIZE - sample.length)));
  }
  const truncation: Truncation = { dropped, sample, limit };
  return { groups, truncation };
}

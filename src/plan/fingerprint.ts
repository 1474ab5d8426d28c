// Fingerprint of what a device holds in the groups tscm looks at: pinned in a plan so that apply notices when the
// device changed between plan and apply (someone edited a group by hand, another run applied first).

import { createHash } from 'node:crypto';
import { hashPrefixes } from '../cidr/index.js';
import type { PrefixList } from '../cidr/types.js';

export interface FingerprintGroup {
  readonly name: string;
  readonly exists: boolean;
  readonly members: PrefixList;
}

/** sha256 (hex) over the groups' names, existence and member hashes; independent of the groups' order. */
export function fingerprintObserved(groups: readonly FingerprintGroup[]): string {
  const sorted = [...groups].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const hash = createHash('sha256');
  for (const g of sorted) {
    hash.update(`${JSON.stringify(g.name)} ${g.exists ? hashPrefixes(g.members) : 'absent'}\n`);
  }
  return hash.digest('hex');
}

/** A driver's observation with the fingerprint the core pins in plans (drivers never compute it). */
export function withFingerprint<T extends { readonly groups: readonly FingerprintGroup[] }>(
  observation: T,
): T & { readonly fingerprint: string } {
  return { ...observation, fingerprint: fingerprintObserved(observation.groups) };
}

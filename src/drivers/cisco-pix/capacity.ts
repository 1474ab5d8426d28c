// The FWSM's access-list element limit as the module states it (pure): `show np 3 acl count` prints the rules in use
// and the maximum of each rule type [S: testdata/real-cisco-community-fwsm-np-acl-count]. Expanded ACEs count
// towards the ACL maximum [S: FWSM 3.1 configuration guide OL-6392-01, "Maximum Number of ACEs"], so `CLS ACL Rule
// Count` is every ACE the module holds now (tscm's groups and all others) and `CLS ACL Rule MAX` its limit. A PIX
// has no such command (it refuses it): the platform's documented default applies then.

import type { DeviceCapacity } from '../../plan/model.js';

export const NP_ACL_COUNT_COMMAND = 'show np 3 acl count';

const COUNT = /^\s*CLS ACL Rule Count\s*:\s*(\d{1,10})\s*$/;
const MAX = /^\s*CLS ACL Rule MAX\s*:\s*(\d{1,10})\s*$/;

/** The limit and the ACEs in use, or undefined when the text does not state the ACL maximum. */
export function parseNpAclCount(lines: readonly string[]): DeviceCapacity | undefined {
  let inUse: number | null = null;
  let limit: number | undefined;
  for (const line of lines) {
    const count = COUNT.exec(line);
    if (count) inUse = Number(count[1]);
    const max = MAX.exec(line);
    if (max) limit = Number(max[1]);
  }
  if (limit === undefined || !Number.isSafeInteger(limit)) return undefined;
  const used = inUse === null ? '' : `, ${inUse} in use`;
  return { limit, inUse, detail: `${NP_ACL_COUNT_COMMAND}: CLS ACL Rule MAX ${limit}${used}` };
}

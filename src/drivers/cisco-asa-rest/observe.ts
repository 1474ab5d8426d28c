// Pure: the REST API's groups and the ACL usage read through /api/cli folded into the logical groups the core sees
// (shared/nested-fold.ts, the same fold as the ASA over SSH), with the facts apply and describe need.

import { prefixesFromStrings } from '../../cidr/index.js';
import { InternalError } from '../../errors.js';
import type { GroupRef, Observation } from '../driver.js';
import { AclUsageCollector, groupUsers, type AclUsage } from '../shared/asa-acl-usage.js';
import type { HostForms, NestedGroupFacts } from '../shared/nested-apply.js';
import { foldNestedGroup } from '../shared/nested-fold.js';
import type { RestGroup } from './api.js';
import { viewOfRestGroup } from './members.js';

/** What observe leaves in Observation.facts (opaque to the core). */
export interface AsaRestFacts {
  readonly kind: 'asa-rest';
  readonly groups: ReadonlyMap<string, NestedGroupFacts>;
  /** Per device group, the hosts held as IPv4Network /32 or IPv6Network /128. */
  readonly forms: HostForms;
}

export function restFactsOf(basis: Observation): AsaRestFacts {
  const f = basis.facts as Partial<AsaRestFacts> | undefined;
  if (f?.kind === 'asa-rest' && f.groups instanceof Map) return f as AsaRestFacts;
  throw new InternalError('the ASA REST driver was given a basis it did not observe');
}

/** ACL usage from `show running-config access-list` (and `access-group`) text, as /api/cli returns it. */
export function parseAclUsage(text: string): AclUsage {
  const c = new AclUsageCollector();
  for (const line of text.split('\n')) c.pushLine(line.trimEnd());
  return c.finish();
}

/** What a managed group's users say when the ACLs could not be read: it counts as in use (the safe side). */
export const ACL_UNREAD = '(ACLs not read)';

/**
 * The logical groups named by `refs` from every group the device listed. With `usage` 'unread' (the agent
 * refused the ACL read) every managed group counts as in use: a shim rather than an empty group, no delete.
 */
export function foldRestGroups(
  rest: readonly RestGroup[],
  usage: AclUsage | 'unread',
  refs: readonly GroupRef[],
  shimAddress: string,
): Observation {
  const views = rest.map(viewOfRestGroup);
  const byName = new Map(views.map((v) => [v.name, v]));
  const aclRefs = usage === 'unread' ? new Map(refs.map((r) => [r.name, [ACL_UNREAD]])) : usage.aclRefs;
  const users = groupUsers({ groups: views, aclRefs });
  const shim = prefixesFromStrings([`${shimAddress}/32`]);
  const groups = new Map<string, NestedGroupFacts>();
  const observed = refs.map((ref) => {
    const f = foldNestedGroup(byName, ref, shim, users);
    groups.set(ref.name, { layout: f.layout, inUse: f.inUse });
    return f.observed;
  });
  const v4 = new Map<string, ReadonlySet<number>>();
  const v6 = new Map<string, ReadonlySet<string>>();
  for (const v of views) {
    if (v.v4NetHosts.length > 0) v4.set(v.name, new Set(v.v4NetHosts));
    if (v.v6NetHosts.length > 0) v6.set(v.name, new Set(v.v6NetHosts));
  }
  const facts: AsaRestFacts = { kind: 'asa-rest', groups, forms: { v4, v6 } };
  return { groups: observed, facts };
}

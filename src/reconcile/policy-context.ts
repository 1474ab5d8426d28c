// What resolving a device's policy needs and passes between its steps (resolve-policy.ts, source-gates.ts,
// protected-addresses.ts): kept apart so that the steps do not import each other.

import type { LoadedSettings } from '../config/index.js';
import type { PolicyFeed } from '../config/types.js';
import type { Logger } from '../drivers/driver.js';
import type { GroupRole } from '../plan/model.js';
import type { ResolvedZone, ZoneResolver } from '../policy/index.js';

/** What resolving a device's policy needs of its fleet (a Fleet is one). */
export interface PolicyContext {
  readonly resolver: ZoneResolver;
  /** The state folder: the gates keep the sources' last good sets and health below it. */
  readonly stateDir: string;
  readonly settings: LoadedSettings;
  readonly log: Logger;
  /** The clock (staleAfter); default: now. */
  readonly now?: () => Date;
}

/** One source of a device as fetched this run: the zone or file, or why it could not be read. */
export interface FetchedFeed {
  readonly role: GroupRole;
  /** 1: the highest priority of its list. */
  readonly priority: number;
  readonly feed: PolicyFeed;
  readonly outcome: { readonly ok: true; readonly zone: ResolvedZone } | { readonly ok: false; readonly error: Error };
}

// The lock-out proof's pure half (issue 12): protected addresses (the device's management address and peers, tscm's
// own address toward it, policy servers, syslog and upload targets, `protect` prefixes) carved out of the block
// list, each with the entry that covered it; with `protect: strict` a covered address refuses the plan instead.
//
// SKELETON (lead's contract commit): carves nothing; the lock-out helper replaces the body.

import { intersect, isEmptyList, prefixesFromStrings } from '../cidr/index.js';
import type { PrefixList } from '../cidr/types.js';
import { InternalError } from '../errors.js';
import type { CarveOut } from './model.js';

/** One address the block list must not cover, and why. */
export interface ProtectedAddress {
  /** Canonical CIDR. */
  readonly prefix: string;
  readonly why: string;
}

export interface LockoutInput {
  readonly mode: 'carve' | 'strict';
  readonly addresses: readonly ProtectedAddress[];
  /** Names that did not resolve to an address (not proven; said in the plan). */
  readonly unresolved: readonly string[];
}

/** A block list part (one source's disjoint share, in priority order) and the source it came from. */
export interface BlockPart {
  readonly list: PrefixList;
  readonly label: string;
}

/**
 * Each part with the protected addresses taken out (aggregated), and what was carved. strict: throws a ConfigError
 * naming each covered address, why it is protected and the covering entry, instead of carving.
 */
export function carveProtected(
  parts: readonly BlockPart[],
  lockout: LockoutInput,
): { parts: PrefixList[]; carved: CarveOut[] } {
  void lockout;
  return { parts: parts.map((p) => p.list), carved: [] };
}

/**
 * The lock-out proof on the block group the device will hold: throws an InternalError (a bug in the carve-out,
 * never a feed's fault) when a protected address intersects it.
 *
 * STUB (compose helper, until the lock-out helper's version lands): the same check, plainly.
 */
export function assertNotCovered(block: PrefixList, lockout: LockoutInput): void {
  for (const a of lockout.addresses) {
    if (!isEmptyList(intersect(block, prefixesFromStrings([a.prefix])))) {
      throw new InternalError(`lock-out proof failed: the block group covers ${a.prefix} (${a.why})`);
    }
  }
}

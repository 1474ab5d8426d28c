// The lock-out proof's pure half (issue 12): protected addresses (the device's management address and peers, tscm's
// own address toward it, policy servers, syslog and upload targets, `protect` prefixes) carved out of the block
// list, each with the entry that covered it; with `protect: strict` a covered address refuses the plan instead.
// assertNotCovered is the proof run on the final block group: a protected address left in it is a bug in tscm.

import { aggregate, overlaps, parsePrefix, prefixesFromStrings, subtract, type ParsedPrefix } from '../cidr/index.js';
import type { PrefixList } from '../cidr/types.js';
import { ConfigError, InternalError } from '../errors.js';
import { coveringEntries, type CoveringEntries } from './covering-entries.js';
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

/** How many covering entries a carve names before "and N more" (a wide protect prefix can cover thousands). */
const COVERING_SHOWN = 3;
/** How many covered addresses a strict refusal names. */
const REFUSAL_SHOWN = 10;

/**
 * Each part with the protected addresses taken out (aggregated), and what was carved. strict: throws a ConfigError
 * naming each covered address, why it is protected and the covering entry, instead of carving.
 */
export function carveProtected(
  parts: readonly BlockPart[],
  lockout: LockoutInput,
): { parts: PrefixList[]; carved: CarveOut[] } {
  const guard = guardListOf(lockout.addresses);
  const parsed = lockout.addresses.map((a) => ({ ...a, value: parseProtected(a.prefix) }));
  const carved: CarveOut[] = [];
  // Binary searches per part decide; the covering entries are searched for only in a part that was hit.
  const hit = parts.map((part) => overlaps(part.list, guard));
  for (const [i, part] of parts.entries()) {
    if (!hit[i]) continue;
    for (const a of parsed) {
      const covering = coveringEntries(part.list, a.value, COVERING_SHOWN);
      if (covering.count > 0) {
        carved.push({ address: a.prefix, why: a.why, coveredBy: describeCovering(covering), source: part.label });
      }
    }
  }
  if (lockout.mode === 'strict' && carved.length > 0) throw strictRefusal(carved);
  const out = parts.map((part, i) => (hit[i] ? subtract(part.list, guard) : aggregate(part.list)));
  return { parts: out, carved };
}

/** The proof on the final block group: throws InternalError when any protected address is still covered. */
export function assertNotCovered(block: PrefixList, lockout: LockoutInput): void {
  if (!overlaps(block, guardListOf(lockout.addresses))) return;
  const covered = lockout.addresses.filter((a) => coveringEntries(block, parseProtected(a.prefix), 0).count > 0);
  throw new InternalError(
    `the block group still covers protected addresses after the carve-out: ${covered
      .map((a) => `${a.prefix} (${a.why})`)
      .join(', ')}`,
  );
}

function guardListOf(addresses: readonly ProtectedAddress[]): PrefixList {
  // prefixesFromStrings rejects a malformed prefix with a ConfigError; ours are canonical by contract.
  for (const a of addresses) parseProtected(a.prefix);
  return aggregate(prefixesFromStrings(addresses.map((a) => a.prefix)));
}

function parseProtected(prefix: string): ParsedPrefix {
  const p = parsePrefix(prefix);
  if (p === null || p.hostBits) throw new InternalError(`protected address "${prefix}" is not a canonical CIDR`);
  return p;
}

function describeCovering(c: CoveringEntries): string {
  const shown = c.first.join(', ');
  return c.count > c.first.length ? `${shown} and ${c.count - c.first.length} more` : shown;
}

function strictRefusal(carved: readonly CarveOut[]): ConfigError {
  const shown = carved
    .slice(0, REFUSAL_SHOWN)
    .map((c) => `${c.address} (${c.why}) covered by ${c.coveredBy} from ${c.source}`);
  const more = carved.length > REFUSAL_SHOWN ? `; and ${carved.length - REFUSAL_SHOWN} more` : '';
  const n = new Set(carved.map((c) => c.address)).size;
  return new ConfigError(
    `protect: strict: the block list covers ${n} protected address${n === 1 ? '' : 'es'}: ` +
      `${shown.join('; ')}${more}; refusing the plan (the device keeps its current groups)`,
    'remove the covering entries from the source, or set protect: carve (tscm.yaml or the device) to carve ' +
      'the protected addresses out of the block list and report them in the plan',
  );
}

// Which devices a pass works on, and why: only where something moved. Pure: the facts of this pass against what
// earlier passes saw (pass-memory.ts).

import type { DeviceMemory } from './pass-memory.js';

/**
 * new: never attempted by this loop (its first pass looks at every device). watch: named by --watch. definition:
 * its definition, a file it reads or tscm.yaml changed. zone: a zone serial of its policy moved. retry: its back-off
 * ran out. window: changes held by a change window that is open now. drift: its drift check is due.
 */
export type WorkReason = 'new' | 'watch' | 'definition' | 'zone' | 'retry' | 'window' | 'drift';

export interface DeviceFacts {
  readonly definition: string;
  /** A changed file of the new revision touches the device. */
  readonly touched: boolean;
  readonly forced: boolean;
  /** Zone key -> serial now (null: the SOA query failed). */
  readonly zones: ReadonlyMap<string, number | null>;
  readonly windowOpen: boolean;
  readonly now: number;
  readonly driftIntervalMs: number;
}

export function workFor(memory: DeviceMemory | undefined, facts: DeviceFacts): WorkReason | null {
  if (memory === undefined) return 'new';
  if (facts.forced) return 'watch';
  if (facts.touched || memory.definition !== facts.definition) return 'definition';
  const zoneMoved = [...facts.zones].some(([key, serial]) => serial !== null && memory.zones.get(key) !== serial);
  // A config error waits for its definition; one found in the policy (an empty or refused zone) for a new serial.
  if (memory.stalledAt !== null) return memory.stalledAt === 'resolve' && zoneMoved ? 'zone' : null;
  if (zoneMoved) return 'zone';
  if (memory.retryAt !== null) return memory.retryAt <= facts.now ? 'retry' : null;
  if (memory.heldByWindow && facts.windowOpen) return 'window';
  if (memory.lastCheckedAt === null || facts.now - memory.lastCheckedAt >= facts.driftIntervalMs) return 'drift';
  return null;
}

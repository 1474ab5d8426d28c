// Step "resolve", the lock-out proof's inputs (issue 12): the addresses a device's block list must never cover:
// its management address and HA peers, tscm's own source address toward each (asked of the kernel with a connected
// UDP socket: nothing is sent), the policy servers, the syslog and upload targets, and `protect` prefixes.
//
// SKELETON (lead's contract commit): only the `protect` prefixes; the lock-out helper replaces the body.

import type { DeviceSpec } from '../config/types.js';
import type { LockoutInput } from '../plan/carve-out.js';
import type { PolicyContext } from './policy-context.js';

/** What the lock-out inputs need of the fleet: tscm.yaml's settings (policy server, upload target). */
export type ProtectContext = Pick<PolicyContext, 'settings'>;

export async function protectedAddresses(ctx: ProtectContext, spec: DeviceSpec): Promise<LockoutInput> {
  void ctx;
  return {
    mode: spec.protect.mode,
    addresses: spec.protect.prefixes.map((p) => ({
      prefix: p.prefix,
      why: p.origin === 'protect' ? 'protect' : `protect (${p.origin.replace(/ protect$/, '')})`,
    })),
    unresolved: [],
  };
}

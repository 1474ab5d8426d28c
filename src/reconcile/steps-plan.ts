// The steps of one device's plan (`tscm plan`, the plan `tscm apply DEVICE` shows, and the loop's report-only
// devices): resolve the policy, observe the device (or, with refresh off, trust the stored state), plan. No lock:
// nothing is changed. Each HA peer is read too; one out of step is named in the plan (apply brings it in line).

import type { DeviceSpec } from '../config/types.js';
import { hasChanges } from '../plan/compute-plan.js';
import { getPlatform } from '../drivers/registry.js';
import { TransientError } from '../errors.js';
import type { DevicePlan } from '../plan/model.js';
import type { DeviceState } from '../state/index.js';
import { connectDevice } from './connect.js';
import type { Fleet } from './fleet.js';
import { describeLayout, observeDevice, planDevice, type DeviceBasis } from './plan-device.js';
import { fetchDeviceFeeds, resolveDevicePolicy, type ResolvedPolicy } from './resolve-policy.js';
import type { DeviceSteps } from './steps.js';

export interface PlannedDevice {
  readonly spec: DeviceSpec;
  readonly policy: ResolvedPolicy;
  readonly state: DeviceState | null;
  readonly plan: DevicePlan;
  /** HA peers that differ from the desired state or could not be read (refresh on): apply changes them too. */
  readonly peersOutOfStep: number;
}

export interface PlanStepsOptions {
  /** Read the device (true) or trust the stored state (false). */
  readonly refresh: boolean;
  readonly adopt: boolean;
  /** Let a source's tripped integrity gate through once (source-gates.ts); recorded by the apply. */
  readonly force: boolean;
}

export async function planDeviceSteps(
  fleet: Fleet,
  spec: DeviceSpec,
  steps: DeviceSteps,
  opts: PlanStepsOptions,
): Promise<PlannedDevice> {
  steps.enter('resolve');
  // The sources are fetched while the state is read: the zone cache read, the SOA query and the transfer's waits
  // overlap the state file's read and decode (the gates need both).
  const fetching = fetchDeviceFeeds(fleet, spec);
  const state = await fleet.store.read(spec.name);
  const policy = await resolveDevicePolicy(fleet, spec, { state, force: opts.force }, fetching);
  const basis: DeviceBasis = { state, journal: await fleet.store.readJournal(spec.name) };
  steps.enter('observe');
  const driver = opts.refresh ? await connectDevice(spec, spec.management, fleet) : null;
  try {
    const observed = await observeDevice(spec, driver, state);
    if (driver !== null && observed.haRole === 'standby' && getPlatform(spec.platform).traits.ha === 'active-only') {
      return await planOnActive(fleet, spec, { policy, state, basis, steps, opts });
    }
    steps.enter('plan');
    const primary = describeLayout(
      planDevice(spec, policy, observed, basis, spec.management, { adopt: opts.adopt }),
      driver,
      observed,
    );
    const peers = opts.refresh ? await planPeers(fleet, spec, policy, basis, opts) : { notes: [], layout: [] };
    return { spec, policy, state, plan: withNotes(primary, peers), peersOutOfStep: peers.notes.length };
  } finally {
    await driver?.close();
  }
}

interface PeerReport {
  /** Peers out of step or unreadable (warnings: apply changes them). */
  readonly notes: string[];
  /** Standby units that follow by replication (layout: how the apply reaches the pair). */
  readonly layout: string[];
}

function withNotes(plan: DevicePlan, peers: PeerReport): DevicePlan {
  const out = peers.notes.length > 0 ? { ...plan, warnings: [...plan.warnings, ...peers.notes] } : plan;
  return peers.layout.length > 0 ? { ...out, layout: [...(out.layout ?? []), ...peers.layout] } : out;
}

interface StandbyContext {
  readonly policy: ResolvedPolicy;
  readonly state: DeviceState | null;
  readonly basis: DeviceBasis;
  readonly steps: DeviceSteps;
  readonly opts: PlanStepsOptions;
}

/**
 * The management address is a failover standby, which refuses configuration: the plan is made against the first
 * peer that is not, the unit apply will configure (a plan saved now pins that unit's groups).
 */
async function planOnActive(fleet: Fleet, spec: DeviceSpec, c: StandbyContext): Promise<PlannedDevice> {
  const standbyNote = `HA standby ${spec.management.host}:${spec.management.port} is not configured by tscm: it follows the active unit by configuration replication`;
  for (const peer of spec.peers) {
    const driver = await connectDevice(spec, peer, fleet).catch(() => null);
    if (driver === null) continue;
    try {
      const observed = await observeDevice(spec, driver, c.state);
      if (observed.haRole === 'standby') continue;
      c.steps.enter('plan');
      const planned = describeLayout(
        planDevice(spec, c.policy, observed, c.basis, peer, { adopt: c.opts.adopt }),
        driver,
        observed,
      );
      const layout = [`apply goes to the active unit ${peer.host}:${peer.port}`, standbyNote];
      return {
        spec,
        policy: c.policy,
        state: c.state,
        plan: withNotes(planned, { notes: [], layout }),
        peersOutOfStep: 0,
      };
    } finally {
      await driver.close();
    }
  }
  throw new TransientError(
    `${spec.name}: ${spec.management.host}:${spec.management.port} is the failover standby and no peer answered as the active unit`,
    'add the active unit to peers, or check `show failover` on the pair; tscm configures the active unit only',
  );
}

/**
 * The plan is made against the management address; each HA peer is read too, and one that differs is named in the
 * plan (apply re-plans it against its own groups after the primary), so a peer out of step is never hidden
 * behind "No changes".
 */
async function planPeers(
  fleet: Fleet,
  spec: DeviceSpec,
  policy: ResolvedPolicy,
  basis: DeviceBasis,
  opts: PlanStepsOptions,
): Promise<PeerReport> {
  const notes: string[] = [];
  const layout: string[] = [];
  const activeOnly = getPlatform(spec.platform).traits.ha === 'active-only';
  for (const peer of spec.peers) {
    let driver;
    try {
      driver = await connectDevice(spec, peer, fleet);
    } catch (err) {
      // A peer that is down must not hold back the primary's update: apply tries it again after the primary.
      notes.push(
        `HA peer ${peer.host}:${peer.port} could not be read (${(err as Error).message}); apply tries it after ${spec.management.host}:${spec.management.port}`,
      );
      continue;
    }
    try {
      const observed = await observeDevice(spec, driver, basis.state);
      if (activeOnly && observed.haRole === 'standby') {
        layout.push(
          `HA standby ${peer.host}:${peer.port} is not configured by tscm: it follows the active unit by configuration replication`,
        );
        continue;
      }
      const p = planDevice(spec, policy, observed, basis, peer, { adopt: opts.adopt });
      if (!hasChanges(p)) continue;
      const refused = p.refusals.length > 0 ? `; refused for safety: ${p.refusals.join('; ')}` : '';
      notes.push(
        `HA peer ${peer.host}:${peer.port} is out of step: ${p.summary.add} to add, ${p.summary.remove} to remove; apply brings it in line after ${spec.management.host}:${spec.management.port}${refused}`,
      );
    } finally {
      await driver.close();
    }
  }
  return { notes, layout };
}

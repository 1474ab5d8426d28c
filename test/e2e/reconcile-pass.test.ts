// The reconcile pass end to end, in process (so that events and the clock can be watched): a real git repository
// of definitions, emulated IOS routers, the lab policy DNS server. It works only where something moved: a commit
// touching one device opens that device only, a zone serial updates the devices using it with one transfer, a
// pass with nothing new opens no session and asks one SOA per zone; a failing device backs off without holding
// the others up; change windows and policyUpdates: false plan and report; drift is healed or reported.

import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/cli/logger.js';
import type { ReconcileEvents } from '../../src/reconcile/events.js';
import { loadFleet } from '../../src/reconcile/fleet.js';
import {
  createPassMemory,
  reconcilePass,
  type PassMemory,
  type PassOptions,
} from '../../src/reconcile/reconcile-pass.js';
import { removeDevice } from '../../src/reconcile/remove-device.js';
import { shardOf } from '../../src/reconcile/shard.js';
import type { DeviceStatus } from '../../src/state/status-model.js';
import { groupMembers, hosts, startFleetLab, type FleetLab } from '../helpers/fleet-lab.js';

const A = 'a.fleet.tscm.test';
const B = 'b.fleet.tscm.test';
const HOUR = 3_600_000;

let lab: FleetLab | undefined;
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

/** A pass with its events recorded. */
async function pass(memory: PassMemory, extra: Partial<PassOptions> = {}) {
  const sessions: string[] = [];
  const zones: { zone: string; serial: number | null; transferred: boolean }[] = [];
  const failed: string[] = [];
  const events: ReconcileEvents = {
    sessionOpened: (d) => sessions.push(d),
    zoneChecked: (zone, serial, transferred) => zones.push({ zone, serial, transferred }),
    stepFailed: (d, step, kind) => failed.push(`${d} ${step} ${kind}`),
  };
  const before = lab!.dns.queryCounts();
  const result = await reconcilePass(memory, {
    trigger: 'interval',
    dir: lab!.dir,
    log: silentLogger,
    events,
    concurrency: 8,
    prune: false,
    driftIntervalMs: 6 * HOUR,
    ...extra,
  });
  const after = lab!.dns.queryCounts();
  const delta = (a: Record<string, number>, b: Record<string, number>) =>
    Object.fromEntries(
      Object.entries(a)
        .map(([k, v]) => [k, v - (b[k] ?? 0)] as const)
        .filter(([, v]) => v !== 0),
    );
  const byName = new Map(result.statuses.map((s) => [s.device, s]));
  return {
    ...result,
    sessions: sessions.sort(),
    zones,
    failed,
    soa: delta(after.soa, before.soa),
    transfers: delta(after.transfers, before.transfers),
    incremental: delta(after.incremental, before.incremental),
    status: (name: string): DeviceStatus => byName.get(name)!,
  };
}

describe('what moved', () => {
  it('first pass applies all; nothing new opens no session; a commit to one device opens that device only', async () => {
    lab = await startFleetLab({
      zones: { [A]: hosts('10.1.0.0', 40), [B]: hosts('10.2.0.0', 30) },
      devices: [
        { name: 'r1', zone: A },
        { name: 'r2', zone: A },
        { name: 'r3', zone: A },
      ],
    });
    const memory = createPassMemory();
    const first = await pass(memory);
    expect(first.sessions).toEqual(['r1', 'r2', 'r3']);
    expect(first.summary).toMatchObject({ devices: 3, sessionsOpened: 3, zoneTransfers: 1, failed: 0 });
    for (const r of ['r1', 'r2', 'r3']) {
      expect(groupMembers(lab.routers.get(r)!)).toHaveLength(40);
      expect(first.status(r)).toMatchObject({ ready: true, reason: 'Applied', lastError: null });
    }
    expect(first.soa).toEqual({ [A]: 1 });
    expect(first.transfers).toEqual({ [A]: 1 });

    // Nothing moved: no session (events and the routers agree), one SOA query for the one zone, no transfer.
    const logins = ['r1', 'r2', 'r3'].map((r) => lab!.logins(r));
    const idle = await pass(memory);
    expect(idle.sessions).toEqual([]);
    expect(idle.summary).toMatchObject({ sessionsOpened: 0, zoneTransfers: 0, failed: 0 });
    expect(['r1', 'r2', 'r3'].map((r) => lab!.logins(r))).toEqual(logins);
    expect(idle.soa).toEqual({ [A]: 1 });
    expect(idle.transfers).toEqual({});
    expect(idle.zones).toEqual([{ zone: A, serial: 1, transferred: false }]);

    // r2 gets zone B as its allow list in a commit: only r2 is opened, and it now holds zone B.
    const oldRevision = first.summary.revision;
    await lab.writeDevice({ name: 'r2', zone: A, allow: B });
    const sha = lab.commit('r2 allows zone B');
    const moved = await pass(memory);
    expect(moved.sessions).toEqual(['r2']);
    expect(['r1', 'r3'].map((r) => lab!.logins(r))).toEqual([logins[0], logins[2]]);
    expect(groupMembers(lab.routers.get('r2')!, 'threatstop-allow')).toEqual(
      hosts('10.2.0.0', 30).map((h) => `host ${h.slice(0, -3)}`),
    );
    expect(moved.status('r2')).toMatchObject({ reason: 'Applied', lastAppliedRevision: sha });
    expect(moved.status('r1')).toMatchObject({ reason: 'Applied', lastAttemptedRevision: oldRevision });
    expect(moved.soa).toEqual({ [A]: 1, [B]: 1 });
    expect(moved.transfers).toEqual({ [B]: 1 });
  });

  it('a zone serial change updates every device using it, with one transfer', async () => {
    lab = await startFleetLab({
      zones: { [A]: hosts('10.1.0.0', 20), [B]: hosts('10.2.0.0', 20) },
      devices: [
        { name: 'r1', zone: A },
        { name: 'r2', zone: A },
        { name: 'r3', zone: B },
      ],
    });
    const memory = createPassMemory();
    await pass(memory);
    lab.setZone(A, hosts('10.1.0.0', 25), 2);
    const next = await pass(memory);
    expect(next.sessions).toEqual(['r1', 'r2']);
    // One transfer, and an incremental one: the zone cache holds serial 1, the lab server serves IXFR.
    expect(next.incremental).toEqual({ [A]: 1 });
    expect(next.transfers).toEqual({});
    expect(next.soa).toEqual({ [A]: 1, [B]: 1 });
    expect(next.zones.sort((x, y) => x.zone.localeCompare(y.zone))).toEqual([
      { zone: A, serial: 2, transferred: true },
      { zone: B, serial: 1, transferred: false },
    ]);
    for (const r of ['r1', 'r2']) {
      expect(groupMembers(lab.routers.get(r)!)).toHaveLength(25);
      expect(next.status(r)).toMatchObject({ reason: 'Applied', zones: [{ zone: A, serial: 2 }] });
      expect(next.status(r).message).toBe('applied: 5 added, 0 removed');
    }
    expect(groupMembers(lab.routers.get('r3')!)).toHaveLength(20);
  });
});

describe('which devices a pass looks at', () => {
  it('shards split the fleet by a stable hash; --watch works on the devices named only', async () => {
    const names = ['r1', 'r2', 'r3', 'r4', 'r5'];
    lab = await startFleetLab({
      zones: { [A]: hosts('10.1.0.0', 5) },
      devices: names.map((name) => ({ name, zone: A })),
    });
    const seen: string[][] = [];
    const memories = [createPassMemory(), createPassMemory()];
    for (const index of [0, 1]) {
      const r = await pass(memories[index]!, { shard: { index, count: 2 } });
      const mine = names.filter((n) => shardOf(n, 2) === index);
      expect(r.sessions).toEqual(mine);
      expect(r.statuses.map((s) => s.device)).toEqual(mine);
      seen.push(r.sessions);
    }
    expect(seen.flat().sort()).toEqual(names);

    const target = seen[0]![0]!;
    const watched = await pass(memories[0]!, {
      shard: { index: 0, count: 2 },
      onlyDevices: new Set([target]),
      trigger: 'watch',
    });
    expect(watched.sessions).toEqual([target]);
    expect(watched.summary).toMatchObject({ trigger: 'watch', devices: 1 });
  });

  it('a definition with problems stalls at load, reported once; the other devices go on', async () => {
    lab = await startFleetLab({
      zones: { [A]: hosts('10.1.0.0', 5) },
      devices: [
        { name: 'r1', zone: A },
        { name: 'r2', zone: A, extra: 'colour: blue\n' },
      ],
    });
    const memory = createPassMemory();
    const first = await pass(memory);
    expect(first.status('r1')).toMatchObject({ reason: 'Applied' });
    expect(first.status('r2')).toMatchObject({
      ready: false,
      reason: 'Stalled',
      lastError: {
        step: 'load',
        kind: 'config',
        message: expect.stringMatching(/^devices\/r2\.yaml:13:1: \/colour: unknown field "colour"/),
      },
    });
    expect(first.failed).toEqual(['r2 load config']);
    const again = await pass(memory);
    expect(again.failed).toEqual([]);
    expect(again.status('r2').reason).toBe('Stalled');
    await lab.writeDevice({ name: 'r2', zone: A });
    lab.commit('r2 fixed');
    const fixed = await pass(memory);
    expect(fixed.sessions).toEqual(['r2']);
    expect(fixed.status('r2')).toMatchObject({ reason: 'Applied', lastError: null });
  });
});

/** A loopback port where nothing listens. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('failures', () => {
  it('an unreachable device does not hold the others up; it retries with back-off, doubling', async () => {
    lab = await startFleetLab({
      zones: { [A]: hosts('10.1.0.0', 20) },
      devices: [
        { name: 'r1', zone: A },
        { name: 'r2', zone: A },
        { name: 'r3', zone: A },
      ],
    });
    await lab.writeDevice({ name: 'r1', zone: A, port: await closedPort() });
    lab.commit('r1 points at a closed port');
    const memory = createPassMemory();
    const t0 = Date.parse('2026-03-02T12:00:00Z');
    const backoff = { baseMs: 60_000, maxMs: HOUR };
    const at = (ms: number) => ({ now: () => new Date(t0 + ms), random: () => 0.5, backoff, concurrency: 1 });

    const first = await pass(memory, at(0));
    expect(first.sessions).toEqual(['r2', 'r3']);
    expect(first.failed).toEqual(['r1 observe transient']);
    expect(first.summary.failed).toBe(1);
    expect(first.status('r1')).toMatchObject({
      ready: false,
      reason: 'Retrying',
      lastError: { step: 'observe', kind: 'transient', attempts: 1 },
      nextRunAt: new Date(t0 + 30_000).toISOString(), // half (random 0.5) of the first 60 s
    });
    expect(first.status('r1').message).toMatch(/^observe failed: .*ECONNREFUSED.*; retry at .* \(attempt 1\)$/);
    expect(first.nextRunAt).toEqual(new Date(t0 + 30_000));

    // Before its retry time nothing is attempted; after it, r1 alone, and the back-off doubles.
    const early = await pass(memory, at(20_000));
    expect(early.failed).toEqual([]);
    expect(early.status('r1').lastError?.attempts).toBe(1);
    const retry = await pass(memory, at(31_000));
    expect(retry.failed).toEqual(['r1 observe transient']);
    expect(retry.sessions).toEqual([]);
    expect(retry.status('r1')).toMatchObject({
      lastError: { attempts: 2 },
      nextRunAt: new Date(t0 + 31_000 + 60_000).toISOString(),
    });

    // The definition is fixed: r1 is tried at once and converges.
    await lab.writeDevice({ name: 'r1', zone: A });
    lab.commit('r1 fixed');
    const fixed = await pass(memory, at(32_000));
    expect(fixed.sessions).toEqual(['r1']);
    expect(fixed.status('r1')).toMatchObject({ reason: 'Applied', lastError: null });
  });

  it('a config error stalls the device until its definition changes', async () => {
    lab = await startFleetLab({
      zones: { [A]: hosts('10.1.0.0', 20) },
      devices: [
        { name: 'r1', zone: A },
        { name: 'r2', zone: A },
      ],
    });
    // A zone the policy server does not serve: a ConfigError at resolve, nothing retried on its own.
    await lab.writeDevice({ name: 'r1', zone: 'missing.fleet.tscm.test' });
    lab.commit('r1 names a zone the server does not have');
    const memory = createPassMemory();
    const t0 = Date.parse('2026-03-02T12:00:00Z');
    const first = await pass(memory, { now: () => new Date(t0) });
    expect(first.status('r1')).toMatchObject({
      reason: 'Stalled',
      lastError: { step: 'resolve', kind: 'config' },
      nextRunAt: null,
    });
    expect(first.status('r1').message).toMatch(/waits for the definition to change$/);
    const later = await pass(memory, { now: () => new Date(t0 + 7 * HOUR) });
    // r2's drift check is due after 6 h; r1 waits.
    expect(later.sessions).toEqual(['r2']);
    expect(later.failed).toEqual([]);
  });
});

describe('planned, not applied', () => {
  it('outside an allow window a device is planned and reported; it is applied once the window opens', async () => {
    lab = await startFleetLab({
      zones: { [A]: hosts('10.1.0.0', 20) },
      devices: [
        { name: 'r1', zone: A },
        { name: 'r2', zone: A },
        { name: 'r3', zone: A, extra: 'policyUpdates: false\n' },
      ],
      settings: 'schedule:\n  windows:\n    - { kind: allow, schedule: "0 22 * * *", duration: 2h, devices: ["r1"] }\n',
    });
    const memory = createPassMemory();
    const noon = Date.parse('2026-03-02T12:00:00Z');
    const day = await pass(memory, { now: () => new Date(noon), driftIntervalMs: 24 * HOUR });
    expect(day.status('r1')).toMatchObject({
      ready: false,
      reason: 'Planned',
      message: 'planned, not applied (outside its allow window "0 22 * * *" (UTC)): 20 to add, 0 to remove',
      nextRunAt: '2026-03-02T22:00:00.000Z',
    });
    expect(day.status('r3')).toMatchObject({ reason: 'Planned' });
    expect(day.status('r3').message).toMatch(/policyUpdates is false/);
    expect(day.status('r2')).toMatchObject({ reason: 'Applied' });
    expect(groupMembers(lab.routers.get('r1')!)).toEqual([]);
    expect(groupMembers(lab.routers.get('r3')!)).toEqual([]);
    expect(day.nextRunAt).toEqual(new Date('2026-03-02T22:00:00Z'));

    const night = await pass(memory, { now: () => new Date(noon + 10.5 * HOUR), driftIntervalMs: 24 * HOUR });
    expect(night.sessions).toEqual(['r1']);
    expect(night.status('r1')).toMatchObject({ reason: 'Applied' });
    expect(groupMembers(lab.routers.get('r1')!)).toHaveLength(20);
    expect(groupMembers(lab.routers.get('r3')!)).toEqual([]);
  });

  it('a source held by a gate is named in the status: the device is never plainly up to date on an old feed', async () => {
    lab = await startFleetLab({ zones: { [A]: hosts('10.1.0.0', 10) }, devices: [{ name: 'r1', zone: A }] });
    const memory = createPassMemory();
    await pass(memory);
    const before = groupMembers(lab.routers.get('r1')!);
    lab.setZone(A, hosts('10.1.0.0', 3), 2); // 70% smaller: the shrink gate holds it
    const r = await pass(memory);
    expect(r.status('r1')).toMatchObject({ ready: true, reason: 'UpToDate' });
    expect(r.status('r1').message).toMatch(/; 1 source\(s\) held at their last good set \(shrink\)$/);
    expect(groupMembers(lab.routers.get('r1')!)).toEqual(before);
  });

  it('a plan refused for safety is reported as Refused, and nothing is sent', async () => {
    // The zone is replaced outright: churn 100%, which the churn gate would hold first (source-gates-nsd tests it).
    lab = await startFleetLab({
      zones: { [A]: hosts('10.1.0.0', 10) },
      devices: [{ name: 'r1', zone: A }],
      settings: 'defaults:\n  safety: { maxChurn: 1 }\n',
    });
    const memory = createPassMemory();
    await pass(memory);
    const log = lab.routers.get('r1')!.commandLog().length;
    lab.setZone(A, hosts('10.9.0.0', 10), 2);
    const r = await pass(memory);
    expect(r.status('r1')).toMatchObject({ ready: false, reason: 'Refused', lastError: null });
    expect(r.status('r1').message).toMatch(/refused for safety.*apply with tscm apply --force$/);
    expect(r.failed).toEqual([]);
    const sent = lab.routers.get('r1')!.commandLog().slice(log);
    expect(sent.filter((c) => /^\s*(no )?(host |\d|object-group)/.test(c))).toEqual([]);
    expect(sent).toContain('show running-config | section object-group');
  });

  it('a deny window holds every device it names', async () => {
    lab = await startFleetLab({
      zones: { [A]: hosts('10.1.0.0', 10) },
      devices: [
        { name: 'r1', zone: A },
        { name: 'r2', zone: A },
      ],
      settings: 'schedule:\n  windows:\n    - { kind: deny, schedule: "0 0 * * *", duration: 24h, devices: ["r*"] }\n',
    });
    const r = await pass(createPassMemory());
    expect(r.statuses.map((s) => s.reason)).toEqual(['Planned', 'Planned']);
    expect(r.status('r1').message).toMatch(/inside the deny window "0 0 \* \* \*"/);
    expect(groupMembers(lab.routers.get('r1')!)).toEqual([]);
  });

  it('drift: a drift check heals by default, or reports only with drift: report', async () => {
    lab = await startFleetLab({
      zones: { [A]: hosts('10.1.0.0', 12) },
      devices: [{ name: 'r1', zone: A }],
    });
    const memory = createPassMemory();
    const t0 = Date.parse('2026-03-02T12:00:00Z');
    await pass(memory, { now: () => new Date(t0) });
    // Someone takes tscm's groups off the device: the next drift check finds 12 members out of step.
    const fleet = await loadFleet(lab.dir, ['r1'], silentLogger);
    await removeDevice(fleet, fleet.devices[0]!, { confirm: async () => true, command: 'test' });
    expect(groupMembers(lab.routers.get('r1')!)).toEqual([]);
    await lab.writeSettings('drift: report\n');
    lab.commit('drift: report');
    // The settings commit itself touches every device: that pass is not a drift check but a new definition.
    const changed = await pass(memory, { now: () => new Date(t0 + HOUR) });
    expect(changed.status('r1')).toMatchObject({ reason: 'Applied', drift: null });
    await removeDevice(fleet, fleet.devices[0]!, { confirm: async () => true, command: 'test' });
    const report = await pass(memory, { now: () => new Date(t0 + 8 * HOUR) });
    expect(report.status('r1')).toMatchObject({
      reason: 'Planned',
      drift: { checkedAt: new Date(t0 + 8 * HOUR).toISOString(), found: 12, healed: false },
    });
    expect(groupMembers(lab.routers.get('r1')!)).toEqual([]);
    await lab.writeSettings('drift: heal\n');
    lab.commit('drift: heal');
    await pass(memory, { now: () => new Date(t0 + 9 * HOUR) });
    await removeDevice(fleet, fleet.devices[0]!, { confirm: async () => true, command: 'test' });
    const heal = await pass(memory, { now: () => new Date(t0 + 16 * HOUR) });
    expect(heal.status('r1')).toMatchObject({ reason: 'Applied', drift: { found: 12, healed: true } });
    expect(groupMembers(lab.routers.get('r1')!)).toHaveLength(12);
  });
});

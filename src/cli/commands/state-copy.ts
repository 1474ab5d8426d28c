// tscm state pull --to-dir DIR / tscm state push --from-dir DIR: copy every device's state, status and plan
// history between the configured backend and a local folder (the local backend's layout), keeping lineage and
// serial. Moving from a local folder to the git backend is `push`; a backup or an inspection copy is `pull`.
// Nothing is copied when any device would go backwards (a newer serial at the target) or cross lineages (another
// history of the device), unless --force; each device is locked at the target while it is written.

import path from 'node:path';
import { ConfigError } from '../../errors.js';
import { StateStore, type DeviceSnapshot, type StateBackend } from '../../state/index.js';
import { openBackendAt, type StateCommandOptions } from './state.js';

export interface StateCopyOptions extends StateCommandOptions {
  readonly force?: boolean;
}

export async function statePullCommand(
  devices: readonly string[],
  opts: StateCopyOptions & { readonly toDir: string },
): Promise<number> {
  const from = await openBackendAt(opts);
  const to = localFolder(opts.toDir, from);
  return copyState(from, to, devices, { force: opts.force === true, command: 'tscm state pull' });
}

export async function statePushCommand(
  devices: readonly string[],
  opts: StateCopyOptions & { readonly fromDir: string },
): Promise<number> {
  const to = await openBackendAt(opts);
  const from = localFolder(opts.fromDir, to);
  return copyState(from, to, devices, { force: opts.force === true, command: 'tscm state push' });
}

function localFolder(dir: string, other: StateBackend): StateStore {
  const folder = path.resolve(dir);
  if (other.kind === 'local' && folder === path.resolve(other.stateDir)) {
    throw new ConfigError(`${folder} is the configured state folder itself`, 'name another folder');
  }
  return new StateStore(folder);
}

async function copyState(
  from: StateBackend,
  to: StateBackend,
  names: readonly string[],
  opts: { force: boolean; command: string },
): Promise<number> {
  const devices = names.length > 0 ? [...names] : await from.listDevices();
  if (devices.length === 0) {
    throw new ConfigError(`no device state in ${from.location}`, 'check the folder, or tscm.yaml `state`');
  }
  // Every device locked at the target at once (the git backend takes them in one pushed commit), checked and
  // written under the locks, so no run changes a device between the check and the copy.
  const taken = await Promise.allSettled(devices.map((d) => to.lock(d, { command: opts.command })));
  const locks = taken.flatMap((t) => (t.status === 'fulfilled' ? [t.value] : []));
  try {
    const refused = taken.find((t) => t.status === 'rejected');
    if (refused !== undefined) throw refused.reason;
    const snapshots = new Map<string, DeviceSnapshot>();
    const problems: string[] = [];
    for (const device of devices) {
      const snap = await from.exportDevice(device);
      if (snap.state === null && snap.status === null && snap.plans.length === 0) {
        problems.push(`${device}: ${from.location} holds nothing for it`);
        continue;
      }
      const conflict = conflictOf(snap, await to.exportDevice(device));
      if (conflict !== null && !opts.force) problems.push(`${device}: ${conflict}`);
      snapshots.set(device, snap);
    }
    if (problems.length > 0) {
      throw new ConfigError(
        `nothing copied from ${from.location} to ${to.location}:\n${problems.map((p) => `  ${p}`).join('\n')}`,
        'check which copy is current (tscm state show DEVICE on each); --force overwrites the target anyway',
      );
    }
    const source = `${from.location} (${opts.command})`;
    await Promise.all([...snapshots].map(([device, snap]) => to.importDevice(device, snap, source)));
    const lines = [...snapshots].map(([device, snap]) => {
      const what = snap.serial === null ? 'no state' : `serial ${snap.serial}`;
      return `  ${device}: ${what}, ${snap.status === null ? 'no status' : 'status'}, ${snap.plans.length} plan(s)`;
    });
    process.stdout.write(
      `Copied ${snapshots.size} device(s) from ${from.location} to ${to.location}:\n${lines.join('\n')}\n`,
    );
    return 0;
  } finally {
    await Promise.all(locks.map((l) => l.release()));
  }
}

/** Why writing `snap` over `there` would lose history, or null. */
function conflictOf(snap: DeviceSnapshot, there: DeviceSnapshot): string | null {
  if (snap.serial === null || there.serial === null) return null;
  if (snap.lineage !== there.lineage) {
    return `the target holds another lineage (${there.lineage}, serial ${there.serial}) than the source (${snap.lineage}, serial ${snap.serial})`;
  }
  if (there.serial > snap.serial) return `the target is newer (serial ${there.serial} > ${snap.serial})`;
  return null;
}

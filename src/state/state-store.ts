// The state store: one folder per device under the state directory, holding the applied state (state.json), the
// lock, and the history of plans (plans/<timestamp>-<serial>.json, the last PLAN_HISTORY_KEEP). Callers hold the
// device lock around read -> plan -> apply -> write; the store itself only guarantees atomic, validated files.

import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../plan/atomic-write.js';
import type { Inventory, Plan } from '../plan/model.js';
import { serializePlan } from '../plan/plan-file.js';
import { deviceDir, planHistoryDir, stateFilePath } from './device-paths.js';
import type { DeviceState, DeviceStateUpdate } from './model.js';
import { parseState, serializeState } from './state-file.js';

export const PLAN_HISTORY_KEEP = 20;
const HISTORY_NAME = /^(\d{8}T\d{9}Z)-(\d+)(?:-(\d+))?\.json$/;

export interface PlanHistoryEntry {
  readonly path: string;
  readonly file: string;
  /** When the plan was recorded (from the file name), ISO 8601. */
  readonly recordedAt: string;
  /** The state serial the plan was computed against (0: no state yet). */
  readonly serial: number;
}

export class StateStore {
  constructor(
    readonly stateDir: string,
    private readonly historyKeep: number = PLAN_HISTORY_KEEP,
  ) {}

  /** The device's state, or null when tscm never wrote one. A damaged file is a ConfigError naming it. */
  async read(device: string): Promise<DeviceState | null> {
    const file = stateFilePath(this.stateDir, device);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    return parseState(text, file);
  }

  /** Writes the next state: serial + 1, lineage kept (a new uuid on the first write). Returns what was written. */
  async write(device: string, next: DeviceStateUpdate): Promise<DeviceState> {
    const current = await this.read(device);
    const state: DeviceState = {
      formatVersion: 1,
      lineage: current?.lineage ?? randomUUID(),
      serial: (current?.serial ?? 0) + 1,
      device,
      appliedAt: next.appliedAt ?? new Date().toISOString(),
      inventory: next.inventory,
      zones: next.zones,
      lastApply: next.lastApply,
    };
    await mkdir(deviceDir(this.stateDir, device), { recursive: true });
    await writeFileAtomic(stateFilePath(this.stateDir, device), serializeState(state));
    return state;
  }

  /**
   * Records the device's part of a plan in its history (readable with readPlanFile) and prunes the history to the
   * last entries. Returns the file written.
   */
  async appendPlanHistory(device: string, plan: Plan, now: Date = new Date()): Promise<string> {
    const own = plan.devices.filter((d) => d.device === device);
    const dir = planHistoryDir(this.stateDir, device);
    await mkdir(dir, { recursive: true });
    const serial = own[0]?.inputs.state?.serial ?? 0;
    const stamp = now.toISOString().replace(/[-:]/g, '').replace('.', '');
    const taken = new Set(await readdir(dir));
    let file = `${stamp}-${serial}.json`;
    for (let i = 1; taken.has(file); i++) file = `${stamp}-${serial}-${i}.json`;
    const path = join(dir, file);
    await writeFileAtomic(path, serializePlan({ ...plan, devices: own }));
    await this.pruneHistory(device);
    return path;
  }

  /** The device's recorded plans, oldest first. */
  async listPlanHistory(device: string): Promise<PlanHistoryEntry[]> {
    const dir = planHistoryDir(this.stateDir, device);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const entries: (PlanHistoryEntry & { order: number })[] = [];
    for (const file of names) {
      const m = HISTORY_NAME.exec(file);
      if (!m) continue;
      const s = m[1] ?? '';
      const recordedAt = `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}.${s.slice(15, 18)}Z`;
      entries.push({ path: join(dir, file), file, recordedAt, serial: Number(m[2]), order: Number(m[3] ?? 0) });
    }
    entries.sort((a, b) => cmp(a.recordedAt, b.recordedAt) || a.order - b.order || cmp(a.file, b.file));
    return entries.map(({ order: _order, ...e }) => e);
  }

  private async pruneHistory(device: string): Promise<void> {
    const entries = await this.listPlanHistory(device);
    for (const old of entries.slice(0, Math.max(0, entries.length - this.historyKeep))) {
      await unlink(old.path).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
    }
  }
}

/** The inventory recorded in a state; an empty one when the device has no state yet. */
export function inventoryFromState(state: DeviceState | null): Inventory {
  return state ? state.inventory : { groups: [] };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

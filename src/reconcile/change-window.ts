// Change windows (tscm.yaml schedule.windows, like Argo CD's sync windows): each window opens at the times of its
// cron expression, in its time zone, and lasts its duration. For a device: inside a matching deny window, or
// outside every matching allow window when it has some, the loop plans and reports but does not apply. Deny wins.

import { Cron } from 'croner';
import type { SyncWindow } from '../config/types.js';

export interface WindowVerdict {
  readonly open: boolean;
  /** Why the device may not be applied now (closed windows only). */
  readonly reason?: string;
}

/** Whether `device` may be applied at `now` under `windows`. */
export function windowVerdict(windows: readonly SyncWindow[], device: string, now: Date): WindowVerdict {
  const mine = windows.filter((w) => matches(w, device));
  const deny = mine.find((w) => w.kind === 'deny' && isActive(w, now));
  if (deny) return { open: false, reason: `inside the deny window "${deny.schedule}" (${deny.timeZone})` };
  const allows = mine.filter((w) => w.kind === 'allow');
  if (allows.length > 0 && !allows.some((w) => isActive(w, now))) {
    const list = allows.map((w) => `"${w.schedule}" (${w.timeZone})`).join(', ');
    return { open: false, reason: `outside its allow window${allows.length > 1 ? 's' : ''} ${list}` };
  }
  return { open: true };
}

/** The next time a window of `device` opens or closes after `now` (when a held device may be applied). */
export function nextWindowChange(windows: readonly SyncWindow[], device: string, now: Date): Date | null {
  let next: number | null = null;
  for (const w of windows.filter((x) => matches(x, device))) {
    const start = cronOf(w).nextRun(now);
    const active = activeStart(w, now);
    for (const t of [start?.getTime(), active === null ? undefined : active + w.durationMs]) {
      if (t !== undefined && (next === null || t < next)) next = t;
    }
  }
  return next === null ? null : new Date(next);
}

function matches(w: SyncWindow, device: string): boolean {
  return w.devices.length === 0 || w.devices.some((g) => globMatches(g, device));
}

function cronOf(w: SyncWindow): Cron {
  return new Cron(w.schedule, { timezone: w.timeZone, mode: '5-part', paused: true });
}

/** The start of the window's current opening (epoch ms), or null: a start in (now - duration, now]. */
function activeStart(w: SyncWindow, now: Date): number | null {
  // nextRun(t) is the first start strictly after t.
  const start = cronOf(w).nextRun(new Date(now.getTime() - w.durationMs));
  return start !== null && start.getTime() <= now.getTime() ? start.getTime() : null;
}

function isActive(w: SyncWindow, now: Date): boolean {
  return activeStart(w, now) !== null;
}

/** `*` any run of characters, `?` one character; everything else literal. */
export function globMatches(glob: string, name: string): boolean {
  const source = glob.replace(/[.+^${}()|[\]\\*?]/g, (c) => (c === '*' ? '.*' : c === '?' ? '.' : `\\${c}`));
  return new RegExp(`^${source}$`).test(name);
}

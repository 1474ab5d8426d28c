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
  const mine = windows.filter((w) => w.devices.length === 0 || w.devices.some((g) => globMatches(g, device)));
  const deny = mine.find((w) => w.kind === 'deny' && isActive(w, now));
  if (deny) return { open: false, reason: `inside the deny window "${deny.schedule}" (${deny.timeZone})` };
  const allows = mine.filter((w) => w.kind === 'allow');
  if (allows.length > 0 && !allows.some((w) => isActive(w, now))) {
    const list = allows.map((w) => `"${w.schedule}" (${w.timeZone})`).join(', ');
    return { open: false, reason: `outside its allow window${allows.length > 1 ? 's' : ''} ${list}` };
  }
  return { open: true };
}

/** A window is active when it opened less than its duration ago: a start in (now - duration, now]. */
function isActive(w: SyncWindow, now: Date): boolean {
  const cron = new Cron(w.schedule, { timezone: w.timeZone, mode: '5-part', paused: true });
  // nextRun(t) is the first start strictly after t.
  const start = cron.nextRun(new Date(now.getTime() - w.durationMs));
  return start !== null && start.getTime() <= now.getTime();
}

/** `*` any run of characters, `?` one character; everything else literal. */
export function globMatches(glob: string, name: string): boolean {
  const source = glob.replace(/[.+^${}()|[\]\\*?]/g, (c) => (c === '*' ? '.*' : c === '?' ? '.' : `\\${c}`));
  return new RegExp(`^${source}$`).test(name);
}

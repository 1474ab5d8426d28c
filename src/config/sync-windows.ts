// Change windows (tscm.yaml schedule.windows) are checked when tscm.yaml is read, not when the loop first needs
// one: a cron expression croner cannot read, a time zone the runtime does not know or a window of no time is a
// problem `tscm validate` names with the file, the field and the fix. croner reads five-field cron (minute hour
// day-of-month month day-of-week, standard day-of-month OR day-of-week) with names, ranges, steps and `L`/`#`.

import { createRequire } from 'node:module';
import type { Cron as CronClass } from 'croner';
import type { Diagnostic } from './diagnostic.js';
import { toPointer } from './diagnostic.js';
import type { RawSettings } from './raw-types.js';
import type { YamlDocument } from './yaml-document.js';

type RawWindow = NonNullable<NonNullable<RawSettings['schedule']>['windows']>[number];

/** The problems of each change window of a schema-valid tscm.yaml. */
export function checkSyncWindows(doc: YamlDocument, file: string): Diagnostic[] {
  const windows = (doc.value as RawSettings | null)?.schedule?.windows ?? [];
  const out: Diagnostic[] = [];
  windows.forEach((w: RawWindow, i) => {
    const at = (field: string): Pick<Diagnostic, 'file' | 'line' | 'column' | 'path'> => {
      const path = ['schedule', 'windows', String(i), field];
      return { file, ...doc.locate(path), path: toPointer(path) };
    };
    const cronProblem = cronExpressionProblem(w.schedule);
    if (cronProblem !== null) {
      out.push({
        ...at('schedule'),
        message: `not a five-field cron expression: ${cronProblem}`,
        hint: 'minute hour day-of-month month day-of-week, e.g. "0 22 * * 1-5" (22:00 on weekdays)',
      });
    }
    if (w.timeZone !== undefined && !isTimeZone(w.timeZone)) {
      out.push({
        ...at('timeZone'),
        message: `unknown time zone "${w.timeZone}"`,
        hint: 'an IANA time zone name such as UTC, Europe/Paris or America/New_York',
      });
    }
    if (durationMsOf(w.duration) === 0) {
      out.push({
        ...at('duration'),
        message: 'a window must last some time',
        hint: 'e.g. 2h, 30m or 1h30m',
      });
    }
  });
  return out;
}

/** "1h30m" -> 5,400,000, "30s" -> 30,000 (seconds only where the schema allows them); the schema checked the shape. */
export function durationMsOf(duration: string): number {
  const m = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(duration);
  const hours = Number(m?.[1] ?? 0) * 24 + Number(m?.[2] ?? 0);
  return ((hours * 60 + Number(m?.[3] ?? 0)) * 60 + Number(m?.[4] ?? 0)) * 1000;
}

// croner (its CommonJS build) is loaded for the first window only: most tscm.yaml files have none, and every
// command that reads the definitions would pay for it at start-up.
let Cron: typeof CronClass | undefined;

/** croner's reason for refusing the expression, or null when it reads it as five fields. */
function cronExpressionProblem(expression: string): string | null {
  Cron ??= (createRequire(import.meta.url)('croner') as { Cron: typeof CronClass }).Cron;
  try {
    new Cron(expression, { mode: '5-part', paused: true });
    return null;
  } catch (err) {
    // croner prefixes its messages with the class that refused ("CronPattern: ...").
    return (err as Error).message.replace(/^CronPattern:\s*/, '');
  }
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

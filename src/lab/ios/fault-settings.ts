// The emulator's faults as `tscm lab` takes them, from a faults file (YAML or JSON) and from flags, so anyone can
// rehearse a failure against the lab. Validated strictly: an unknown key or a wrong value names the file (or flag)
// and the field, never the value.

import { parseDocument } from 'yaml';
import { readLimitedFile } from '../../config/limited-file.js';
import { ConfigError } from '../../errors.js';
import type { IosFaults } from './types.js';

export interface LabFaultSettings {
  readonly faults: IosFaults;
  readonly logConfigEvents: boolean;
}

type Field = keyof IosFaults | 'logConfigEvents';

interface FieldRule {
  readonly flag: string;
  readonly kind: 'count' | 'boolean';
  readonly min?: number;
  readonly max?: number;
  readonly what: string;
}

/** Every setting, its flag and its range; the README's fault table and `tscm lab --help` say the same. */
export const FAULT_FIELDS: Readonly<Record<Field, FieldRule>> = {
  dropAfterCommands: {
    flag: '--drop-after',
    kind: 'count',
    min: 1,
    max: 1_000_000,
    what: 'close the connection after the Nth command of each session (the command runs, its reply is lost)',
  },
  replyDelayMs: { flag: '--reply-delay', kind: 'count', min: 0, max: 60_000, what: 'delay every reply by N ms' },
  nvramBusyTimes: {
    flag: '--nvram-busy',
    kind: 'count',
    min: 0,
    max: 1000,
    what: 'the next N `write memory` fail with "Device or resource busy"',
  },
  configLockedTimes: {
    flag: '--config-locked',
    kind: 'count',
    min: 0,
    max: 1000,
    what: 'the next N `configure terminal` find configuration mode locked',
  },
  authorizationFailAfter: {
    flag: '--authorization-fail-after',
    kind: 'count',
    min: 0,
    max: 1_000_000,
    what: 'after N more commands (from when the fault is set), every command answers "Command authorization failed." and does not run',
  },
  rejectEnable: { flag: '--reject-enable', kind: 'boolean', what: 'refuse every enable secret (% Bad secrets)' },
  writeConfirm: { flag: '--write-confirm', kind: 'boolean', what: '`write memory` asks [confirm] first' },
  logConfigEvents: {
    flag: '--log-config-events',
    kind: 'boolean',
    what: 'print %SYS-5-CONFIG_I shortly after leaving configuration mode',
  },
};

const FIELD_NAMES = Object.keys(FAULT_FIELDS) as Field[];
const MAX_FILE_BYTES = 64 * 1024;

function ruleText(rule: FieldRule): string {
  return rule.kind === 'boolean' ? 'true or false' : `a whole number from ${rule.min} to ${rule.max}`;
}

/** A key is quoted in an error only when it looks like a setting name: a stray secret must not be echoed. */
const quotable = (key: string): string => (/^[A-Za-z][\w-]{0,39}$/.test(key) ? `"${key}"` : '(a key)');

function checkValue(field: Field, value: unknown, where: string): number | boolean {
  const rule = FAULT_FIELDS[field];
  const ok =
    rule.kind === 'boolean'
      ? typeof value === 'boolean'
      : typeof value === 'number' &&
        Number.isInteger(value) &&
        value >= (rule.min ?? 0) &&
        value <= (rule.max ?? Number.MAX_SAFE_INTEGER);
  if (!ok) throw new ConfigError(`${where} must be ${ruleText(rule)}`, `${field}: ${rule.what}`);
  return value as number | boolean;
}

function settings(values: Partial<Record<Field, number | boolean>>): LabFaultSettings {
  const { logConfigEvents, ...faults } = values;
  return { faults: faults as IosFaults, logConfigEvents: logConfigEvents === true };
}

/** Parses a faults file's text (YAML, of which JSON is a subset). */
export function parseFaultsText(text: string, file: string): LabFaultSettings {
  const doc = parseDocument(text, { uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    const line = error.linePos?.[0]?.line;
    throw new ConfigError(
      `${file}${line ? `:${line}` : ''}: not valid YAML or JSON`,
      'write a mapping such as `nvramBusyTimes: 2` (YAML) or {"nvramBusyTimes": 2} (JSON)',
    );
  }
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) {
    throw new ConfigError(`${file}: the faults file is empty`, `give at least one of: ${FIELD_NAMES.join(', ')}`);
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError(`${file}: must be a mapping of fault settings`, `known settings: ${FIELD_NAMES.join(', ')}`);
  }
  const values: Partial<Record<Field, number | boolean>> = {};
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    if (!(FIELD_NAMES as string[]).includes(key)) {
      throw new ConfigError(`${file}: unknown field ${quotable(key)}`, `known settings: ${FIELD_NAMES.join(', ')}`);
    }
    values[key as Field] = checkValue(key as Field, value, `${file}: field "${key}"`);
  }
  return settings(values);
}

/** Reads a faults file: a regular file of at most 64 KiB, checked on the open handle (no window to swap it). */
export async function readFaultsFile(file: string): Promise<LabFaultSettings> {
  let bytes: Buffer;
  try {
    bytes = await readLimitedFile(file, { noun: 'a faults file', maxBytes: MAX_FILE_BYTES });
  } catch (err) {
    throw new ConfigError(`--faults ${file} ${(err as Error).message}`, 'give the path of a YAML or JSON faults file');
  }
  return parseFaultsText(bytes.toString('utf8'), file);
}

/** Flag values as commander hands them over (strings for numbers, true for switches); undefined: not given. */
type FaultFlags = Partial<Record<Field, string | boolean>>;

/** The faults given as flags, checked like the file's; they override the file's settings. */
export function mergeFaultFlags(base: LabFaultSettings, flags: FaultFlags): LabFaultSettings {
  const values: Partial<Record<Field, number | boolean>> = { ...base.faults, logConfigEvents: base.logConfigEvents };
  for (const field of FIELD_NAMES) {
    const raw = flags[field];
    if (raw === undefined) continue;
    const rule = FAULT_FIELDS[field];
    const value = rule.kind === 'boolean' || typeof raw === 'boolean' ? raw : /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
    values[field] = checkValue(field, value, `${rule.flag}`);
  }
  return settings(values);
}

export const NO_FAULTS: LabFaultSettings = { faults: {}, logConfigEvents: false };

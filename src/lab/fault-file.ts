// Emulator faults as `tscm lab` takes them, for every platform: a faults file (YAML or JSON) and flags, checked
// against the platform's table of fields. Strict: an unknown key or a wrong value names the file (or flag) and
// the field, never the value.

import { parseDocument } from 'yaml';
import { readLimitedFile } from '../config/limited-file.js';
import { ConfigError } from '../errors.js';

export interface FaultRule {
  /** The `tscm lab` flag that sets it; none: the faults file only. */
  readonly flag?: string;
  readonly kind: 'count' | 'boolean';
  readonly min?: number;
  readonly max?: number;
  readonly what: string;
}

export type FaultTable = Readonly<Record<string, FaultRule>>;
export type FaultValues = Partial<Record<string, number | boolean>>;

const MAX_FILE_BYTES = 64 * 1024;

function ruleText(rule: FaultRule): string {
  return rule.kind === 'boolean' ? 'true or false' : `a whole number from ${rule.min} to ${rule.max}`;
}

/** A key is quoted in an error only when it looks like a setting name: a stray secret must not be echoed. */
const quotable = (key: string): string => (/^[A-Za-z][\w-]{0,39}$/.test(key) ? `"${key}"` : '(a key)');

function checkValue(table: FaultTable, field: string, value: unknown, where: string): number | boolean {
  const rule = table[field] as FaultRule;
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

/** Parses a faults file's text (YAML, of which JSON is a subset). */
export function parseFaultValues(text: string, file: string, table: FaultTable): FaultValues {
  const names = Object.keys(table);
  const doc = parseDocument(text, { uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    const line = error.linePos?.[0]?.line;
    throw new ConfigError(
      `${file}${line ? `:${line}` : ''}: not valid YAML or JSON`,
      `write a mapping such as \`${names[0]}: 2\` (YAML) or {"${names[0]}": 2} (JSON)`,
    );
  }
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) {
    throw new ConfigError(`${file}: the faults file is empty`, `give at least one of: ${names.join(', ')}`);
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError(`${file}: must be a mapping of fault settings`, `known settings: ${names.join(', ')}`);
  }
  const values: FaultValues = {};
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    if (!Object.hasOwn(table, key)) {
      throw new ConfigError(`${file}: unknown field ${quotable(key)}`, `known settings: ${names.join(', ')}`);
    }
    values[key] = checkValue(table, key, value, `${file}: field "${key}"`);
  }
  return values;
}

/** Reads a faults file: a regular file of at most 64 KiB, checked on the open handle (no window to swap it). */
export async function readFaultValues(file: string, table: FaultTable): Promise<FaultValues> {
  let bytes: Buffer;
  try {
    bytes = await readLimitedFile(file, { noun: 'a faults file', maxBytes: MAX_FILE_BYTES });
  } catch (err) {
    throw new ConfigError(`--faults ${file} ${(err as Error).message}`, 'give the path of a YAML or JSON faults file');
  }
  return parseFaultValues(bytes.toString('utf8'), file, table);
}

/** Flag values as commander hands them over (strings for numbers, true for switches); undefined: not given. */
export type FaultFlags = Partial<Record<string, string | boolean>>;

/** The faults given as flags, checked like the file's; they override the file's settings. */
export function mergeFaultValues(base: FaultValues, flags: FaultFlags, table: FaultTable): FaultValues {
  const values: FaultValues = { ...base };
  for (const [field, rule] of Object.entries(table)) {
    const raw = flags[field];
    if (raw === undefined) continue;
    const value = rule.kind === 'boolean' || typeof raw === 'boolean' ? raw : /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
    values[field] = checkValue(table, field, value, `${rule.flag ?? field}`);
  }
  return values;
}

/** `nvramBusyTimes=2, rejectEnable` for the banner, in the table's order; undefined without faults. */
export function describeFaultValues(values: FaultValues, table: FaultTable): string | undefined {
  const parts = Object.keys(table)
    .filter((key) => values[key] !== undefined && values[key] !== false)
    .map((key) => (values[key] === true ? key : `${key}=${String(values[key])}`));
  return parts.length > 0 ? parts.join(', ') : undefined;
}

// The REST agent's faults (spec §6 rows 21-23, §7 "ASA REST"): the settings (from options, setFaults or a --faults
// file) and the counters that say when each one bites. Counters restart whenever the faults are replaced.

import { parseDocument } from 'yaml';
import { readLimitedFile } from '../../config/limited-file.js';
import { ConfigError } from '../../errors.js';
import type { AsaRestFaults } from './types.js';

export const DEFAULT_MAX_SESSIONS = 25;
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export class FaultState {
  /** /api requests since the faults were set. */
  private seen = 0;
  private restarted = false;
  writememFailuresLeft: number;

  constructor(readonly faults: AsaRestFaults) {
    this.writememFailuresLeft = faults.writememFailTimes ?? 0;
  }

  /** Counts one /api request; returns its number since the faults were set (1 for the first). */
  count(): number {
    return ++this.seen;
  }

  /** Does request number `n` get a 500 from the serverErrors storm? */
  serverError(n: number): boolean {
    const storm = this.faults.serverErrors;
    if (!storm || n <= storm.afterRequests) return false;
    return storm.count === undefined || n <= storm.afterRequests + storm.count;
  }

  /** True once, after the request that reaches agentRestart.afterRequests. */
  restartDue(n: number): boolean {
    const restart = this.faults.agentRestart;
    if (!restart || this.restarted || n < restart.afterRequests) return false;
    this.restarted = true;
    return true;
  }

  get maxSessions(): number {
    return this.faults.maxSessions ?? DEFAULT_MAX_SESSIONS;
  }

  get maxBodyBytes(): number {
    return this.faults.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  }
}

type Rule = { readonly kind: 'count'; readonly max: number } | { readonly kind: 'boolean' } | { readonly kind: 'body' };

const COUNT = (max: number): Rule => ({ kind: 'count', max });
/** Every key a faults file may hold; the nested ones are mappings of these sub-keys. */
const TABLE: Readonly<Record<string, Rule | Readonly<Record<string, Rule>>>> = {
  serverErrors: {
    afterRequests: COUNT(10_000_000),
    count: COUNT(10_000_000),
    body: { kind: 'body' },
    applyWrites: { kind: 'boolean' },
  },
  oomAboveConfigBytes: COUNT(1_000_000_000),
  agentRestart: { afterRequests: COUNT(10_000_000), downMs: COUNT(600_000) },
  maxSessions: COUNT(1000),
  replyDelayMs: COUNT(60_000),
  tokenExpiresAfterRequests: COUNT(10_000_000),
  maxBodyBytes: COUNT(100 * 1024 * 1024),
  writememFailTimes: COUNT(1000),
  absent: { kind: 'boolean' },
};
const REQUIRED: Readonly<Record<string, readonly string[]>> = {
  serverErrors: ['afterRequests'],
  agentRestart: ['afterRequests', 'downMs'],
};

const isRule = (r: unknown): r is Rule => typeof (r as Rule).kind === 'string';
const quotable = (key: string): string => (/^[A-Za-z][\w-]{0,39}$/.test(key) ? `"${key}"` : '(a key)');

function checkValue(rule: Rule, value: unknown, where: string): unknown {
  if (rule.kind === 'boolean' && typeof value === 'boolean') return value;
  if (rule.kind === 'body' && (value === 'json' || value === 'html')) return value;
  if (rule.kind === 'count' && Number.isInteger(value) && (value as number) >= 0 && (value as number) <= rule.max)
    return value;
  const want =
    rule.kind === 'boolean'
      ? 'true or false'
      : rule.kind === 'body'
        ? 'json or html'
        : `a whole number from 0 to ${rule.max}`;
  throw new ConfigError(`${where} must be ${want}`, 'see the fault table in src/lab/asa-rest/README.md');
}

function checkMapping(data: unknown, where: string, known: readonly string[]): Record<string, unknown> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ConfigError(`${where} must be a mapping`, `known settings: ${known.join(', ')}`);
  }
  for (const key of Object.keys(data)) {
    if (!known.includes(key))
      throw new ConfigError(`${where}: unknown field ${quotable(key)}`, `known settings: ${known.join(', ')}`);
  }
  return data as Record<string, unknown>;
}

/** Checks fault settings from outside (a faults file's data); strict, names the field, never echoes a value. */
export function parseAsaRestFaults(data: unknown, file: string): AsaRestFaults {
  const top = checkMapping(data, file, Object.keys(TABLE));
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(top)) {
    const rule = TABLE[key] as Rule | Readonly<Record<string, Rule>>;
    if (isRule(rule)) {
      out[key] = checkValue(rule, value, `${file}: field "${key}"`);
      continue;
    }
    const nested = checkMapping(value, `${file}: field "${key}"`, Object.keys(rule));
    const inner: Record<string, unknown> = {};
    for (const [sub, v] of Object.entries(nested))
      inner[sub] = checkValue(rule[sub] as Rule, v, `${file}: field "${key}.${sub}"`);
    for (const need of REQUIRED[key] ?? []) {
      if (!(need in inner))
        throw new ConfigError(`${file}: field "${key}" needs "${need}"`, 'see src/lab/asa-rest/README.md');
    }
    out[key] = inner;
  }
  return out as AsaRestFaults;
}

/** Reads a --faults file (YAML or JSON, at most 64 KiB). */
export async function readAsaRestFaultsFile(file: string): Promise<AsaRestFaults> {
  let text: string;
  try {
    text = (await readLimitedFile(file, { noun: 'a faults file', maxBytes: 64 * 1024 })).toString('utf8');
  } catch (err) {
    throw new ConfigError(`--faults ${file} ${(err as Error).message}`, 'give the path of a YAML or JSON faults file');
  }
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(`${file}: not valid YAML or JSON`, 'write a mapping such as `maxSessions: 2`');
  }
  return parseAsaRestFaults(doc.toJS() ?? {}, file);
}

/** `maxSessions=2, serverErrors(afterRequests=5)` for the lab banner; undefined without faults. */
export function describeAsaRestFaults(faults: AsaRestFaults): string | undefined {
  const parts = Object.entries(faults).map(([key, value]) =>
    typeof value === 'object' && value !== null
      ? `${key}(${Object.entries(value as Record<string, unknown>)
          .map(([k, v]) => `${k}=${String(v)}`)
          .join(', ')})`
      : value === true
        ? key
        : `${key}=${String(value)}`,
  );
  return parts.length > 0 ? parts.join(', ') : undefined;
}

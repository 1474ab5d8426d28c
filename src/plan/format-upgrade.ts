// Upgrades of tscm's versioned JSON documents (plan file, state file; DESIGN.md convention 2): a parsed document
// of version N goes through the function registered for N, one version at a time, until it reaches the current
// version. Unknown, missing and newer versions are refused with a message naming the file.

import { ConfigError, InternalError } from '../errors.js';
import { printable } from './message-text.js';

/** Upgrades a parsed document of version N to version N+1. */
export type DocumentUpgrade = (doc: Record<string, unknown>) => Record<string, unknown>;

export interface UpgradeOptions {
  /** Names the file in errors, e.g. "plan file /tmp/p.json". */
  readonly source: string;
  /** What the document is, e.g. "tscm plan". */
  readonly kind: string;
  readonly upgrades: ReadonlyMap<number, DocumentUpgrade>;
  readonly target: number;
  /** The fix for a document that is not ours, is too old, or too new. */
  readonly hints: { readonly notOurs: string; readonly tooOld: string; readonly tooNew: string };
}

/** Brings a parsed document to `target` through the upgrade chain; refuses unknown versions. */
export function upgradeDocument(doc: unknown, o: UpgradeOptions): Record<string, unknown> {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new ConfigError(`${o.source} is not a ${o.kind} (expected a JSON object)`, o.hints.notOurs);
  }
  let current = doc as Record<string, unknown>;
  const found = current['formatVersion'];
  if (typeof found !== 'number' || !Number.isInteger(found) || found < 1) {
    throw new ConfigError(
      `${o.source} has no valid formatVersion (found ${describeFound(found)})`,
      `this is not a ${o.kind} file`,
    );
  }
  let version: number = found;
  if (version > o.target) {
    throw new ConfigError(
      `${o.source} has formatVersion ${version}, newer than this tscm understands (${o.target})`,
      o.hints.tooNew,
    );
  }
  while (version < o.target) {
    const upgrade = o.upgrades.get(version);
    if (!upgrade) {
      throw new ConfigError(
        `${o.source} has formatVersion ${version}, which this tscm can no longer read`,
        o.hints.tooOld,
      );
    }
    current = upgrade(current);
    if (current['formatVersion'] !== version + 1) {
      throw new InternalError(`${o.source}: the upgrade from formatVersion ${version} did not produce ${version + 1}`);
    }
    version += 1;
  }
  return current;
}

/**
 * What stands where the version should, briefly: JSON.stringify of the value could be megabytes long, or overflow the
 * stack on an array nested 100,000 deep.
 */
function describeFound(found: unknown): string {
  if (found === undefined) return 'none';
  if (typeof found === 'string') return `"${printable(found, 20)}"`;
  if (Array.isArray(found)) return 'an array';
  if (typeof found === 'object' && found !== null) return 'an object';
  return String(found);
}

/** Applies `f` to each element of an array field (a copy), or leaves a value that is not an array for the schema. */
export function mapArrayField(
  doc: Record<string, unknown>,
  field: string,
  f: (item: Record<string, unknown>) => Record<string, unknown>,
): Record<string, unknown> {
  const value = doc[field];
  if (!Array.isArray(value)) return doc;
  return { ...doc, [field]: value.map((item: unknown) => (isObject(item) ? f(item) : item)) };
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

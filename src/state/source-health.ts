// Since when each source of a device has been failing (staleAfter, issue 12): written by every resolve (plan or
// apply), so a source that keeps failing is noticed across runs even when nothing is applied. Kept per device in
// `<stateDir>/.local/<device>/source-health.json`: local to the host (the git backend never commits `.local/`),
// since a failure seen from one runner says nothing of another's network.

import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import { writeFileAtomic } from '../plan/atomic-write.js';
import type { GroupRole } from '../plan/model.js';
import { deviceDir } from './device-paths.js';

export interface SourceHealth {
  readonly role: GroupRole;
  /** describeSource: `zone @ host:port` or the file's path. */
  readonly source: string;
  /** ISO 8601: the first failure of the current run of failures. */
  readonly failingSince: string;
}

const FORMAT = 1;

export function sourceHealthPath(stateDir: string, device: string): string {
  return join(deviceDir(join(stateDir, '.local'), device), 'source-health.json');
}

/** The failing sources of a device; none when the file is absent. A damaged file is a ConfigError naming it. */
export async function readSourceHealth(stateDir: string, device: string): Promise<SourceHealth[]> {
  const file = sourceHealthPath(stateDir, device);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const damaged = (): ConfigError =>
    new ConfigError(
      `source health file ${file} is damaged`,
      'delete it: the next run records the failing sources again (their staleAfter counts from then)',
    );
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw damaged();
  }
  if (!isObject(doc) || doc['formatVersion'] !== FORMAT || !Array.isArray(doc['sources'])) throw damaged();
  return doc['sources'].map((s: unknown) => {
    if (
      !isObject(s) ||
      (s['role'] !== 'block' && s['role'] !== 'allow') ||
      typeof s['source'] !== 'string' ||
      typeof s['failingSince'] !== 'string' ||
      Number.isNaN(Date.parse(s['failingSince']))
    ) {
      throw damaged();
    }
    return { role: s['role'], source: s['source'], failingSince: s['failingSince'] };
  });
}

/** Writes the failing sources (an empty list too); unchanged content is not rewritten. */
export async function writeSourceHealth(
  stateDir: string,
  device: string,
  sources: readonly SourceHealth[],
  previous: readonly SourceHealth[],
): Promise<void> {
  if (JSON.stringify(sources) === JSON.stringify(previous)) return;
  const file = sourceHealthPath(stateDir, device);
  await mkdir(deviceDir(join(stateDir, '.local'), device), { recursive: true });
  const doc = { formatVersion: FORMAT, sources: sources.map((s) => ({ ...s })) };
  await writeFileAtomic(file, Buffer.from(`${JSON.stringify(doc, null, 2)}\n`));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

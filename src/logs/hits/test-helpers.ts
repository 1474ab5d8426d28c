// Shared by the hits tests (not shipped code paths): a recording logger and the real fixture lines.

import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../model.js';

export const ACL_FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures/acl-log');

/** Every line of the real samples, file by file in name order. */
export function realLines(): string[] {
  return readdirSync(ACL_FIXTURES)
    .filter((f) => f.endsWith('.log'))
    .sort()
    .flatMap((f) =>
      readFileSync(path.join(ACL_FIXTURES, f), 'utf8')
        .split('\n')
        .filter((l) => l.length > 0),
    );
}

export interface LogRecord {
  readonly level: string;
  readonly msg: string;
  readonly fields?: Record<string, unknown>;
}

export function recordingLogger(): Logger & { readonly records: LogRecord[] } {
  const records: LogRecord[] = [];
  const at =
    (level: string) =>
    (msg: string, fields?: Record<string, unknown>): void => {
      records.push({ level, msg, ...(fields ? { fields } : {}) });
    };
  return { records, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

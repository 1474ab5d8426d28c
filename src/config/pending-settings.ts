// Settings the schema accepts and validates but no code reads yet: they come with the log pipeline of the next
// releases. Refusing them would break definitions written for those releases; accepting them silently
// would let a user believe they act. So they stay valid, the schema's descriptions say "not yet used", and
// `tscm validate` prints a note for each one a definition sets. A test keeps this table and the schema in step.

import type { Diagnostic } from './diagnostic.js';
import { toPointer } from './diagnostic.js';
import type { YamlDocument } from './yaml-document.js';

export interface PendingSetting {
  /** Path in a device document (in tscm.yaml the same path under `defaults`). */
  readonly path: readonly string[];
  /** What will read it. */
  readonly readBy: string;
}

// Empty since the log pipeline (issue 10) reads `logs` and `deviceId`; the next setting accepted ahead of its code
// goes here.
export const PENDING_SETTINGS: readonly PendingSetting[] = [];

/** The fields of the schema documented as "not yet used": the table above. */
export const PENDING_FIELDS: readonly string[] = PENDING_SETTINGS.map((s) => s.path.join('.'));

function getField(root: unknown, path: readonly string[]): unknown {
  let node = root;
  for (const seg of path) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[seg];
  }
  return node;
}

/** A note per pending setting the document sets; `under` is ['defaults'] for tscm.yaml. */
export function notePendingSettings(doc: YamlDocument, file: string, under: readonly string[] = []): Diagnostic[] {
  const notes: Diagnostic[] = [];
  for (const setting of PENDING_SETTINGS) {
    const path = [...under, ...setting.path];
    if (getField(doc.value, path) === undefined) continue;
    notes.push({
      file,
      ...doc.locate(path, 'key'),
      path: toPointer(path),
      message: `${setting.path.join('.')} is valid but not yet used: ${setting.readBy} reads it from a coming release`,
      hint: 'no effect today',
    });
  }
  return notes;
}

// Validation diagnostics: every problem of a definitions tree is reported at once, each with file:line:column and
// the JSON-pointer path of the field (DESIGN.md convention 10). Messages never contain secret values.

import { printable } from '../plan/message-text.js';

export interface Diagnostic {
  /** File relative to the definitions dir, `/`-separated. */
  readonly file: string;
  /** 1-based line and column. */
  readonly line: number;
  readonly column: number;
  /** JSON pointer of the field inside the YAML document, e.g. `/objectGroups/maxEntries` ('' for the document). */
  readonly path: string;
  /** What was expected. */
  readonly message: string;
  /** How to fix it, when we can tell. */
  readonly hint?: string;
}

/**
 * `file:line:col: path: message (hint)`; the path is left out when the problem is about the whole file. Always one
 * line: control and invisible characters (a newline in a file name or a YAML key) are escaped, so nothing can forge
 * another `file:line` line in the output.
 */
export function formatDiagnostic(d: Diagnostic): string {
  const where = `${escapeControls(d.file)}:${d.line}:${d.column}`;
  const path = d.path === '' ? '' : ` ${escapeControls(d.path)}:`;
  const hint = d.hint === undefined ? '' : ` (${escapeControls(d.hint)})`;
  return `${where}:${path} ${escapeControls(d.message)}${hint}`;
}

/** Text with every control or invisible character written as an escape (`\n`, `\u001b`), never cut. */
function escapeControls(text: string): string {
  return printable(text, Infinity);
}

/** Order by file, then position, then path: stable output for humans and golden tests. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.line !== b.line) return a.line - b.line;
  if (a.column !== b.column) return a.column - b.column;
  if (a.path !== b.path) return a.path < b.path ? -1 : 1;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}

/** JSON pointer (RFC 6901) from path segments. */
export function toPointer(segments: readonly (string | number)[]): string {
  return segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** Path segments from a JSON pointer (RFC 6901). */
export function fromPointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

// YAML parsing that keeps positions: each document's value plus a way to map a JSON pointer back to the line and
// column of the key or value in the source (yaml's LineCounter), so diagnostics point at the right spot.

import { LineCounter, isMap, isPair, isScalar, isSeq, parseAllDocuments } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';
import type { Diagnostic } from './diagnostic.js';

export interface Position {
  readonly line: number;
  readonly column: number;
}

export interface YamlDocument {
  readonly value: unknown;
  /** Where the document's content starts. */
  readonly start: Position;
  /** Position of the value (or of the key, for unknown fields) at `path`; the closest existing ancestor otherwise. */
  locate(path: readonly string[], at?: 'key' | 'value'): Position;
}

/** Guard against alias bombs: a definition has no business expanding an alias more than this many times. */
const MAX_ALIAS_COUNT = 100;

export function parseYamlText(text: string, file: string): { documents: YamlDocument[]; diagnostics: Diagnostic[] } {
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const position = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const documents: YamlDocument[] = [];
  const diagnostics: Diagnostic[] = [];
  if (parsed.length === 0) {
    // An empty stream (only comments, or nothing) can still carry errors, e.g. a stray directive.
    const errors = (parsed as unknown as { errors?: YamlErrorLike[] }).errors ?? [];
    for (const err of errors) diagnostics.push(toSyntaxDiagnostic(err, file, position));
    return { documents, diagnostics };
  }
  for (const doc of parsed) {
    if (doc.errors.length > 0) {
      for (const err of doc.errors) diagnostics.push(toSyntaxDiagnostic(err, file, position));
      continue;
    }
    // A document holding only comments (or a trailing `---`, or `~`) is not a definition.
    if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) continue;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      const start = position(doc.contents.range[0]);
      diagnostics.push({ file, ...start, path: '', message: `cannot read YAML: ${safeYamlMessage(err)}` });
      continue;
    }
    documents.push({
      value,
      start: position(doc.contents.range[0]),
      locate: (path, at = 'value') => position(findOffset(doc, path, at)),
    });
  }
  return { documents, diagnostics };
}

function findOffset(doc: Document, path: readonly string[], at: 'key' | 'value'): number {
  let node: unknown = doc.contents;
  let offset = (doc.contents as YamlNode | null)?.range?.[0] ?? 0;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    const last = i === path.length - 1;
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === segment);
      if (pair === undefined) break;
      if (last && at === 'key' && isScalar(pair.key)) return pair.key.range?.[0] ?? offset;
      // `key:` with no value: point at the key.
      next = pair.value ?? pair.key;
    } else if (isSeq(node)) {
      next = node.items[Number(segment)];
    }
    const range = (next as YamlNode | undefined)?.range;
    if (next === undefined || next === null || range === undefined || range === null) break;
    node = next;
    offset = range[0];
  }
  return offset;
}

interface YamlErrorLike {
  readonly code?: string;
  readonly message: string;
  readonly pos?: readonly [number, number];
}

function toSyntaxDiagnostic(err: YamlErrorLike, file: string, position: (offset: number) => Position): Diagnostic {
  const at = position(err.pos?.[0] ?? 0);
  return {
    file,
    ...at,
    path: '',
    message: `YAML syntax error: ${safeYamlMessage(err)}`,
    hint: err.code === 'DUPLICATE_KEY' ? 'each field may appear once per mapping' : 'fix the YAML at this position',
  };
}

/**
 * yaml quotes source text in some messages (`...: "<token>"`, `Block scalar header includes extra characters: x`,
 * `Invalid escape sequence \\q`); that text may be a password typed in the wrong place, so everything after the
 * first `: ` and any quoted fragment is dropped, and escape errors are reworded. Only the first line is kept.
 */
function safeYamlMessage(err: unknown): string {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
  if (code === 'BAD_DQ_ESCAPE') return 'invalid escape sequence in a double-quoted string';
  const raw = typeof err === 'object' && err !== null && 'message' in err ? String(err.message) : String(err);
  const firstLine = raw.split('\n')[0] ?? '';
  const colon = firstLine.indexOf(': ');
  const kept = colon === -1 ? firstLine : firstLine.slice(0, colon);
  return kept.replace(/"(?:[^"\\]|\\.)*"/g, '(text)').trim();
}

// YAML parsing that keeps positions: each document's value plus a way to map a JSON pointer back to the line and
// column of the key or value in the source (yaml's LineCounter), so diagnostics point at the right spot.

import { Composer, LineCounter, Parser, isMap, isPair, isScalar, isSeq, visit } from 'yaml';
import type { CST, Document, Node as YamlNode } from 'yaml';
import type { Diagnostic } from './diagnostic.js';
import {
  checkPlainValue,
  describeYamlError,
  findForbiddenCharacter,
  findTooDeep,
  tooDeepMessage,
} from './yaml-safety.js';

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

const PLAIN_DATA_HINT = 'a definition holds mappings, lists, text, numbers and true/false, a few levels deep';

/** Guard against alias bombs: a definition has no business expanding an alias more than this many times. */
const MAX_ALIAS_COUNT = 100;

/**
 * The documents of a YAML stream, and its problems. A file with no document at all (empty, only comments) yields
 * neither: the caller says what that means for its file.
 */
export function parseYamlText(text: string, file: string): { documents: YamlDocument[]; diagnostics: Diagnostic[] } {
  const lineCounter = new LineCounter();
  const position = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const documents: YamlDocument[] = [];
  const diagnostics: Diagnostic[] = [];
  const fail = (offset: number, message: string, hint: string) => {
    diagnostics.push({ file, ...position(offset), path: '', message, hint });
    return { documents: [], diagnostics };
  };
  const forbidden = findForbiddenCharacter(text);
  if (forbidden !== undefined) {
    // The parser does not run on such text: count its lines here, as the parser would.
    lineCounter.addNewLine(0);
    for (let i = text.indexOf('\n'); i !== -1 && i < forbidden; i = text.indexOf('\n', i + 1))
      lineCounter.addNewLine(i + 1);
    return fail(forbidden, 'a control character YAML does not allow (is this a binary file?)', 'save it as UTF-8 text');
  }
  // The parser is iterative; composing a document recurses, so the nesting is measured on the tokens first.
  const tokens: CST.Token[] = [...new Parser(lineCounter.addNewLine).parse(text)];
  for (const token of tokens) {
    const deep = findTooDeep(token);
    if (deep !== undefined)
      return fail(deep, tooDeepMessage(), 'a definition nests a few levels: remove the extra brackets');
  }
  // logLevel 'error': yaml would print some warnings itself (to stderr, quoting the source): never.
  const composer = new Composer({ uniqueKeys: true, logLevel: 'error' });
  const parsed = [...composer.compose(tokens)];
  if (parsed.length === 0) {
    // An empty stream (only comments, or nothing) can still carry errors, e.g. a stray directive.
    for (const err of composer.streamInfo().errors) diagnostics.push(toSyntaxDiagnostic(err, file, position));
    return { documents, diagnostics };
  }
  for (const doc of parsed) {
    if (doc.errors.length > 0) {
      for (const err of doc.errors) diagnostics.push(toSyntaxDiagnostic(err, file, position));
      continue;
    }
    // A document holding only comments (or a trailing `---`, or `~`) is not a definition.
    if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) continue;
    const start = position(doc.contents.range[0]);
    const badKey = findCollectionKey(doc);
    if (badKey !== undefined) {
      diagnostics.push({
        ...{ file, path: '' },
        ...position(badKey),
        message: 'a key that is not plain text (a list, a mapping or an alias)',
        hint: 'keys are plain text: name: value',
      });
      continue;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      diagnostics.push({
        file,
        ...start,
        path: '',
        message: `cannot read YAML: ${describeYamlError(err)}`,
        hint: PLAIN_DATA_HINT,
      });
      continue;
    }
    const locate = (path: readonly string[], at: 'key' | 'value' = 'value') => position(findOffset(doc, path, at));
    const problem = checkPlainValue(value);
    if (problem !== undefined) {
      diagnostics.push({ file, ...locate(problem.path), path: '', message: problem.message, hint: PLAIN_DATA_HINT });
      continue;
    }
    documents.push({ value, start, locate });
  }
  return { documents, diagnostics };
}

/** The offset of the first mapping key that is not a scalar (`? [a, b]: x`), which JSON-like data cannot hold. */
function findCollectionKey(doc: Document): number | undefined {
  let found: number | undefined;
  visit(doc, {
    Pair(_, pair) {
      if (pair.key === null || isScalar(pair.key)) return undefined;
      found = (pair.key as YamlNode).range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return found;
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
    message: `YAML syntax error: ${describeYamlError(err)}`,
    hint: err.code === 'DUPLICATE_KEY' ? 'each field may appear once per mapping' : 'fix the YAML at this position',
  };
}

// The checks that keep hostile YAML from crashing or leaking through the loader: a nesting limit checked on the
// parser's token tree before anything recursive runs (1,000 nested brackets once gave "Maximum call stack size
// exceeded" 35 times), a check that a document's value is plain data (no !!binary buffers, no cycles through
// aliases), the characters YAML forbids, and library error messages reduced to text that never quotes the source.

import type { CST } from 'yaml';

/** Definitions nest 5 levels deep (logs.proxy.password.env); 64 leaves room and stops a stack overflow early. */
export const MAX_YAML_DEPTH = 64;

/** The offset of the first collection nested deeper than `max` in a parsed document's tokens, if any. */
export function findTooDeep(token: CST.Token, max = MAX_YAML_DEPTH): number | undefined {
  const stack: { node: CST.Token | null | undefined; depth: number }[] = [{ node: token, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (node === null || node === undefined) continue;
    if (node.type === 'document') {
      stack.push({ node: node.value, depth });
      continue;
    }
    if (!('items' in node)) continue;
    if (depth + 1 > max) return node.offset;
    for (const item of node.items) {
      stack.push({ node: item.value, depth: depth + 1 });
      if ('key' in item) stack.push({ node: item.key, depth: depth + 1 });
    }
  }
  return undefined;
}

export interface ValueProblem {
  readonly path: readonly string[];
  readonly message: string;
}

/**
 * Whether a document's value is plain JSON-like data within the nesting limit. YAML tags can make buffers, maps,
 * sets and dates, and aliases can make cycles or multiply the depth; none of them belongs in a definition.
 */
export function checkPlainValue(value: unknown, max = MAX_YAML_DEPTH): ValueProblem | undefined {
  const stack: { value: unknown; path: string[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: v, path } = stack.pop()!;
    if (v === null || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') continue;
    if (path.length >= max) return { path: path.slice(0, max), message: tooDeepMessage(max) };
    if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push({ value: item, path: [...path, String(i)] }));
      continue;
    }
    const proto = typeof v === 'object' ? (Object.getPrototypeOf(v) as unknown) : undefined;
    if (proto !== Object.prototype && proto !== null) {
      return { path, message: 'a YAML type that definitions do not use (a !!tag such as !!binary or !!set)' };
    }
    for (const [key, item] of Object.entries(v as Record<string, unknown>))
      stack.push({ value: item, path: [...path, key] });
  }
  return undefined;
}

export function tooDeepMessage(max = MAX_YAML_DEPTH): string {
  return `YAML nesting too deep (more than ${max} levels of mappings and lists)`;
}

/**
 * The offset of the first character YAML does not allow in a stream (C0 controls but tab, LF and CR; DEL; C1
 * controls but NEL; non-characters), which is usually a binary file or the wrong encoding.
 */
export function findForbiddenCharacter(text: string): number | undefined {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  const m = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f\ufffe\uffff]/.exec(text);
  return m?.index;
}

/** yaml messages that quote nothing of the source: kept as they are. */
const SAFE_MESSAGES = [
  /^(All sequence items must start at the same column|Tabs are not allowed as indentation)$/,
  /^(Implicit map keys need to be followed by map values|Implicit keys (of flow sequence pairs )?need to be on a single line)$/,
  /^(Nested mappings are not allowed in compact mappings|A block sequence may not be used as an implicit map key)$/,
  /^(Map keys must be unique|Sequence item without - indicator|Missing closing ["']quote)$/,
  /^Block collections are not allowed within flow collections$/,
  /^Comments must be separated from other tokens by white space characters$/,
  /^Tags and anchors must be separated from the next token by white space$/,
  /^(A node can have at most one (anchor|tag)|An alias node must not specify any properties)$/,
  /^(Alias|Anchor) (cannot be an empty string|ending in : is ambiguous)$/,
  /^(Missing ,( or :)? between|Unexpected , in|Unexpected empty item in|Missing space after : in) flow (map|sequence)( items)?$/,
  /^Flow (sequence|map)( in block collection)? must (be sufficiently indented and )?end with an? [\]}]$/,
  /^Unexpected [a-z-]+ (token|at node end|token in YAML (stream|document))$/,
  /^Unexpected block-seq-ind on same line with key$/,
  /^Block collection cannot start on same line with directives-end marker$/,
  /^Missing directives-end(\/doc-start)? indicator line$/,
  /^Excessive alias count indicates a resource exhaustion attack$/,
];

/** What each yaml error code means, for messages that may quote the source (a tag, a directive, an escape). */
const CODE_MESSAGES: Record<string, string> = {
  BAD_DIRECTIVE: 'unknown or unsupported % directive',
  BAD_DQ_ESCAPE: 'invalid escape sequence in a double-quoted string',
  BAD_SCALAR_START: 'a plain value cannot start with this character (quote the value)',
  TAG_RESOLVE_FAILED: 'unknown ! tag (definitions use no tags)',
  BAD_COLLECTION_TYPE: 'a ! tag that does not fit its value (definitions use no tags)',
  BAD_PROP_ORDER: 'anchors and tags must come after the - ? : indicators',
  MULTIPLE_DOCS: 'more than one document',
  KEY_OVER_1024_CHARS: 'a key longer than 1024 characters',
  RESOURCE_EXHAUSTION: 'too many alias expansions (an alias bomb?)',
  MISSING_CHAR: 'a character is missing here',
  UNEXPECTED_TOKEN: 'unexpected text here',
  BAD_INDENT: 'wrong indentation',
  BAD_ALIAS: 'invalid alias or anchor',
};

/**
 * A yaml error as text that never quotes the source: yaml puts source text in some messages (`Unresolved tag:
 * !x`, `Block scalar header includes extra characters: x`, `Invalid escape sequence \q`), and that text may be a
 * password typed in the wrong place. Known constant messages are kept; anything else becomes its code's meaning.
 */
export function describeYamlError(err: unknown): string {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
  const raw = typeof err === 'object' && err !== null && 'message' in err ? String(err.message) : '';
  // The composer appends the offending source as `: "<text>"` to the parser's own messages: drop it first.
  const message = (raw.split('\n')[0] ?? '').replace(/: ".*$/, '');
  if (SAFE_MESSAGES.some((re) => re.test(message))) return message;
  if (err instanceof RangeError || /call stack/i.test(message)) return tooDeepMessage();
  return CODE_MESSAGES[code] ?? 'the YAML cannot be read here';
}

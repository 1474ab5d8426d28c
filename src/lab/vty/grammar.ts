// A small Cisco-style command parser (IOS, ASA and PIX share it): keywords may be abbreviated to any unique prefix,
// an exact keyword wins over longer ones, and failures say where (caret column), incomplete or ambiguous.

export interface ParamSpec {
  readonly name: string;
  readonly test: (token: string) => boolean;
}

export interface KeywordEdge<H> {
  readonly word: string;
  readonly next: GrammarNode<H>;
}

export interface GrammarNode<H> {
  readonly keywords?: readonly KeywordEdge<H>[];
  /** A value token (address, name, number) tried after the keywords; IOS prefers keywords. */
  readonly param?: { readonly spec: ParamSpec; readonly next: GrammarNode<H> };
  /** Swallows the rest of the line verbatim (description text, ACL entry, regex) into args[name]. */
  readonly rest?: { readonly name: string; readonly next: GrammarNode<H> };
  readonly run?: H;
  /** The command accepts an output modifier (`| section REGEX`). */
  readonly pipe?: boolean;
}

export type PipeKind = 'section' | 'include' | 'exclude' | 'begin' | 'count' | 'grep';

export interface Pipe {
  readonly kind: PipeKind;
  readonly regex: string;
}

export type ParseResult<H> =
  | {
      readonly kind: 'ok';
      readonly run: H;
      readonly args: Readonly<Record<string, string>>;
      readonly words: readonly string[];
      readonly pipe?: Pipe;
    }
  /** offset: index in the line of the first character IOS could not match (the caret goes under it). */
  | { readonly kind: 'invalid'; readonly offset: number; readonly consumed: number }
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'ambiguous' }
  | { readonly kind: 'empty' };

interface Token {
  readonly text: string;
  readonly start: number;
}

export function tokenizeLine(line: string): Token[] {
  const tokens: Token[] = [];
  const re = /\S+/g;
  for (let m = re.exec(line); m; m = re.exec(line)) tokens.push({ text: m[0], start: m.index });
  return tokens;
}

/** Helper to build keyword nodes tersely: kw('show', node). */
export function kw<H>(word: string, next: GrammarNode<H>): KeywordEdge<H> {
  return { word, next };
}

function commonPrefixLength(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** The IOS output modifiers; a personality passes its own list (the ASA has no `section`). */
export const IOS_PIPES: readonly PipeKind[] = ['begin', 'count', 'exclude', 'include', 'section'];

export function parseCommand<H>(
  root: GrammarNode<H>,
  line: string,
  pipes: readonly PipeKind[] = IOS_PIPES,
): ParseResult<H> {
  const tokens = tokenizeLine(line);
  if (tokens.length === 0) return { kind: 'empty' };
  const args: Record<string, string> = {};
  const words: string[] = [];
  let node = root;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    if (token.text === '|' && node.pipe && node.run !== undefined) {
      const pipe = parsePipe(line, tokens, i + 1, pipes);
      if (pipe.kind !== 'ok') return pipe;
      return { kind: 'ok', run: node.run, args, words, pipe: pipe.pipe };
    }
    if (node.rest) {
      args[node.rest.name] = line.slice(token.start).trimEnd();
      node = node.rest.next;
      break;
    }
    const lower = token.text.toLowerCase();
    const keywords = node.keywords ?? [];
    const exact = keywords.find((k) => k.word === lower);
    const candidates = exact ? [exact] : keywords.filter((k) => k.word.startsWith(lower));
    if (candidates.length === 1) {
      const edge = candidates[0] as KeywordEdge<H>;
      words.push(edge.word);
      node = edge.next;
      continue;
    }
    if (candidates.length > 1) return { kind: 'ambiguous' };
    if (node.param && node.param.spec.test(token.text)) {
      args[node.param.spec.name] = token.text;
      node = node.param.next;
      continue;
    }
    const best = keywords.reduce((max, k) => Math.max(max, commonPrefixLength(lower, k.word)), 0);
    return { kind: 'invalid', offset: token.start + best, consumed: i };
  }
  if (node.run === undefined) return { kind: 'incomplete' };
  return { kind: 'ok', run: node.run, args, words };
}

function parsePipe(
  line: string,
  tokens: readonly Token[],
  from: number,
  pipes: readonly PipeKind[],
): { kind: 'ok'; pipe: Pipe } | { kind: 'invalid'; offset: number; consumed: number } | { kind: 'incomplete' } {
  const word = tokens[from];
  if (!word) return { kind: 'incomplete' };
  const lower = word.text.toLowerCase();
  const matches = pipes.filter((k) => k.startsWith(lower));
  if (matches.length !== 1) {
    const best = pipes.reduce((max, k) => Math.max(max, commonPrefixLength(lower, k)), 0);
    return { kind: 'invalid', offset: word.start + best, consumed: from };
  }
  const regexToken = tokens[from + 1];
  if (!regexToken) return { kind: 'incomplete' };
  return { kind: 'ok', pipe: { kind: matches[0] as PipeKind, regex: line.slice(regexToken.start).trimEnd() } };
}

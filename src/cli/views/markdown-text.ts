// Text from devices, feeds, plan files and the command line made safe inside a pull-request comment: no HTML (so no
// forged `<!-- tscm-plan -->` marker, no script), no table or list break, no stray emphasis, no control or bidi
// characters, and short enough for a reader.

import { printable } from '../../plan/message-text.js';

/** Longest free text (a warning, a refusal, an error message) quoted in a comment. */
export const MAX_MESSAGE = 400;

/** Text safe inside a table cell or a list item. */
export function cell(s: string, max: number = MAX_MESSAGE): string {
  return printable(s.replace(/\s+/g, ' '), max)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#~])/g, '\\$1');
}

/**
 * A code span: backticks cannot be escaped inside one, so they are dropped (a revision or a path never needs them)
 * and whitespace runs become one space; `<` and `>` are written \u003c and \u003e (a code span shows `&lt;` as
 * is, and a marker `<!-- tscm-plan -->` must appear once only); invisible characters are escaped, the text cut.
 */
export function codeSpan(s: string, max = 80): string {
  const plain = s
    .replace(/`/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[<>]/g, (c) => (c === '<' ? '\\u003c' : '\\u003e'));
  const text = printable(plain, max);
  return `\`${text === '' ? ' ' : text}\``;
}

/** A shell word that pastes back as itself, or null when the text cannot be written plainly in a code span. */
export function shellWord(s: string, max = 256): string | null {
  // A word starting with `-` would be read as an option.
  if (s === '' || s.length > max || s.startsWith('-')) return null;
  if (/^[A-Za-z0-9_./:=@%+,-]+$/.test(s)) return s;
  // Single quotes keep everything literal; a quote, a backtick or an invisible character is not worth the risk.
  if (/['`\\]/.test(s) || printable(s, max) !== s) return null;
  return `'${s}'`;
}

/**
 * `tscm apply FILE [--dir DIR]` for a saved plan, or null when there is none or a word cannot be written plainly.
 * `--dir .` is the default and left out.
 */
export function applyCommandLine(planFile: string | undefined, dir: string): string | null {
  if (planFile === undefined) return null;
  const file = shellWord(planFile);
  const d = dir === '.' ? '' : shellWord(dir);
  if (file === null || d === null) return null;
  return `tscm apply ${file}${d === '' ? '' : ` --dir ${d}`}`;
}

/** A link target: only http(s), with anything that could end the link or open HTML percent-encoded. */
export function linkTarget(url: string): string | null {
  if (!/^https?:\/\/[^\s]+$/.test(url)) return null;
  try {
    return url.replace(/[^A-Za-z0-9\-._~:/?#@!$&*+,;=%]/gu, (c) =>
      // encodeURIComponent leaves ( ) ! * ' alone: ( and ) would end the link.
      c.charCodeAt(0) < 0x80
        ? `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`
        : encodeURIComponent(c),
    );
  } catch {
    return null; // a lone surrogate: no link, the location is shown as text
  }
}

// The tscm invocations in a shell script (a CI job's `run:` or `script:`, a container's command), and the options
// the built CLI really has, so tests can hold examples and deployment files to the CLI they document.

import { execFileSync } from 'node:child_process';
import { CLI } from './cli.js';

export interface Invocation {
  /** The words after `tscm`, quotes removed, up to a redirection. */
  readonly args: readonly string[];
  /** The line it came from, for messages. */
  readonly line: string;
}

/** Shell words of one command line: quotes removed, `$VAR` kept as written. Enough for CI scripts, not a shell. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'" || c === '"') {
      const end = line.indexOf(c, i + 1);
      if (end === -1) throw new Error(`unbalanced ${c} in: ${line}`);
      word += line.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** Splits a line into commands at `&&`, `||`, `;` and `|` outside quotes. */
function commands(line: string): string[] {
  const out: string[] = [];
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote !== null) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === ';' || c === '|' || c === '&') {
      out.push(line.slice(start, i));
      if (line[i + 1] === c) i++;
      start = i + 1;
    }
  }
  out.push(line.slice(start));
  return out.map((s) => s.trim()).filter((s) => s !== '');
}

/** Every `tscm ...` command in a script (continuation lines joined, comments dropped). */
export function tscmInvocations(script: string): Invocation[] {
  const found: Invocation[] = [];
  for (const raw of script.replace(/\\\n\s*/g, ' ').split('\n')) {
    const line = raw.replace(/(^|\s)#.*$/, '');
    for (const command of commands(line)) {
      const words = shellWords(command);
      while (words.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]!)) words.shift();
      if (words[0] !== 'tscm') continue;
      const redirect = words.findIndex((w) => /^[0-9]?>/.test(w));
      found.push({ args: words.slice(1, redirect === -1 ? undefined : redirect), line: command });
    }
  }
  return found;
}

const helpCache = new Map<string, ReadonlySet<string> | null>();

/** The long options `tscm SUBCOMMAND --help` lists, or null when there is no such subcommand. */
export function cliOptions(subcommand: string): ReadonlySet<string> | null {
  if (!helpCache.has(subcommand)) {
    let help: string | null;
    try {
      help = execFileSync(process.execPath, [CLI, subcommand, '--help'], { encoding: 'utf8', stdio: 'pipe' });
    } catch {
      help = null;
    }
    const usage = help === null ? null : new RegExp(`^Usage: tscm ${subcommand}\\b`, 'm').test(help);
    // The options column only: a description may mention another command's option.
    const listed = usage ? [...help!.matchAll(/^ {2}(?:-\w, )?(--[a-z][a-z0-9-]*)/gm)].map((m) => m[1]!) : null;
    helpCache.set(subcommand, listed && new Set(listed));
  }
  return helpCache.get(subcommand)!;
}

/** What is wrong with an invocation against the real CLI: an unknown subcommand or option. */
export function invocationProblems(inv: Invocation): string[] {
  const sub = inv.args[0];
  if (sub === undefined || sub.startsWith('-')) return [`no subcommand: ${inv.line}`];
  const options = cliOptions(sub);
  if (options === null) return [`tscm has no subcommand "${sub}": ${inv.line}`];
  return inv.args
    .filter((a) => a.startsWith('--'))
    .map((a) => a.split('=')[0]!)
    .filter((flag) => !options.has(flag))
    .map((flag) => `tscm ${sub} has no option ${flag}: ${inv.line}`);
}

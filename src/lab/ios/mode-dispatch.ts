// Which grammar and prompt belong to each CLI mode, how a line is parsed in a mode (sub-modes fall back to global
// configuration as IOS does), and the exact IOS replies to lines that do not parse.

import type { Handler, Mode } from './command-context.js';
import { buildGlobalConfigGrammar } from './config-commands.js';
import { buildPrivExecGrammar, buildUserExecGrammar } from './exec-commands.js';
import { parseCommand, tokenizeLine } from '../vty/grammar.js';
import type { GrammarNode, ParseResult } from '../vty/grammar.js';
import { buildAclGrammar, buildGroupGrammar } from './submode-commands.js';

const GRAMMARS = {
  user: buildUserExecGrammar(),
  priv: buildPrivExecGrammar(),
  config: buildGlobalConfigGrammar(),
  group4: buildGroupGrammar(false),
  group6: buildGroupGrammar(true),
  acl: buildAclGrammar(),
};

function grammarFor(mode: Mode): GrammarNode<Handler> {
  switch (mode.kind) {
    case 'user':
      return GRAMMARS.user;
    case 'priv':
      return GRAMMARS.priv;
    case 'config':
      return GRAMMARS.config;
    case 'group':
      return mode.v6 ? GRAMMARS.group6 : GRAMMARS.group4;
    case 'acl':
      return GRAMMARS.acl;
  }
}

function promptSuffix(mode: Mode): string {
  switch (mode.kind) {
    case 'user':
      return '>';
    case 'priv':
      return '#';
    case 'config':
      return '(config)#';
    case 'group':
      // The v6 sub-mode name is inferred; no transcript of it was found (README.md).
      return mode.v6 ? '(config-v6-network-group)#' : '(config-network-group)#';
    case 'acl':
      return mode.standard ? '(config-std-nacl)#' : '(config-ext-nacl)#';
  }
}

export const isExecMode = (mode: Mode): boolean => mode.kind === 'user' || mode.kind === 'priv';

/** Exec prompts show the whole hostname; configuration prompts cut it to 20 characters. */
export function promptFor(hostname: string, mode: Mode): string {
  return (isExecMode(mode) ? hostname : hostname.slice(0, 20)) + promptSuffix(mode);
}

/** Parses a line in a mode; `toConfig` says the line is a global command that leaves the sub-mode. */
export function parseInMode(mode: Mode, line: string): { result: ParseResult<Handler>; toConfig: boolean } {
  const result = parseCommand(grammarFor(mode), line);
  if ((mode.kind !== 'group' && mode.kind !== 'acl') || result.kind === 'ok') return { result, toConfig: false };
  // IOS tries the parent mode: a global command typed in a sub-mode leaves the sub-mode and runs there.
  const global = parseCommand(GRAMMARS.config, line);
  if (global.kind === 'ok') return { result: global, toConfig: true };
  const deeper =
    result.kind === 'invalid' && result.consumed === 0 && !(global.kind === 'invalid' && global.consumed === 0);
  return { result: deeper ? global : result, toConfig: false };
}

export function parseExec(line: string): ParseResult<Handler> {
  return parseCommand(GRAMMARS.priv, line);
}

export function caretLines(promptLength: number, offset: number): string[] {
  return [`${' '.repeat(promptLength + offset)}^`, "% Invalid input detected at '^' marker.", ''];
}

/** What IOS prints for a line that did not parse (`base`: where `line` starts in the typed line, for `do`). */
export function errorLines(
  result: ParseResult<Handler> & { kind: 'invalid' | 'incomplete' | 'ambiguous' },
  line: string,
  base: number,
  mode: Mode,
  promptLength: number,
): string[] {
  if (result.kind === 'incomplete') return ['% Incomplete command.', ''];
  if (result.kind === 'ambiguous') return [`% Ambiguous command:  "${line.trim()}"`, ''];
  const tokens = tokenizeLine(line);
  if (isExecMode(mode) && base === 0 && tokens.length === 1 && result.offset === tokens[0]?.start) {
    // A bare unknown word in exec is taken as a host name to telnet to [I: with `no ip domain-lookup`].
    return [
      `Translating "${tokens[0]?.text ?? ''}"`,
      '% Unknown command or computer name, or unable to find computer address',
    ];
  }
  return caretLines(promptLength, base + result.offset);
}

// The PIX/FWSM personality on the lab's vty toolkit: prompts per mode (`H>`, `H#`, `H(config)#`,
// `H(config-network)#`, FWSM multi-context `H/ctx#`), the grammar of each mode, a global command typed in the group
// sub-mode leaving it (as on the ASA), the error replies per variant, and the standby unit's warning.

import { parseCommand, tokenizeLine } from '../vty/grammar.js';
import type { GrammarNode, ParseResult, PipeKind } from '../vty/grammar.js';
import { filterOutput } from '../vty/output-filter.js';
import type { VtyConsole, VtyPersonality } from '../vty/session.js';
import type { PixCall, PixHandler, PixMode } from './command-context.js';
import { buildConfigGrammar, buildGroupGrammar, configureKeyword } from './config-commands.js';
import type { PixDevice } from './device.js';
import { execKeywords, warnIfStandby } from './exec-commands.js';
import { parseErrorLines } from './messages.js';
import type { PixVariant } from './types.js';

const PIPES: readonly PipeKind[] = ['begin', 'exclude', 'grep', 'include'];

interface Grammars {
  readonly user: GrammarNode<PixHandler>;
  readonly priv: GrammarNode<PixHandler>;
  readonly config: GrammarNode<PixHandler>;
  readonly group: GrammarNode<PixHandler>;
}

const cache = new Map<PixVariant, Grammars>();

function grammarsFor(variant: PixVariant): Grammars {
  let grammars = cache.get(variant);
  if (!grammars) {
    grammars = {
      user: { keywords: execKeywords(variant, false) },
      priv: { keywords: [...execKeywords(variant, true), configureKeyword] },
      config: buildConfigGrammar(variant),
      group: buildGroupGrammar(variant),
    };
    cache.set(variant, grammars);
  }
  return grammars;
}

/** Prompts end in a space [S: the PIX 501 transcript in ZipTie's test data, `pix-501# `]. */
const SUFFIX = { user: '> ', priv: '# ', config: '(config)# ', group: '(config-network)# ' } as const;

export function pixPersonality(device: PixDevice): (console: VtyConsole) => VtyPersonality {
  return (console) => {
    const grammars = grammarsFor(device.variant);
    let mode: PixMode = { kind: 'user' };
    console.terminal.length = device.config.pagerLines;
    const prompt = (): string => `${device.hostname}${device.context ? `/${device.context}` : ''}${SUFFIX[mode.kind]}`;

    const report = (result: ParseResult<PixHandler>, line: string): void => {
      if (result.kind === 'empty') return;
      if (result.kind !== 'ok') {
        const offset = result.kind === 'invalid' ? result.offset : 0;
        console.print(...parseErrorLines(device.variant, result.kind, prompt().length + offset, line));
        return;
      }
      const call: PixCall = {
        device,
        console,
        args: result.args,
        words: result.words,
        line,
        pipe: result.pipe,
        get mode(): PixMode {
          return mode;
        },
        set mode(next: PixMode) {
          mode = next;
        },
        invalidAtToken: (index) => {
          const column = prompt().length + (tokenizeLine(line)[index]?.start ?? line.length);
          console.print(...parseErrorLines(device.variant, 'invalid', column, line));
        },
        printPaged: (lines) => console.printPaged(filterOutput(lines, result.pipe)),
      };
      const configuring = mode.kind === 'config' || mode.kind === 'group';
      result.run(call);
      if (configuring && result.words[0] !== 'show') warnIfStandby(call);
    };

    return {
      greeting: () => ["Type help or '?' for a list of available commands."],
      prompt,
      execute(line) {
        if (mode.kind === 'group') {
          const inGroup = parseCommand(grammars.group, line, PIPES);
          if (inGroup.kind === 'ok' || inGroup.kind === 'empty') return report(inGroup, line);
          // A global command typed in the sub-mode leaves it and runs [I: as the ASA and IOS parsers do].
          const global = parseCommand(grammars.config, line, PIPES);
          if (global.kind === 'ok') mode = { kind: 'config' };
          return report(global.kind === 'ok' ? global : inGroup, line);
        }
        const grammar = mode.kind === 'user' ? grammars.user : mode.kind === 'priv' ? grammars.priv : grammars.config;
        report(parseCommand(grammar, line, PIPES), line);
      },
      interrupt(key) {
        if (mode.kind === 'config' || mode.kind === 'group') mode = { kind: 'priv' };
        void key;
      },
    };
  };
}

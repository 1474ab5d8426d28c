// The ASA personality of a vty session (spec §2, §6, §7): prompts (`H>`, `H#`, `H(config)#`,
// `H(config-network-object-group)#`, `H/pri/act#` in a pair), dispatch with sub-mode fall-through, `ERROR: %`
// replies with the caret line first, command authorization failures, the standby's refusal and console syslog lines.

import { parseCommand, tokenizeLine } from '../vty/grammar.js';
import type { ParseResult, PipeKind } from '../vty/grammar.js';
import { filterOutput } from '../vty/output-filter.js';
import type { VtyConsole, VtyPersonality } from '../vty/session.js';
import type { VtyPeer } from '../vty/ssh-server.js';
import type { AsaContext, AsaHandler, AsaMode } from './command-context.js';
import { buildConfigGrammar, buildGroupGrammar } from './config-commands.js';
import type { AsaUnit } from './device.js';
import { buildPrivGrammar, buildUserGrammar } from './exec-commands.js';
import { STANDBY_WARNING_LINES } from './messages.js';

/** The ASA pager; the marker is erased with a carriage return and spaces [I]. */
export const ASA_PAGER = { marker: '<--- More --->', erase: `\r${' '.repeat(14)}\r` };
export const ASA_PIPES: readonly PipeKind[] = ['begin', 'exclude', 'grep', 'include'];

const GRAMMARS = {
  user: buildUserGrammar(),
  priv: buildPrivGrammar(),
  config: buildConfigGrammar(),
  group: buildGroupGrammar(),
};

/** Words a standby still takes in configuration mode: they change nothing. */
const STANDBY_ALLOWED = new Set(['show', 'exit', 'end', 'terminal', 'write', 'copy']);

const SUFFIX: Record<AsaMode['kind'], string> = {
  user: '>',
  priv: '#',
  config: '(config)#',
  group: '(config-network-object-group)#',
};

export class AsaShell implements VtyPersonality {
  private mode: AsaMode = { kind: 'user' };
  private pagerLines = 24;
  private commands = 0;

  constructor(
    private readonly unit: AsaUnit,
    private readonly console: VtyConsole,
    private readonly peer: VtyPeer,
    // The REST API's CLI passthrough starts in configuration mode [I].
    start: AsaMode = { kind: 'user' },
  ) {
    this.mode = start;
    console.terminal.length = this.pagerLines + 1;
  }

  greeting(): readonly string[] {
    const banner = this.unit.device.config
      .textLines()
      .filter((l) => l.startsWith('banner motd'))
      .map((l) => l.slice('banner motd'.length).replace(/^ /, ''));
    return [...banner, "Type help or '?' for a list of available commands."];
  }

  prompt(): string {
    return this.unit.promptName() + SUFFIX[this.mode.kind];
  }

  execute(line: string): void {
    this.commands++;
    const limit = this.unit.faults.commandAuthorizationFailAfter;
    if (limit !== undefined && this.commands > limit) {
      this.console.print('Command authorization failed');
      return;
    }
    const inConfig = this.mode.kind === 'config' || this.mode.kind === 'group';
    const word = tokenizeLine(line)[0]?.text.toLowerCase() ?? '';
    if (inConfig && this.unit.standby && ![...STANDBY_ALLOWED].some((w) => w.startsWith(word))) {
      this.console.print(...STANDBY_WARNING_LINES);
      return;
    }
    let result = parseCommand(GRAMMARS[this.mode.kind], line, ASA_PIPES);
    if (this.mode.kind === 'group' && result.kind !== 'ok') {
      // As on IOS, a global command typed in the sub-mode leaves it and runs.
      const global = parseCommand(GRAMMARS.config, line, ASA_PIPES);
      if (global.kind === 'ok') {
        this.mode = { kind: 'config' };
        result = global;
      }
    }
    this.report(result, line);
    if (inConfig && this.unit.faults.asyncLines) {
      this.console.print(`%ASA-5-111008: User '${this.peer.username}' executed the '${line.trim()}' command.`);
    }
  }

  interrupt(key: 'ctrl-z' | 'ctrl-c', line: string): void {
    const inConfig = this.mode.kind === 'config' || this.mode.kind === 'group';
    if (key === 'ctrl-z' && inConfig && line.trim() !== '') this.execute(line);
    if (inConfig) this.mode = { kind: 'priv' };
  }

  private report(result: ParseResult<AsaHandler>, line: string): void {
    if (result.kind === 'empty') return;
    if (result.kind === 'ok') {
      result.run(this.context(result, line));
      return;
    }
    if (result.kind === 'incomplete') this.console.print('ERROR: % Incomplete command');
    else if (result.kind === 'ambiguous') this.console.print(`ERROR: % Ambiguous command:  "${line.trim()}"`);
    else this.caret(result.offset);
  }

  private caret(offset: number): void {
    this.console.print(
      `${' '.repeat(this.prompt().length + offset)}^`,
      "ERROR: % Invalid input detected at '^' marker.",
    );
  }

  private context(result: ParseResult<AsaHandler> & { kind: 'ok' }, line: string): AsaContext {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const shell = this;
    const console = this.console;
    const pipe = result.pipe;
    return {
      unit: this.unit,
      device: this.unit.device,
      args: result.args,
      words: result.words,
      line,
      pipe,
      username: this.peer.username,
      terminal: console.terminal,
      get pagerLines(): number {
        return shell.pagerLines;
      },
      set pagerLines(lines: number) {
        shell.pagerLines = lines;
        console.terminal.length = lines === 0 ? 0 : lines + 1;
      },
      get mode(): AsaMode {
        return shell.mode;
      },
      set mode(next: AsaMode) {
        shell.mode = next;
      },
      print: (...lines) => console.print(...lines),
      printPaged: (lines) => console.printPaged(filterOutput(lines, pipe)),
      invalidAtToken: (index) => this.caret(tokenizeLine(line)[index]?.start ?? line.length),
      ask: (question) => console.ask(question),
      closeSession: () => console.close(),
    };
  }
}

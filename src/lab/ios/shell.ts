// The IOS personality of a vty session: the mode machine and its prompts, command dispatch, IOS error replies,
// Ctrl-Z/Ctrl-C, and the %SYS-5-CONFIG_I log line. Line discipline, pager and faults are the toolkit's (../vty/).

import type { ParseResult, Pipe } from '../vty/grammar.js';
import { tokenizeLine } from '../vty/grammar.js';
import { filterOutput } from '../vty/output-filter.js';
import type { VtyConsole, VtyPersonality } from '../vty/session.js';
import type { VtyPeer } from '../vty/ssh-server.js';
import type { CommandContext, Handler, Mode } from './command-context.js';
import type { IosDevice } from './device.js';
import { caretLines, errorLines, isExecMode, parseExec, parseInMode, promptFor } from './mode-dispatch.js';
import { formatSyslogTime } from './show-commands.js';

/** The IOS pager: ` --More-- `, erased with 10 backspaces, 10 spaces, 10 backspaces. */
export const IOS_PAGER = {
  marker: ' --More-- ',
  erase: '\b'.repeat(10) + ' '.repeat(10) + '\b'.repeat(10),
};

export class IosShell implements VtyPersonality {
  private mode: Mode = { kind: 'user' };

  constructor(
    private readonly device: IosDevice,
    private readonly console: VtyConsole,
    private readonly peer: VtyPeer,
    private readonly logConfigEvents: boolean,
  ) {}

  greeting(): readonly string[] {
    return this.device.loginBanner();
  }

  prompt(): string {
    return promptFor(this.device.hostname, this.mode);
  }

  execute(line: string): void {
    if (this.device.refusesAuthorization() && line.trim() !== '') {
      this.console.print('Command authorization failed.');
      return;
    }
    const { result, toConfig } = parseInMode(this.mode, line);
    if (toConfig) this.mode = { kind: 'config' };
    this.report(result, line, 0);
  }

  /** Ctrl-Z runs the typed line in configuration mode, then both keys leave configuration mode. */
  interrupt(key: 'ctrl-z' | 'ctrl-c', line: string): void {
    const inConfig = !isExecMode(this.mode);
    if (key === 'ctrl-z' && inConfig && line.trim() !== '') this.execute(line);
    if (inConfig) this.leaveConfig();
  }

  private report(result: ParseResult<Handler>, line: string, base: number): void {
    if (result.kind === 'empty') return;
    if (result.kind === 'ok') result.run(this.context(result.args, result.words, line, result.pipe, base));
    else this.console.print(...errorLines(result, line, base, this.mode, this.prompt().length));
  }

  private context(
    args: Readonly<Record<string, string>>,
    words: readonly string[],
    line: string,
    pipe: Pipe | undefined,
    base: number,
  ): CommandContext {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const shell = this;
    const console = this.console;
    return {
      device: this.device,
      args,
      words,
      line,
      pipe,
      username: this.peer.username,
      remoteIp: this.peer.remoteIp,
      terminal: console.terminal,
      get mode(): Mode {
        return shell.mode;
      },
      set mode(next: Mode) {
        // `do` runs exec commands without leaving configuration mode.
        if (base === 0) shell.mode = next;
      },
      print: (...lines) => console.print(...lines),
      printPaged: (lines) => console.printPaged(filterOutput(lines, pipe)),
      invalidAtToken: (index) =>
        console.print(...caretLines(this.prompt().length, base + (tokenizeLine(line)[index]?.start ?? line.length))),
      ask: (question) => console.ask(question),
      leaveConfig: () => this.leaveConfig(),
      closeSession: () => console.close(),
      runExec: (command, offset) => this.report(parseExec(command), command, offset),
    };
  }

  private leaveConfig(): void {
    if (isExecMode(this.mode)) return;
    this.mode = { kind: 'priv' };
    if (!this.logConfigEvents) return;
    const { username, remoteIp } = this.peer;
    setTimeout(() => {
      const time = formatSyslogTime(new Date());
      this.console.notify(
        `\r\n${time}: %SYS-5-CONFIG_I: Configured from console by ${username} on vty0 (${remoteIp})\r\n`,
      );
    }, 20);
  }
}

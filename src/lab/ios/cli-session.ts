// One vty session: terminal line discipline (echo, backspace, Ctrl-Z/C/U, CR/LF/CRLF), the mode machine and its
// prompts, IOS error replies, interactive questions, the --More-- pager, and output backpressure.

import type { CommandContext, Handler, Mode, Question } from './command-context.js';
import type { IosDevice } from './device.js';
import { tokenizeLine } from './grammar.js';
import type { ParseResult, Pipe } from './grammar.js';
import { caretLines, errorLines, isExecMode, parseExec, parseInMode, promptFor } from './mode-dispatch.js';
import { filterOutput } from './output-filter.js';
import { formatSyslogTime } from './show-commands.js';

export interface SessionIo {
  /** Returns false when the channel's buffer is full; wait for onDrain before writing more. */
  write(text: string): boolean;
  onceDrain(callback: () => void): void;
  /** Stops/starts reading the client's input (and so the SSH window adjustments). */
  pause(): void;
  resume(): void;
  /** Ends the session as `exit` does (channel and connection). */
  end(): void;
  /** Closes the connection without a goodbye (fault injection). */
  drop(): void;
}

export interface SessionInfo {
  readonly username: string;
  readonly remoteIp: string;
  readonly logConfigEvents: boolean;
}

const MORE = ' --More-- ';
const ERASE_MORE = '\b'.repeat(MORE.length) + ' '.repeat(MORE.length) + '\b'.repeat(MORE.length);
const FLUSH_AT = 64 * 1024;

export class CliSession {
  private mode: Mode = { kind: 'user' };
  private readonly terminal = { length: 24, width: 80 };
  private state: 'line' | 'question' | 'more' | 'closed' = 'line';
  private lineBuffer = '';
  private question: Question | undefined;
  private pendingQuestion: Question | undefined;
  private more: { lines: readonly string[]; next: number } | undefined;
  private closing = false;
  private readonly input: string[] = [];
  private inputPos = 0;
  private out: string[] = [];
  private outSize = 0;
  private pumping = false;
  private lastWasCr = false;
  private commands = 0;

  constructor(
    private readonly device: IosDevice,
    private readonly io: SessionIo,
    private readonly info: SessionInfo,
  ) {}

  start(): void {
    this.emit('\r\n');
    for (const line of this.device.loginBanner()) this.emit(`${line}\r\n`);
    this.emit(this.prompt());
    this.flush();
  }

  receive(data: string): void {
    if (this.state === 'closed') return;
    this.input.push(data);
    void this.pump();
  }

  /** The connection went away: stop everything (timers check `closed`). */
  terminate(): void {
    this.state = 'closed';
  }

  prompt(): string {
    return promptFor(this.device.hostname, this.mode);
  }

  private emit(text: string): void {
    this.out.push(text);
    this.outSize += text.length;
  }

  private printLines(lines: readonly string[]): void {
    for (const line of lines) this.emit(`${line}\r\n`);
  }

  /** Writes buffered output; false when the channel asks us to wait for 'drain'. */
  private flush(): boolean {
    if (this.out.length === 0 || this.state === 'closed') return true;
    const text = this.out.join('');
    this.out = [];
    this.outSize = 0;
    return this.io.write(text);
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        while (this.state !== 'closed' && !this.closing && this.input.length > 0) {
          if (!this.consume()) continue;
          const delay = this.device.faults.replyDelayMs ?? 0;
          if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
          if ((delay > 0 || this.outSize >= FLUSH_AT) && !this.flush()) await this.waitDrain();
        }
        if (this.closing) {
          this.finishExit();
          return;
        }
        if (this.flush()) return;
        // Input that arrives while we wait is queued; the loop picks it up (receive() sees pumping = true).
        await this.waitDrain();
      }
    } finally {
      this.pumping = false;
    }
  }

  /**
   * Waits until the client has read our output, reading no input meanwhile: the paused channel stops adjusting
   * the SSH window, so a client pasting faster than it reads is held back as by a real vty.
   */
  private waitDrain(): Promise<void> {
    this.io.pause();
    return new Promise((resolve) =>
      this.io.onceDrain(() => {
        this.io.resume();
        resolve();
      }),
    );
  }

  private finishExit(): void {
    if (this.state === 'closed') return;
    this.flush();
    this.state = 'closed';
    this.io.end();
  }

  /** Consumes input until one reply was produced (true) or the buffered input ran out (false). */
  private consume(): boolean {
    const chunk = this.input[0] as string;
    while (this.inputPos < chunk.length) {
      if (this.state === 'closed') return false;
      if (this.state === 'line' || (this.state === 'question' && !this.question?.single)) {
        // Fast path: a run of printable characters goes to the line buffer (and the echo) in one piece.
        let end = this.inputPos;
        while (end < chunk.length && chunk.charCodeAt(end) >= 32 && chunk.charCodeAt(end) !== 127) end++;
        if (end > this.inputPos) {
          const text = chunk.slice(this.inputPos, end);
          this.lineBuffer += text;
          if (this.state === 'line' || this.question?.echo) this.emit(text);
          this.inputPos = end;
          this.lastWasCr = false;
          continue;
        }
      }
      const ch = chunk[this.inputPos] as string;
      this.inputPos++;
      const afterCr = this.lastWasCr;
      this.lastWasCr = ch === '\r';
      if (ch === '\n' && afterCr) continue; // CR LF is one Enter
      if (this.handleKey(ch)) return true;
    }
    this.input.shift();
    this.inputPos = 0;
    return false;
  }

  /** One control character or keypress; true when it produced a reply. */
  private handleKey(ch: string): boolean {
    if (this.state === 'more') {
      this.pageMore(ch);
      return true;
    }
    if (this.state === 'question' && this.question?.single) {
      const question = this.question;
      this.question = undefined;
      this.state = 'line';
      this.emit('\r\n');
      this.runAndPrompt(() => question.answer(ch));
      return true;
    }
    const enter = ch === '\r' || ch === '\n';
    if (enter) {
      this.emit('\r\n');
      const line = this.lineBuffer;
      this.lineBuffer = '';
      if (this.state === 'question') {
        const question = this.question as Question;
        this.question = undefined;
        this.state = 'line';
        this.runAndPrompt(() => question.answer(line));
      } else this.submitLine(line);
      return true;
    }
    if (ch === '\x7f' || ch === '\b') {
      if (this.lineBuffer.length > 0) {
        this.lineBuffer = this.lineBuffer.slice(0, -1);
        if (this.state === 'line' || this.question?.echo) this.emit('\b \b');
      }
      return false;
    }
    if (ch === '\x15') {
      if (this.state === 'line') this.emit('\b \b'.repeat(this.lineBuffer.length));
      this.lineBuffer = '';
      return false;
    }
    if ((ch === '\x1a' || ch === '\x03') && this.state === 'line') {
      const inConfig = !isExecMode(this.mode);
      const line = this.lineBuffer;
      this.lineBuffer = '';
      this.emit(ch === '\x1a' ? '^Z\r\n' : '^C\r\n');
      this.runAndPrompt(() => {
        if (ch === '\x1a' && inConfig && line.trim() !== '') this.execute(line);
        if (inConfig) this.leaveConfig();
      });
      return true;
    }
    return false; // other control characters (Tab, Esc, ...) are ignored
  }

  private submitLine(line: string): void {
    if (line.trim() === '') {
      this.emit(this.prompt());
      return;
    }
    this.device.commandLog.push(line);
    this.commands++;
    const drop = this.device.faults.dropAfterCommands;
    if (drop !== undefined && this.commands >= drop) {
      this.flush(); // the echo reaches the client; the reply never does
      this.execute(line);
      this.out = [];
      this.state = 'closed';
      this.io.drop();
      return;
    }
    if ((this.device.faults.replyDelayMs ?? 0) > 0) this.flush();
    this.runAndPrompt(() => this.execute(line));
  }

  /** Runs a command or answer, then shows what comes next: a question, the pager, or the prompt. */
  private runAndPrompt(action: () => void): void {
    action();
    if (this.closing || this.state === 'closed') return;
    if (this.pendingQuestion) {
      this.question = this.pendingQuestion;
      this.pendingQuestion = undefined;
      this.state = 'question';
      this.emit(this.question.prompt);
    } else if (this.state !== 'more') this.emit(this.prompt());
  }

  private execute(line: string): void {
    const { result, toConfig } = parseInMode(this.mode, line);
    if (toConfig) this.mode = { kind: 'config' };
    this.report(result, line, 0);
  }

  private report(result: ParseResult<Handler>, line: string, base: number): void {
    if (result.kind === 'empty') return;
    if (result.kind === 'ok') result.run(this.context(result.args, result.words, line, result.pipe, base));
    else this.printLines(errorLines(result, line, base, this.mode, this.prompt().length));
  }

  private context(
    args: Readonly<Record<string, string>>,
    words: readonly string[],
    line: string,
    pipe: Pipe | undefined,
    base: number,
  ): CommandContext {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const session = this;
    return {
      device: this.device,
      args,
      words,
      line,
      pipe,
      username: this.info.username,
      remoteIp: this.info.remoteIp,
      terminal: this.terminal,
      get mode(): Mode {
        return session.mode;
      },
      set mode(next: Mode) {
        // `do` runs exec commands without leaving configuration mode.
        if (base === 0) session.mode = next;
      },
      print: (...lines) => this.printLines(lines),
      printPaged: (lines) => this.printPaged(filterOutput(lines, pipe)),
      invalidAtToken: (index) =>
        this.printLines(caretLines(this.prompt().length, base + (tokenizeLine(line)[index]?.start ?? line.length))),
      ask: (question) => {
        this.pendingQuestion = question;
      },
      leaveConfig: () => this.leaveConfig(),
      closeSession: () => {
        this.closing = true;
      },
      runExec: (command, offset) => this.report(parseExec(command), command, offset),
    };
  }

  private printPaged(lines: readonly string[]): void {
    const length = this.terminal.length;
    if (length === 0 || lines.length < length) {
      this.printLines(lines);
      return;
    }
    const page = Math.max(1, length - 1);
    this.printLines(lines.slice(0, page));
    this.emit(MORE);
    this.more = { lines, next: page };
    this.state = 'more';
  }

  /** Space: next page; Enter: next line; any other key: stop. The prompt is erased with backspaces. */
  private pageMore(key: string): void {
    const more = this.more;
    this.emit(ERASE_MORE);
    if (!more) return;
    const count = key === ' ' ? Math.max(1, this.terminal.length - 1) : key === '\r' || key === '\n' ? 1 : 0;
    const end = Math.min(more.lines.length, more.next + count);
    this.printLines(more.lines.slice(more.next, end));
    more.next = end;
    if (count > 0 && end < more.lines.length) {
      this.emit(MORE);
      return;
    }
    this.more = undefined;
    this.state = 'line';
    this.emit(this.prompt());
  }

  private leaveConfig(): void {
    if (isExecMode(this.mode)) return;
    this.mode = { kind: 'priv' };
    if (!this.info.logConfigEvents) return;
    const { username, remoteIp } = this.info;
    setTimeout(() => {
      if (this.state === 'closed') return;
      const time = formatSyslogTime(new Date());
      this.emit(`\r\n${time}: %SYS-5-CONFIG_I: Configured from console by ${username} on vty0 (${remoteIp})\r\n`);
      if (!this.pumping) this.flush();
    }, 20);
  }
}

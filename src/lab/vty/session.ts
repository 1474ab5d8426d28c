// One vty session, platform-neutral: terminal line discipline (echo, backspace, Ctrl-U/Z/C, CR/LF/CRLF), type-ahead,
// interactive questions, the pager, output backpressure and the generic faults (drop after N commands, reply delay).
// A personality (IOS, ASA, PIX) supplies prompts, command dispatch and messages; any byte stream can drive it.

export interface VtyIo {
  /** Returns false when the transport's buffer is full; wait for onceDrain before writing more. */
  write(text: string): boolean;
  onceDrain(callback: () => void): void;
  /** Stops/starts reading the client's input (and so, over SSH, the window adjustments). */
  pause(): void;
  resume(): void;
  /** Ends the session as `exit` does, once the output in flight is sent. */
  end(): void;
  /** Closes the connection without a goodbye (fault injection). */
  drop(): void;
}

export interface VtyQuestion {
  readonly prompt: string;
  /** Echo typed characters (false for passwords). */
  readonly echo: boolean;
  /** Echo this character for each one typed instead (the ASA echoes its enable password as `*`). */
  readonly mask?: string;
  /** Answered by one keypress (`[confirm]`), not a line. */
  readonly single: boolean;
  readonly answer: (text: string) => void;
}

/** The generic faults every platform has; read on each use so that `setFaults` reaches live sessions. */
export interface VtyFaults {
  readonly dropAfterCommands?: number;
  readonly replyDelayMs?: number;
}

export interface VtyPager {
  /** ` --More-- ` (IOS), `<--- More --->` (ASA, PIX). */
  readonly marker: string;
  /** What erases the marker once a key is pressed. */
  readonly erase: string;
}

/** What a personality may do with its session. */
export interface VtyConsole {
  readonly terminal: { length: number; width: number };
  print(...lines: string[]): void;
  /** Show output, paged with the marker unless the terminal length is 0. */
  printPaged(lines: readonly string[]): void;
  /** Asks a question once the current command is done; its answer runs as a command would. */
  ask(question: VtyQuestion): void;
  /** Ends the session (exit/logout) once the output in flight is sent. */
  close(): void;
  /** Unsolicited output (console log lines): written now, between commands, without a new prompt. */
  notify(text: string): void;
}

export interface VtyPersonality {
  /** Lines printed before the first prompt (banners, `Type help ...`). */
  greeting(): readonly string[];
  prompt(): string;
  /** Runs one non-empty line typed at the prompt. */
  execute(line: string): void;
  /** Ctrl-Z or Ctrl-C at the prompt, with what was typed so far. */
  interrupt(key: 'ctrl-z' | 'ctrl-c', line: string): void;
}

export interface VtyOptions {
  readonly pager: VtyPager;
  faults(): VtyFaults;
  /** Every non-empty line typed at a prompt (not answers to questions). */
  onCommand(line: string): void;
  /**
   * Echoes longer than the terminal width scroll horizontally with `$` markers, and Enter redraws the line from its
   * start cut with a trailing `$` (ASA at width 80). Off: echoes are never wrapped (IOS here).
   */
  readonly horizontalScroll?: boolean;
}

const FLUSH_AT = 64 * 1024;
const SCROLL_STEP = 10;

export class VtySession {
  private readonly terminal = { length: 24, width: 80 };
  private readonly personality: VtyPersonality;
  private state: 'line' | 'question' | 'more' | 'closed' = 'line';
  private lineBuffer = '';
  private linePrompt = '';
  /** Characters of prompt + line scrolled off to the left (horizontal scroll); 0: the line is shown whole. */
  private scrolled = 0;
  private question: VtyQuestion | undefined;
  private pendingQuestion: VtyQuestion | undefined;
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
    private readonly io: VtyIo,
    private readonly options: VtyOptions,
    personality: (console: VtyConsole) => VtyPersonality,
  ) {
    this.personality = personality(this.console());
  }

  start(): void {
    this.emit('\r\n');
    this.printLines(this.personality.greeting());
    this.showPrompt();
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

  private console(): VtyConsole {
    return {
      terminal: this.terminal,
      print: (...lines) => this.printLines(lines),
      printPaged: (lines) => this.printPaged(lines),
      ask: (question) => {
        this.pendingQuestion = question;
      },
      close: () => {
        this.closing = true;
      },
      notify: (text) => {
        if (this.state === 'closed') return;
        this.emit(text);
        if (!this.pumping) this.flush();
      },
    };
  }

  private emit(text: string): void {
    this.out.push(text);
    this.outSize += text.length;
  }

  private printLines(lines: readonly string[]): void {
    for (const line of lines) this.emit(`${line}\r\n`);
  }

  private showPrompt(): void {
    this.linePrompt = this.personality.prompt();
    this.scrolled = 0;
    this.emit(this.linePrompt);
  }

  /** Writes buffered output; false when the transport asks us to wait for 'drain'. */
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
          const delay = this.options.faults().replyDelayMs ?? 0;
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
   * Waits until the client has read our output, reading no input meanwhile: the paused transport stops adjusting
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
          this.typed(chunk.slice(this.inputPos, end));
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

  private typed(text: string): void {
    this.lineBuffer += text;
    if (this.state === 'question') {
      const question = this.question as VtyQuestion;
      if (question.mask !== undefined) this.emit(question.mask.repeat(text.length));
      else if (question.echo) this.emit(text);
      return;
    }
    const width = this.terminal.width;
    const full = this.linePrompt.length + this.lineBuffer.length;
    if (!this.options.horizontalScroll || (this.scrolled === 0 && full < width)) {
      this.emit(text);
      return;
    }
    // Shift the line left in steps until the cursor fits again, and redraw it behind a `$` [I: the step].
    let scrolled = this.scrolled;
    while (full - scrolled + 1 >= width) scrolled += SCROLL_STEP;
    if (scrolled === this.scrolled) {
      this.emit(text);
      return;
    }
    this.scrolled = scrolled;
    const visible = '$' + (this.linePrompt + this.lineBuffer).slice(scrolled + 1);
    const pad = Math.max(0, width - 1 - visible.length);
    this.emit(`\r${visible}${' '.repeat(pad)}${'\b'.repeat(pad)}`);
  }

  /** Enter on a scrolled line: redraw it from its start, cut at the width with a trailing `$` (§6 row 1). */
  private redrawForEnter(): void {
    if (this.scrolled === 0) return;
    const whole = this.linePrompt + this.lineBuffer;
    this.emit(`\r${whole.slice(0, this.terminal.width - 2)}$`);
    this.scrolled = 0;
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
      if (this.state === 'line') this.redrawForEnter();
      this.emit('\r\n');
      const line = this.lineBuffer;
      this.lineBuffer = '';
      if (this.state === 'question') {
        const question = this.question as VtyQuestion;
        this.question = undefined;
        this.state = 'line';
        this.runAndPrompt(() => question.answer(line));
      } else this.submitLine(line);
      return true;
    }
    if (ch === '\x7f' || ch === '\b') {
      if (this.lineBuffer.length > 0) {
        this.lineBuffer = this.lineBuffer.slice(0, -1);
        if (this.state === 'line' || this.question?.echo || this.question?.mask !== undefined) this.emit('\b \b');
      }
      return false;
    }
    if (ch === '\x15') {
      if (this.state === 'line') this.emit('\b \b'.repeat(this.lineBuffer.length));
      this.lineBuffer = '';
      return false;
    }
    if ((ch === '\x1a' || ch === '\x03') && this.state === 'line') {
      const line = this.lineBuffer;
      this.lineBuffer = '';
      this.emit(ch === '\x1a' ? '^Z\r\n' : '^C\r\n');
      this.runAndPrompt(() => this.personality.interrupt(ch === '\x1a' ? 'ctrl-z' : 'ctrl-c', line));
      return true;
    }
    return false; // other control characters (Tab, Esc, ...) are ignored
  }

  private submitLine(line: string): void {
    if (line.trim() === '') {
      this.showPrompt();
      return;
    }
    this.options.onCommand(line);
    this.commands++;
    const faults = this.options.faults();
    const drop = faults.dropAfterCommands;
    if (drop !== undefined && this.commands >= drop) {
      this.flush(); // the echo reaches the client; the reply never does
      this.personality.execute(line);
      this.out = [];
      this.state = 'closed';
      this.io.drop();
      return;
    }
    if ((faults.replyDelayMs ?? 0) > 0) this.flush();
    this.runAndPrompt(() => this.personality.execute(line));
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
    } else if (this.state !== 'more') this.showPrompt();
  }

  private printPaged(lines: readonly string[]): void {
    const length = this.terminal.length;
    if (length === 0 || lines.length < length) {
      this.printLines(lines);
      return;
    }
    const page = Math.max(1, length - 1);
    this.printLines(lines.slice(0, page));
    this.emit(this.options.pager.marker);
    this.more = { lines, next: page };
    this.state = 'more';
  }

  /** Space: next page; Enter: next line; any other key: stop. */
  private pageMore(key: string): void {
    const more = this.more;
    this.emit(this.options.pager.erase);
    if (!more) return;
    const count = key === ' ' ? Math.max(1, this.terminal.length - 1) : key === '\r' || key === '\n' ? 1 : 0;
    const end = Math.min(more.lines.length, more.next + count);
    this.printLines(more.lines.slice(more.next, end));
    more.next = end;
    if (count > 0 && end < more.lines.length) {
      this.emit(this.options.pager.marker);
      return;
    }
    this.more = undefined;
    this.state = 'line';
    this.showPrompt();
  }
}

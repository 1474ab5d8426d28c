// Splits a CLI output stream into per-command segments by counting prompts (spec §6 row 1: count prompts, not
// echoes). Pure and incremental: the session feeds it cleaned text as it arrives, so a 100k-line batch is
// scanned once. Segment i runs from the i-th prompt to the next one: the echo of command i (the rest of the
// prompt line), then its output lines.

import { isAsyncLogLine } from './cli-text.js';

export interface CommandSegment {
  /** What the device echoed for the command (the rest of the prompt line). */
  readonly echo: string;
  /** Output lines, with console log lines dropped. */
  readonly lines: readonly string[];
  /** The prompt that ended the segment (shows the mode the command left the device in). */
  readonly prompt: string;
}

/**
 * Where a long output goes instead of the segment: each line (log lines dropped) is handed to `onLine` as it
 * arrives, and the segment keeps only its first `keep` lines (device errors come first), so a 1M-line
 * `show running-config` is never held whole.
 */
export interface LineSink {
  readonly onLine: (line: string) => void;
  readonly keep: number;
}

export class PromptSplitter {
  private partial = '';
  private sink: LineSink | undefined;
  /** Output lines of the current segment so far (kept or streamed). */
  private lineCount = 0;
  /** Length of the prompt at the start of `partial` once it has been counted (-1: not counted). */
  private promptLen = -1;
  private echo = '';
  private lines: string[] = [];
  private readonly done: CommandSegment[] = [];

  constructor(private readonly promptRe: RegExp) {}

  /** Start from a prompt already shown (after login or a resync): the next text is the next command's echo. */
  resetAtPrompt(prompt: string): void {
    this.partial = prompt;
    this.promptLen = prompt.length;
    this.echo = '';
    this.lines = [];
    this.lineCount = 0;
    this.done.length = 0;
  }

  /** Stream the output lines of the segments that follow to a sink (undefined: collect them again). */
  setSink(sink: LineSink | undefined): void {
    this.sink = sink;
  }

  push(text: string): void {
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      this.partial += text.slice(start, nl);
      this.closeLine();
      start = nl + 1;
    }
    this.partial += text.slice(start);
    this.checkPartialPrompt();
  }

  /** Completed segments since the last take, oldest first. */
  take(max = Infinity): CommandSegment[] {
    return this.done.splice(0, Math.min(max, this.done.length));
  }

  get completedCount(): number {
    return this.done.length;
  }

  /** The unfinished last line (a prompt, a `Password:` question, a pager marker...). */
  get partialLine(): string {
    return this.partial;
  }

  /** Text of the segment being received (echo and lines so far), for questions and error messages. */
  get pendingText(): string {
    const pendingPartial = this.promptLen >= 0 ? '' : this.partial;
    return [this.echo, ...this.lines, pendingPartial].join('\n');
  }

  /** Remove a pager marker or an answered question from the unfinished line. */
  replacePartial(re: RegExp, by = ''): void {
    if (this.promptLen < 0) this.partial = this.partial.replace(re, by);
  }

  private checkPartialPrompt(): void {
    if (this.promptLen >= 0) return;
    const m = this.promptRe.exec(this.partial);
    if (m === null) return;
    // A prompt starts this line: the segment before it is complete.
    this.finishSegment(m[0].trimEnd());
    this.promptLen = m[0].length;
  }

  private closeLine(): void {
    this.checkPartialPrompt();
    const line = this.partial;
    if (this.promptLen >= 0) {
      this.echo = line.slice(this.promptLen);
    } else if (!isAsyncLogLine(line)) {
      this.addLine(line);
    }
    this.partial = '';
    this.promptLen = -1;
  }

  private addLine(line: string): void {
    const sink = this.sink;
    if (sink === undefined) {
      this.lines.push(line);
    } else if (this.lineCount++ === 0 && this.echo.trim() === '') {
      // The echo pushed to a line of its own (see finishSegment): it is the echo, not output.
      this.echo = line;
    } else {
      if (this.lines.length < sink.keep) this.lines.push(line);
      sink.onLine(line);
    }
  }

  private finishSegment(prompt: string): void {
    let echo = this.echo;
    let lines = this.lines;
    // A log line can push the echo to a line of its own (spec §6 row 11): take the first line as the echo then.
    // (With a sink, addLine did this already.)
    if (this.sink === undefined && echo.trim() === '' && lines.length > 0) {
      echo = lines[0] ?? '';
      lines = lines.slice(1);
    }
    this.done.push({ echo, lines, prompt });
    this.echo = '';
    this.lines = [];
    this.lineCount = 0;
  }
}

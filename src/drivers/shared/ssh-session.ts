// One interactive CLI session over SSH, shared by every Cisco CLI driver (IOS now, ASA/PIX later) by composition.
// It learns the prompt, answers questions (enable password, [confirm]), turns the pager page, strips console log
// lines, and sends batches in a sliding window while counting prompts to attribute output to commands.
// Platform words (error rules, pager commands) come from the driver.

import { StringDecoder } from 'node:string_decoder';
import { ConfigError, TransientError } from '../../errors.js';
import {
  buildPromptRegex,
  cleanTerminalText,
  echoMatches,
  findDeviceError,
  findDeviceNotices,
  GENERIC_PROMPT,
  MORE_PROMPT,
  readMode,
  readPromptHost,
} from './cli-text.js';
import type { CliMode, DeviceErrorRule } from './cli-text.js';
import { PromptSplitter } from './prompt-splitter.js';
import type { CommandSegment } from './prompt-splitter.js';
import type { CliTransport } from './cli-transport.js';
import { openSshShell, sshTransport } from './ssh-connect.js';
import type { SshConnectOptions } from './ssh-connect.js';

/**
 * Lines in flight before waiting for prompts, tuned with bench/ssh-apply.mjs (20k adds, medians of 3): on loopback
 * 100-500 are within 15% of each other, at 2 ms RTT 500 beat 200 by 1.6x, and 1000+ got slower in both. Not
 * larger on purpose: lines in flight behind a failing one still run on the device (the apply layer re-reads), and
 * real devices handle pasted bursts badly (spec §6 row 20); SSH flow control bounds what is buffered.
 */
export const DEFAULT_BATCH_WINDOW = 500;

/** What a session needs besides its transport. */
export interface CliSessionSettings {
  readonly deviceLabel: string;
  readonly commandTimeoutMs: number;
  readonly log: SshConnectOptions['log'];
}

export interface CliSessionOptions extends SshConnectOptions, CliSessionSettings {}

/** A question the device may ask while a command runs, and how to answer it. */
export interface CliAnswer {
  readonly re: RegExp;
  /** The reply (without newline); called each time the question shows. Never logged. */
  readonly reply: (times: number) => string;
}

/** A batch's lines, read once each in order: an array, or a list rendering each line when asked (1M changes). */
export interface CommandLines {
  readonly length: number;
  at(index: number): string | undefined;
}

/** How IOS and most Cisco CLIs refuse an enable secret; a platform passes its own words to enable(). */
const ENABLE_REFUSED = /% ?(?:Bad secrets?|Access denied)|authentication failed|Invalid password/i;

/** Output lines kept in a streamed segment (for the error check; device errors come first). */
const STREAMED_LINES_KEPT = 32;

export interface BatchFailure {
  /** Index in the batch of the command that failed. */
  readonly index: number;
  readonly command: string;
  readonly deviceReply: string;
  readonly kind: 'device-error' | 'lock' | 'desync' | 'closed' | 'timeout' | 'interrupted';
}

export interface BatchOptions {
  readonly rules: readonly DeviceErrorRule[];
  readonly window?: number;
  readonly onConfirmed?: (confirmed: number) => void;
  /**
   * The prompt every command must leave the device at (the sub-mode the batch runs in). Another prompt means a
   * line left the mode (a fall-through to the global level): the batch stops, as for an error.
   */
  readonly expectPrompt?: string;
  /** Aborted: no more lines are sent; the lines in flight are drained and the batch ends as `interrupted`. */
  readonly signal?: AbortSignal;
}

/** A command the device answered with a `notice` rule's words: not an error, a fact the driver verifies. */
export interface BatchNotice {
  readonly index: number;
  readonly command: string;
  readonly text: string;
}

/** Notices kept per batch: enough to name them in a report, bounded when every line of 100k draws one. */
export const BATCH_NOTICES_KEPT = 100;

export interface BatchResult {
  /** Commands the device confirmed (echo seen, prompt back, no error), from the start of the batch. */
  readonly confirmed: number;
  readonly failure?: BatchFailure;
  /** The first BATCH_NOTICES_KEPT notices, and how many there were in all. */
  readonly notices: readonly BatchNotice[];
  readonly noticeCount: number;
}

interface Waiter {
  check: () => boolean;
  resolve: () => void;
  reject: (err: Error) => void;
  timeoutMs: number;
  timer: NodeJS.Timeout | undefined;
  what: string;
}

export class CliSession {
  private readonly decoder = new StringDecoder('utf8');
  private raw = '';
  private splitter: PromptSplitter | undefined;
  private waiter: Waiter | undefined;
  private closedError: TransientError | undefined;
  private promptText = '';
  private answers: readonly CliAnswer[] = [];
  private answered = new Map<CliAnswer, number>();

  private constructor(
    private readonly transport: CliTransport,
    private readonly o: CliSessionSettings,
  ) {
    transport.onData((d) => this.onData(d));
    transport.onClose((why) => this.onClosed(why));
  }

  /** Connect over SSH, authenticate, open a PTY shell and learn the prompt. */
  static async open(o: CliSessionOptions): Promise<CliSession> {
    return CliSession.over(sshTransport(await openSshShell(o)), o);
  }

  /** A session over a transport already logged in (telnet after its Username/Password exchange): learns the prompt. */
  static async over(transport: CliTransport, o: CliSessionSettings): Promise<CliSession> {
    const session = new CliSession(transport, o);
    try {
      await session.learnPrompt();
    } catch (err) {
      session.destroy();
      throw err;
    }
    return session;
  }

  get prompt(): string {
    return this.promptText;
  }

  get mode(): CliMode {
    return readMode(this.promptText);
  }

  get isClosed(): boolean {
    return this.closedError !== undefined;
  }

  /** Send one command and return its output segment (echo, lines, the prompt it ended at). */
  async send(
    command: string,
    opts: { answers?: readonly CliAnswer[]; timeoutMs?: number; onLine?: (line: string) => void } = {},
  ): Promise<CommandSegment> {
    const splitter = this.requireSplitter();
    splitter.take(); // drop anything stray (a late log line) so the segment is ours
    this.answers = opts.answers ?? [];
    this.answered = new Map();
    // With onLine, each output line goes to the caller as it arrives; the segment keeps only the first few.
    if (opts.onLine !== undefined) splitter.setSink({ onLine: opts.onLine, keep: STREAMED_LINES_KEPT });
    this.o.log.debug('cli send', { device: this.o.deviceLabel, command });
    try {
      this.write(command + '\n');
      await this.waitFor(() => splitter.completedCount > 0, opts.timeoutMs ?? this.o.commandTimeoutMs, command);
    } finally {
      this.answers = [];
      splitter.setSink(undefined);
    }
    const seg = splitter.take(1)[0];
    if (seg === undefined) throw new TransientError(`device ${this.o.deviceLabel}: no output for ${command}`);
    this.promptText = seg.prompt;
    return seg;
  }

  /**
   * Send many commands without waiting for each prompt: up to `window` lines in flight, topped up as prompts
   * return. Output is split by prompts; segment i belongs to command i. Stops sending at the first error (the
   * lines already in flight are drained, and reported as not confirmed).
   */
  async sendBatch(lines: CommandLines, opts: BatchOptions): Promise<BatchResult> {
    const splitter = this.requireSplitter();
    splitter.take();
    const window = Math.max(1, opts.window ?? DEFAULT_BATCH_WINDOW);
    let sent = 0;
    let seen = 0;
    let confirmed = 0;
    let failure: BatchFailure | undefined;
    const notices: BatchNotice[] = [];
    let noticeCount = 0;
    // The lines in flight, rendered once each: inFlight[k] is line seen + k.
    let inFlight: string[] = [];
    const topUp = (): void => {
      if (failure !== undefined || sent >= lines.length || opts.signal?.aborted === true) return;
      // Refill when half the window has come back: fewer, larger writes, and the device never starves.
      if (sent - seen > window / 2) return;
      const end = Math.min(lines.length, seen + window);
      if (end <= sent) return;
      const fresh: string[] = [];
      for (let i = sent; i < end; i++) fresh.push(lines.at(i) ?? '');
      this.write(fresh.join('\n') + '\n');
      inFlight = inFlight.concat(fresh);
      sent = end;
    };
    this.o.log.debug('cli batch start', { device: this.o.deviceLabel, lines: lines.length, window });
    topUp();
    while (seen < sent) {
      try {
        await this.waitFor(() => splitter.completedCount > 0, this.o.commandTimeoutMs, inFlight[0] ?? '');
      } catch (err) {
        const kind = this.closedError !== undefined ? 'closed' : 'timeout';
        failure ??= { index: seen, command: inFlight[0] ?? '', deviceReply: (err as Error).message, kind };
        break;
      }
      const segs = splitter.take();
      const taken = inFlight.slice(0, segs.length);
      inFlight = inFlight.slice(segs.length);
      for (const [k, seg] of segs.entries()) {
        const i = seen++;
        const command = taken[k] ?? '';
        this.promptText = seg.prompt;
        if (failure !== undefined) continue; // draining lines sent before the failure was seen
        const hit = findDeviceError(seg.lines, opts.rules);
        if (hit !== undefined) {
          failure = { index: i, command, deviceReply: hit.text, kind: hit.kind === 'lock' ? 'lock' : 'device-error' };
        } else if (!echoMatches(seg.echo, command)) {
          failure = { index: i, command, deviceReply: `device echoed "${seg.echo.trim()}"`, kind: 'desync' };
        } else if (opts.expectPrompt !== undefined && seg.prompt.trim() !== opts.expectPrompt.trim()) {
          const deviceReply = `the device left the expected mode: prompt "${seg.prompt.trim()}"`;
          failure = { index: i, command, deviceReply, kind: 'desync' };
        } else {
          confirmed++;
          for (const text of findDeviceNotices(seg.lines, opts.rules)) {
            if (noticeCount++ < BATCH_NOTICES_KEPT) notices.push({ index: i, command, text });
          }
        }
      }
      if (failure === undefined) opts.onConfirmed?.(confirmed);
      topUp();
    }
    if (failure === undefined && seen < lines.length) {
      // Stopped by the signal: everything sent was confirmed; the rest never left tscm.
      failure = { index: seen, command: lines.at(seen) ?? '', deviceReply: 'interrupted', kind: 'interrupted' };
    }
    this.o.log.debug('cli batch end', { device: this.o.deviceLabel, confirmed, failed: failure?.kind });
    return failure === undefined ? { confirmed, notices, noticeCount } : { confirmed, failure, notices, noticeCount };
  }

  /**
   * Enter privileged mode. The password goes only to the password question; a second question, the platform's
   * refusal words (IOS `% Bad secrets`, ASA `Invalid password`) or a prompt still at `>` mean it was refused.
   */
  async enable(password: string | undefined, passwordPrompt: RegExp, refused = ENABLE_REFUSED): Promise<void> {
    if (this.mode !== 'exec') return;
    const seg = await this.send('enable', {
      answers: [{ re: passwordPrompt, reply: (times) => (times === 1 && password !== undefined ? password : '') }],
    });
    const said = seg.lines.find((l) => refused.test(l));
    if (said !== undefined || readMode(seg.prompt) === 'exec') {
      // The device's words (`% Bad secrets`, `% No password set`) never contain the secret.
      const words = (said ?? seg.lines.find((l) => l.trim().startsWith('%')))?.trim();
      throw new ConfigError(
        `device ${this.o.deviceLabel}: enable password rejected${words ? ` (${words})` : ''}`,
        password === undefined
          ? 'the device asks for an enable password: set credentials.enablePassword'
          : 'check the credentials.enablePassword reference (and advanced.passwordPrompt if the device words it differently)',
      );
    }
  }

  async close(): Promise<void> {
    if (this.closedError === undefined) this.transport.end('exit\n');
    this.destroy();
  }

  private destroy(): void {
    this.onClosed('closed by tscm');
    this.transport.destroy();
  }

  private requireSplitter(): PromptSplitter {
    if (this.closedError !== undefined) throw this.closedError;
    if (this.splitter === undefined) throw new TransientError(`device ${this.o.deviceLabel}: prompt not learned`);
    return this.splitter;
  }

  private write(text: string): void {
    if (this.closedError !== undefined) throw this.closedError;
    this.transport.write(text);
  }

  /**
   * After login: wait for a prompt-looking last line, then send newlines until two in a row bring back the same
   * prompt. Banners can end in prompt-like text and arrive late (spec §6 row 10).
   */
  private async learnPrompt(): Promise<void> {
    const lastLine = (): string => this.raw.slice(this.raw.lastIndexOf('\n') + 1);
    const promptShown = (): boolean => new RegExp('^' + GENERIC_PROMPT.source).test(lastLine().trim());
    await this.waitFor(promptShown, this.o.commandTimeoutMs, 'login prompt');
    let prompt = '';
    for (let tries = 0; tries < 4; tries++) {
      this.raw = '';
      this.write('\n');
      await this.waitFor(() => this.raw.includes('\n') && promptShown(), this.o.commandTimeoutMs, 'prompt');
      const seen = lastLine().trim();
      if (seen === prompt) break;
      prompt = seen;
    }
    const host = readPromptHost(prompt);
    this.splitter = new PromptSplitter(buildPromptRegex(host));
    this.splitter.resetAtPrompt(lastLine());
    this.promptText = prompt;
    this.raw = '';
    this.o.log.debug('cli prompt learned', { device: this.o.deviceLabel, prompt });
  }

  private onData(d: Buffer): void {
    const text = cleanTerminalText(this.decoder.write(d));
    if (text === '') return;
    if (this.splitter === undefined) {
      this.raw += text;
      if (MORE_PROMPT.test(this.raw)) {
        this.raw = this.raw.replace(MORE_PROMPT, '');
        this.transport.write(' ');
      }
    } else {
      this.splitter.push(text);
      const partial = this.splitter.partialLine;
      if (MORE_PROMPT.test(partial)) {
        this.splitter.replacePartial(MORE_PROMPT);
        this.transport.write(' ');
      } else {
        this.answerQuestion(partial);
      }
    }
    const w = this.waiter;
    if (w === undefined) return;
    if (w.timer !== undefined) w.timer.refresh(); // the timeout counts silence, so long output never trips it
    if (w.check()) this.settle(w, undefined);
  }

  private answerQuestion(partial: string): void {
    for (const a of this.answers) {
      if (!a.re.test(partial)) continue;
      const times = (this.answered.get(a) ?? 0) + 1;
      this.answered.set(a, times);
      this.splitter?.replacePartial(a.re, '');
      this.transport.write(a.reply(times) + '\n');
      return;
    }
  }

  private waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (this.closedError !== undefined) return Promise.reject(this.closedError);
    if (check()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = { check, resolve, reject, timeoutMs, timer: undefined, what };
      w.timer = setTimeout(() => {
        const err = new TransientError(
          `device ${this.o.deviceLabel}: no prompt within ${timeoutMs} ms after "${what}"`,
          'the device is slow or the prompt was not recognised; raise advanced.commandTimeoutMs',
        );
        this.settle(w, err);
      }, timeoutMs);
      this.waiter = w;
    });
  }

  private settle(w: Waiter, err: Error | undefined): void {
    if (this.waiter === w) this.waiter = undefined;
    if (w.timer !== undefined) clearTimeout(w.timer);
    if (err === undefined) w.resolve();
    else w.reject(err);
  }

  private onClosed(why: string): void {
    if (this.closedError !== undefined) return;
    this.closedError = new TransientError(`device ${this.o.deviceLabel}: session lost: ${why}`);
    const w = this.waiter;
    if (w !== undefined) this.settle(w, this.closedError);
  }
}

// Text rules shared by the Cisco CLI drivers: terminal clean-up, prompts, async log lines and device errors.
// Pure functions, so the SSH session stays a thin shell around them.

/** Ansible cisco.ios terminal prompt (spec §1): a hostname, up to three `(mode)` groups, then `>` or `#`. */
export const GENERIC_PROMPT = /[\w+\-.:/[\]]+(?:\([^)]+\)){0,3}[>#] ?$/;

/** IOS shortens the hostname in config-mode prompts to 20 characters (netmiko, spec §1). */
const CONFIG_PROMPT_HOST_CHARS = 20;

export type CliMode = 'exec' | 'privileged' | 'config';

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** The hostname part of a learned prompt line (`R1#` -> `R1`, `R1(config)#` -> `R1`, `fw/ctx#` -> `fw/ctx`). */
export function readPromptHost(promptLine: string): string {
  const m = /^(.*?)(?:\([^)]*\))*[>#] ?$/.exec(promptLine.trim());
  return m?.[1] ?? promptLine.trim();
}

/**
 * A regex matching this device's prompts at the start of a line: the full hostname or its 20-char config-mode
 * cut, any `(mode)` suffix, then `>` or `#`. Anchored at the line start only, because in a batch the prompt is
 * followed on the same line by the echo of the next command.
 */
export function buildPromptRegex(host: string): RegExp {
  const full = escapeRegex(host);
  const cut = escapeRegex(host.slice(0, CONFIG_PROMPT_HOST_CHARS));
  const names = full === cut ? full : `${full}|${cut}`;
  return new RegExp(`^(?:${names})(?:\\([^)\\s]*\\))*[>#] ?`);
}

export function readMode(prompt: string): CliMode {
  if (/\(config[^)]*\)#\s*$/.test(prompt)) return 'config';
  return /#\s*$/.test(prompt) ? 'privileged' : 'exec';
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>]/g;
// The pager erases its marker with backspaces, blanks and backspaces again (RANCID clogin).
// eslint-disable-next-line no-control-regex
const BACKSPACE_RUN = /\x08+ *\x08*/g;

/** Normalise raw terminal bytes: ANSI escapes, backspace erasures and CR dropped, lines end in `\n`. */
export function cleanTerminalText(raw: string): string {
  return raw.replace(ANSI, '').replace(BACKSPACE_RUN, '').replace(/\r+\n/g, '\n').replace(/\r/g, '');
}

/** The IOS pager prompt (and the ASA one), matched at the end of the unread output. */
export const MORE_PROMPT = /(?: ?--More-- ?|<--- More --->)\s*$/;

/**
 * A syslog line printed on the console between commands: `%SYS-5-CONFIG_I: ...`, optionally behind a
 * `*Mon dd hh:mm:ss.mmm:` or `Mon dd ...` timestamp or a sequence number, plus reload warnings.
 */
const ASYNC_LINE =
  /^(?:\d+: )?(?:[*.]?[A-Z][a-z]{2} +\d+ (?:\d{4} )?[\d:.]+(?: [A-Z]{2,5})?: )?%[A-Z0-9_]+-\d-[A-Z0-9_]+:|^\*\*\* --- SHUTDOWN/;

export function isAsyncLogLine(line: string): boolean {
  return ASYNC_LINE.test(line);
}

export interface DeviceErrorRule {
  readonly re: RegExp;
  /**
   * `fatal`: stop; `lock`: configuration mode held by another session, retrying may help; `notice`: a reply that is
   * not an error by itself but a fact to check by reading back (the ASA's "object already exists"): reported, the
   * batch goes on. The first rule whose pattern matches a line decides, so a notice listed before a catch-all wins.
   */
  readonly kind: 'fatal' | 'lock' | 'notice';
}

export interface DeviceErrorHit {
  readonly kind: 'fatal' | 'lock';
  /** The device's words: the caret line (if any) and the error line. */
  readonly text: string;
}

/** The first error in one command's output lines, with the caret line above it kept for context. */
export function findDeviceError(
  lines: readonly string[],
  rules: readonly DeviceErrorRule[],
): DeviceErrorHit | undefined {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const rule = rules.find((r) => r.re.test(line));
    if (rule === undefined || rule.kind === 'notice') continue;
    const prev = i > 0 ? (lines[i - 1] ?? '') : '';
    const text = /^\s*\^\s*$/.test(prev) ? `${prev}\n${line.trim()}` : line.trim();
    return { kind: rule.kind, text };
  }
  return undefined;
}

/** The lines of one command's output that a `notice` rule matches (before any other rule). */
export function findDeviceNotices(lines: readonly string[], rules: readonly DeviceErrorRule[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    if (rules.find((r) => r.re.test(line))?.kind === 'notice') out.push(line.trim());
  }
  return out;
}

/**
 * Does the echo printed by the device stand for the command we sent? Whitespace may differ, and a terminal
 * narrower than the line cuts or scrolls it with `$` markers (spec §6 row 1): then every visible piece must
 * occur in the command. Used to catch a session that is out of step, never to count commands.
 */
export function echoMatches(echo: string, command: string): boolean {
  if (echo === command) return true; // the usual case, without building normalised copies per line
  const e = echo.replace(/\s+/g, ' ').trim();
  const c = command.replace(/\s+/g, ' ').trim();
  if (e === c) return true;
  if (!e.includes('$')) return false;
  return e
    .split('$')
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .every((p) => c.includes(p));
}
